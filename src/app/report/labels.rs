//! Every word of the report in Vietnamese and English, in one table per language so a label
//! cannot exist in one and be missing in the other (a missing field does not compile).
//! Dates follow the language too: 31/12/2026 in Vietnamese, 2026-12-31 in English.

use chrono::NaiveDate;
use sohoa::config::Lang;
use sohoa::report::schedule::ScheduleStatus;
use sohoa::report::GroupBy;

pub struct Labels {
    pub title: &'static str,
    pub as_of: &'static str,
    pub generated: &'static str,
    pub window: &'static str,
    pub collection: &'static str,
    pub centre: &'static str,
    pub operator: &'static str,
    pub day: &'static str,
    pub batch: &'static str,
    pub target: &'static str,
    pub digitised: &'static str,
    pub done: &'static str,
    pub needs_review: &'static str,
    pub failed: &'static str,
    pub in_progress: &'static str,
    pub not_yet_seen: &'static str,
    pub duplicates: &'static str,
    pub pages: &'static str,
    pub percent: &'static str,
    pub dossiers: &'static str,
    pub rate: &'static str,
    pub per_day: &'static str,
    pub rate_basis: &'static str,
    pub no_activity: &'static str,
    pub eta: &'static str,
    pub no_eta: &'static str,
    pub deadline: &'static str,
    pub needed: &'static str,
    pub days_left: &'static str,
    pub unknown: &'static str,
    pub no_target: &'static str,
    pub chart: &'static str,
    pub target_line: &'static str,
    pub projection: &'static str,
    pub by_centre: &'static str,
    pub by_operator: &'static str,
    pub today: &'static str,
    pub reached: &'static str,
    pub on_track: &'static str,
    pub at_risk: &'static str,
    pub late: &'static str,
    pub reviewer: &'static str,
    pub review: &'static str,
    pub dossiers_reviewed: &'static str,
    pub pages_cleared: &'static str,
    pub values_accepted: &'static str,
    pub values_corrected: &'static str,
    pub by_reviewer: &'static str,
    pub review_by_day: &'static str,
}

const VI: Labels = Labels {
    title: "Báo cáo tiến độ số hóa",
    as_of: "tính đến ngày",
    generated: "lập lúc",
    window: "khoảng thời gian",
    collection: "Bộ hồ sơ",
    centre: "Điểm số hóa",
    operator: "Người thực hiện",
    day: "Ngày",
    batch: "Lô",
    target: "Chỉ tiêu",
    digitised: "Đã số hóa",
    done: "Hoàn thành",
    needs_review: "Cần rà soát",
    failed: "Lỗi",
    in_progress: "Đang xử lý",
    not_yet_seen: "Chưa quét",
    duplicates: "Trùng lặp",
    pages: "Trang",
    percent: "Tỷ lệ",
    dossiers: "hồ sơ",
    rate: "Tốc độ",
    per_day: "mỗi ngày làm việc",
    rate_basis: "trung bình của {n} ngày có hoạt động gần nhất",
    no_activity: "chưa có hoạt động",
    eta: "Dự kiến đạt chỉ tiêu",
    no_eta: "chưa tính được",
    deadline: "Hạn",
    needed: "cần",
    days_left: "ngày làm việc còn lại",
    unknown: "(không rõ)",
    no_target: "chưa đặt chỉ tiêu",
    chart: "Hồ sơ đã số hóa cộng dồn theo ngày",
    target_line: "chỉ tiêu",
    projection: "Dự kiến theo tốc độ hiện tại",
    by_centre: "Theo điểm số hóa",
    by_operator: "Theo người thực hiện",
    today: "hôm nay",
    reached: "đã đạt chỉ tiêu",
    on_track: "đúng tiến độ",
    at_risk: "có nguy cơ trễ",
    late: "trễ hạn",
    reviewer: "Người rà soát",
    review: "Rà soát",
    dossiers_reviewed: "Hồ sơ đã rà soát",
    pages_cleared: "Trang đã duyệt",
    values_accepted: "Giá trị giữ nguyên",
    values_corrected: "Giá trị đã sửa",
    by_reviewer: "Rà soát theo người rà soát",
    review_by_day: "Rà soát theo ngày",
};

const EN: Labels = Labels {
    title: "Digitisation progress report",
    as_of: "as of",
    generated: "generated",
    window: "period",
    collection: "Collection",
    centre: "Centre",
    operator: "Operator",
    day: "Day",
    batch: "Batch",
    target: "Target",
    digitised: "Digitised",
    done: "Done",
    needs_review: "Needs review",
    failed: "Failed",
    in_progress: "In progress",
    not_yet_seen: "Not yet seen",
    duplicates: "Duplicates",
    pages: "Pages",
    percent: "Percent",
    dossiers: "dossiers",
    rate: "Rate",
    per_day: "per working day",
    rate_basis: "mean of the last {n} day(s) with activity",
    no_activity: "no activity yet",
    eta: "Target reached by",
    no_eta: "cannot be estimated",
    deadline: "Deadline",
    needed: "needs",
    days_left: "working days left",
    unknown: "(unknown)",
    no_target: "no target set",
    chart: "Digitised dossiers, cumulative, per day",
    target_line: "target",
    projection: "Projected at the current rate",
    by_centre: "By centre",
    by_operator: "By operator",
    today: "today",
    reached: "target reached",
    on_track: "on track",
    at_risk: "at risk",
    late: "late",
    reviewer: "Reviewer",
    review: "Review",
    dossiers_reviewed: "Dossiers reviewed",
    pages_cleared: "Pages cleared",
    values_accepted: "Values accepted",
    values_corrected: "Values corrected",
    by_reviewer: "Review by reviewer",
    review_by_day: "Review by day",
};

impl Labels {
    pub fn of(lang: Lang) -> &'static Labels {
        match lang {
            Lang::Vi => &VI,
            Lang::En => &EN,
        }
    }

    pub fn by(&self, by: GroupBy) -> &'static str {
        match by {
            GroupBy::Collection => self.collection,
            GroupBy::Centre => self.centre,
            GroupBy::Operator => self.operator,
            GroupBy::Day => self.day,
            GroupBy::Batch => self.batch,
            GroupBy::Reviewer => self.reviewer,
        }
    }

    pub fn status(&self, status: ScheduleStatus) -> &'static str {
        match status {
            ScheduleStatus::Reached => self.reached,
            ScheduleStatus::OnTrack => self.on_track,
            ScheduleStatus::AtRisk => self.at_risk,
            ScheduleStatus::Late => self.late,
        }
    }
}

/// A UTC time (RFC 3339, as JSON carries it) to the minute, the day written as in [`date`].
pub fn time(rfc3339: &str, lang: Lang) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => format!("{} {} UTC", date(t.date_naive(), lang), t.format("%H:%M")),
        Err(_) => rfc3339.to_string(),
    }
}

/// A day as people of that language write it.
pub fn date(d: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}
