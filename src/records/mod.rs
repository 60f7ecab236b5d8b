//! Forms as records: a page whose text shows one of the known forms (see `forms.rs`) is read
//! into its labelled fields and the rows of its table of people, each value checked (see
//! `check.rs`) and given the confidence of its least sure word, lowered when a check fails.
//! Pure functions over a page's words, run once when the page is read; no second reading.

pub mod check;
pub mod dossier;
mod fields;
pub mod forms;
mod phrases;
mod relation;
mod table;
mod text;
mod values;

use chrono::NaiveDate;

pub use forms::{Forms, FormsError};

use crate::model::{BoxedField, FieldValue, FormRecord, Word};
use forms::{FormDef, ValueKind};
use text::PageText;
use values::Cut;

/// Confidence at most of a value that failed a check: below any review threshold.
pub const DOUBTFUL: f32 = 40.0;

/// The page read as the first form whose sign it shows, if any.
pub fn read(
    words: &[Word],
    boxed: &[BoxedField],
    forms: &Forms,
    today: NaiveDate,
) -> Option<FormRecord> {
    let page = PageText::new(words);
    let form = forms
        .forms
        .iter()
        .find(|f| f.signs.iter().any(|s| shows(&page, s)))?;
    let mut record = FormRecord {
        form: form.id.clone(),
        fields: fields::read(&page, form, boxed)
            .into_iter()
            .map(|(i, r)| match r {
                fields::Read::Text(c) => value(&page, &form.fields[i].name, c),
                fields::Read::Boxed(b) => boxed_value(&form.fields[i].name, b),
            })
            .collect(),
        members: form
            .table
            .as_ref()
            .map(|t| table::read(&page, t))
            .unwrap_or_default()
            .into_iter()
            .map(|row| row.into_iter().map(|(n, c)| value(&page, &n, c)).collect())
            .collect(),
    };
    from_members(&mut record, form);
    check_record(&mut record, form, today);
    Some(record)
}

/// Whether the page shows `sign`; a sign in capitals (a form's title) only in capitals, so
/// "Quyết định này có hiệu lực" in running text is not the title QUYẾT ĐỊNH.
fn shows(page: &PageText, sign: &str) -> bool {
    let capitals = !sign.chars().any(char::is_lowercase);
    page.find(sign).iter().any(|f| {
        let letters = page.chars[f.start..f.end]
            .iter()
            .filter(|c| c.is_alphabetic());
        let (upper, all) = letters.fold((0, 0), |(u, a), c| {
            (u + usize::from(c.is_uppercase()), a + 1)
        });
        !capitals || upper * 10 >= all * 8
    })
}

fn value(page: &PageText, name: &str, cut: Cut) -> FieldValue {
    let (confidence, [left, top, width, height]) =
        page.evidence(cut.range.clone()).unwrap_or((0.0, [0; 4]));
    FieldValue {
        name: name.to_string(),
        value: cut.value,
        confidence,
        doubt: None,
        left,
        top,
        width,
        height,
    }
}

fn boxed_value(name: &str, b: BoxedField) -> FieldValue {
    FieldValue {
        name: name.to_string(),
        value: b.value,
        confidence: b.confidence,
        doubt: None,
        left: b.left,
        top: b.top,
        width: b.width,
        height: b.height,
    }
}

/// Fields a form prints only in its table: the head's ID from the head's row.
fn from_members(record: &mut FormRecord, form: &FormDef) {
    for def in form.fields.iter().filter(|d| d.from_member.is_some()) {
        if record.fields.iter().any(|f| f.name == def.name) {
            continue;
        }
        let relation = crate::search::fold::fold(def.from_member.as_deref().unwrap_or(""));
        let row = record.members.iter().find(|row| {
            get(row, "relation").is_some_and(|r| crate::search::fold::fold(&r.value) == relation)
        });
        let column = match def.name.as_str() {
            "head_id_number" => "id_number",
            other => other,
        };
        if let Some(v) = row.and_then(|r| get(r, column)) {
            let mut v = v.clone();
            v.name = def.name.clone();
            record.fields.push(v);
        }
    }
}

fn get<'a>(fields: &'a [FieldValue], name: &str) -> Option<&'a FieldValue> {
    fields.iter().find(|f| f.name == name)
}

/// Checks every value; the person a value belongs to (the page's declarant, or a table
/// row) gives the date of birth and gender an ID must agree with.
fn check_record(record: &mut FormRecord, form: &FormDef, today: NaiveDate) {
    let kind_of = |name: &str| {
        form.fields
            .iter()
            .find(|d| d.name == name)
            .map(|d| d.kind)
            .unwrap_or(match name {
                "name" => ValueKind::Name,
                "dob" => ValueKind::Date,
                "id_number" => ValueKind::Id,
                _ => ValueKind::Text,
            })
    };
    check_person(&mut record.fields, &kind_of, today);
    for row in &mut record.members {
        check_person(row, &kind_of, today);
    }
}

fn check_person(fields: &mut [FieldValue], kind_of: &dyn Fn(&str) -> ValueKind, today: NaiveDate) {
    let born = get(fields, "dob").map(|f| f.value.clone());
    let gender = get(fields, "gender").map(|f| f.value.clone());
    for f in fields.iter_mut() {
        let doubt = match kind_of(&f.name) {
            ValueKind::Date => check::date(&f.value, today),
            ValueKind::Name => check::name(&f.value),
            ValueKind::Phone => check::phone(&f.value),
            // Only the person's own ID is checked against their birth and sex.
            ValueKind::Id if f.name == "id_number" => {
                check::id(&f.value, born.as_deref(), gender.as_deref())
            }
            ValueKind::Id => check::id(&f.value, None, None),
            _ => None,
        };
        if let Some(d) = doubt {
            f.doubt = Some(d.to_string());
            f.confidence = f.confidence.min(DOUBTFUL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::text::tests::words;
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 6).unwrap()
    }

    #[test]
    fn a_household_extract_is_recognised_and_its_head_id_taken_from_the_table() {
        let w = words(&[
            "SỔ HỘ KHẨU",
            "Họ và tên chủ hộ: LÊ XUÂN QUYẾT",
            "Chỗ ở hiện nay: Tổ dân phố 1, phường Châu Khê, thành phố Từ Sơn,",
            "tỉnh Bắc Ninh",
            "TT Họ, chữ đệm và tên Ngày, tháng, năm sinh Giới tính Số định danh cá nhân Quan hệ với chủ hộ",
            "1 Lê Xuân Quyết 13/09/1945 Nam 027045115971 Chủ hộ",
            "2 Trần Thị Ánh 14/11/1948 Nữ 027148433134 Vợ",
        ]);
        let r = read(&w, &[], &Forms::built_in(), today()).expect("a form");
        assert_eq!(r.form, "household");
        let v = |n: &str| get(&r.fields, n).map(|f| f.value.as_str());
        assert_eq!(v("head_of_household"), Some("Lê Xuân Quyết"));
        assert_eq!(v("head_id_number"), Some("027045115971"));
        assert_eq!(
            v("address"),
            Some("Tổ dân phố 1, phường Châu Khê, thành phố Từ Sơn, tỉnh Bắc Ninh")
        );
        assert_eq!(r.members.len(), 2);
        assert!(!r.is_unsure(90.0), "{r:?}");
    }

    #[test]
    fn an_id_that_disagrees_with_the_birth_year_is_doubted() {
        let w = words(&[
            "TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ",
            "1. Họ, chữ đệm và tên: LÊ XUÂN QUYẾT",
            "2. Ngày, tháng, năm sinh: 13/09/1945 3. Giới tính: Nam",
            "4. Số định danh cá nhân: 027046115971",
        ]);
        let r = read(&w, &[], &Forms::built_in(), today()).expect("a form");
        let id = get(&r.fields, "id_number").expect("an ID");
        assert_eq!(id.doubt.as_deref(), Some("id-birth-year"));
        assert!(id.confidence <= DOUBTFUL);
        assert!(r.is_unsure(90.0));
    }

    #[test]
    fn a_page_of_no_known_form_is_no_record() {
        let w = words(&["Điều 1. Giao Văn phòng Đăng ký đất đai chi nhánh cấp huyện"]);
        assert_eq!(read(&w, &[], &Forms::built_in(), today()), None);
    }
}
