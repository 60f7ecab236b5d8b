//! Search benchmark, run by `scripts/bench-search` (not a test): builds a catalog of N
//! generated pages of Vietnamese administrative text (residence forms, household registers,
//! decisions, with names, 12-digit ID numbers, birth dates and addresses) through the same
//! `record_files` the pipeline uses, then times 100 mixed queries through `Catalog::search`.
//! Prints the indexing time per 10,000 pages and the p50 / p95 query latency, and times the
//! full-text queries side by side with SQLite's own ranked top 20 over the same index.
//!
//! Then the ranking of full names typed without marks (`ranking.rs`), on the generated pages
//! and, with `--dev truth.jsonl`, on a corpus's real pages among 20,000 generated ones.
//!
//!     cargo run --release --example bench_search -- [--pages N] [--dir DIR] [--dev FILE]

#[path = "bench_search/ranking.rs"]
mod ranking;

use std::time::Instant;

use chrono::Utc;
use sohoa::catalog::{Catalog, CollectionInfo, DossierPlan, NewBatch, SearchRequest};
use sohoa::content::ContentId;
use sohoa::model::{Dpi, FileKey, FileOutcome, FileRecord, Geometry, PageRecord};
use sohoa::search::{fold, parse, Match};

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Đức", "Minh", "Ngọc", "Thanh", "Hữu", "Xuân", "Thu", "Hồng", "Kim", "Công",
    "Đình", "Phương", "Quốc",
];
const GIVEN: &[&str] = &[
    "Lượng", "Đạt", "Thủy", "Oanh", "Nhung", "Ngọc", "Sơn", "Linh", "Hằng", "Khải", "Việt", "Thảo",
    "Đức", "Cường", "Hòa", "Huyền", "Khoa", "Trang", "Lộc", "Tuấn", "Phúc", "Dũng", "Yến", "An",
    "Bình", "Châu", "Giang", "Hải", "Hùng", "Nguyệt", "Tâm", "Vy",
];
const STREETS: &[&str] = &[
    "Trần Phú",
    "Bạch Đằng",
    "Xuân Thủy",
    "Đồng Khởi",
    "Võ Thị Sáu",
    "Lê Lợi",
    "Hai Bà Trưng",
    "Nguyễn Huệ",
    "Điện Biên Phủ",
    "Lý Thường Kiệt",
    "Hùng Vương",
    "Phan Đình Phùng",
];
const PLACES: &[&str] = &[
    "phường Hàng Bạc, quận Hoàn Kiếm, TP Hà Nội",
    "phường Nghĩa Đô, quận Cầu Giấy, TP Hà Nội",
    "phường Bến Thành, Quận 1, TP Hồ Chí Minh",
    "phường Linh Trung, thành phố Thủ Đức, TP Hồ Chí Minh",
    "phường An Hải Bắc, quận Sơn Trà, TP Đà Nẵng",
    "phường Hòa Thuận Đông, quận Hải Châu, TP Đà Nẵng",
    "phường Tân Phong, thành phố Biên Hòa, tỉnh Đồng Nai",
    "phường Vĩnh Ninh, thành phố Huế, tỉnh Thừa Thiên Huế",
];

/// A small deterministic generator (xorshift), so every run builds the same catalog.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    fn name(&mut self) -> String {
        format!(
            "{} {} {}",
            self.pick(FAMILY),
            self.pick(MIDDLE),
            self.pick(GIVEN)
        )
    }
    fn id(&mut self) -> String {
        format!("0{:02}{:09}", self.below(96) + 1, self.below(1_000_000_000))
    }
    fn date(&mut self) -> String {
        format!(
            "{:02}/{:02}/{}",
            self.below(28) + 1,
            self.below(12) + 1,
            1930 + self.below(90)
        )
    }
    fn address(&mut self) -> String {
        format!(
            "Số {} đường {}, {}",
            self.below(300) + 1,
            self.pick(STREETS),
            self.pick(PLACES)
        )
    }
}

/// One page of text, about 1.5 kB, in one of three layouts.
fn page_text(r: &mut Rng) -> String {
    let head = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n";
    match r.below(3) {
        0 => format!(
            "{head}TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ\nKính gửi: Công an {}\n1) Họ, chữ đệm và tên: {}\n\
             2) Ngày, tháng, năm sinh: {}\n3) Giới tính: Nam\n4) Số định danh cá nhân: {}\n\
             6) Nơi thường trú: {}\n7) Nơi ở hiện tại: {}\n8) Nghề nghiệp: Công nhân\n9) Dân tộc: Kinh\n\
             12) Họ, chữ đệm và tên chủ hộ: {}\n14) Số định danh cá nhân của chủ hộ: {}\n\
             15) Nội dung đề nghị: Đăng ký thường trú vào hộ gia đình tại {}.\nNGƯỜI KÊ KHAI\n",
            r.pick(PLACES), r.name().to_uppercase(), r.date(), r.id(), r.address(), r.address(),
            r.name().to_uppercase(), r.id(), r.address()
        ),
        1 => {
            let mut s = format!("SỔ HỘ KHẨU\nHọ và tên chủ hộ: {}\nChỗ ở hiện nay: {}\n", r.name().to_uppercase(), r.address());
            for i in 1..=4 {
                s.push_str(&format!(
                    "{i}. Họ và tên: {}\nNgày sinh: {}\nSố định danh cá nhân: {}; quan hệ với chủ hộ: con\n\
                     Nghề nghiệp: Viên chức; Dân tộc: Kinh; Quốc tịch: Việt Nam\n",
                    r.name().to_uppercase(), r.date(), r.id()
                ));
            }
            s
        }
        _ => format!(
            "ỦY BAN NHÂN DÂN {head}QUYẾT ĐỊNH\nVề việc xóa đăng ký thường trú\nCăn cứ Luật Cư trú ngày 13 tháng 11 năm 2020;\n\
             Căn cứ Nghị định số 62/2021/NĐ-CP ngày 29 tháng 6 năm 2021 của Chính phủ quy định chi tiết một số điều của Luật Cư trú;\n\
             Điều 1. Xóa đăng ký thường trú đối với công dân {}, sinh ngày {}, số định danh cá nhân {}, tại {}, do đã chuyển đến nơi ở mới.\n\
             Các thành viên trong hộ gia đình có liên quan:\n- {}, sinh ngày {}, số định danh {};\n- {}, sinh ngày {}, số định danh {};\n\
             Điều 2. Giao Công an chủ trì, phối hợp với Ủy ban nhân dân {} hướng dẫn công dân thực hiện thủ tục theo quy định.\n",
            r.name().to_uppercase(), r.date(), r.id(), r.address(), r.name(), r.date(), r.id(),
            r.name(), r.date(), r.id(), r.pick(PLACES)
        ),
    }
}

const PAGES_PER_DOSSIER: usize = 10;
const SLICE: usize = 1000;

fn build(
    catalog: &mut Catalog,
    pages: usize,
    r: &mut Rng,
) -> Result<f64, Box<dyn std::error::Error>> {
    catalog.upsert_collection(&CollectionInfo {
        id: "cu-tru".into(),
        name: "Hồ sơ cư trú".into(),
        target: None,
    })?;
    let batch = catalog.begin_batch(&bench_batch("bench"))?;
    let dossiers = pages.div_ceil(PAGES_PER_DOSSIER);
    let plans: Vec<DossierPlan> = (0..dossiers)
        .map(|d| DossierPlan {
            collection: "cu-tru".into(),
            code: format!("CT-2023-{d:06}"),
            expected_files: PAGES_PER_DOSSIER as u32,
        })
        .collect();
    catalog.register_dossiers(batch, &plans)?;
    let mut spent = 0.0;
    let mut files = Vec::with_capacity(SLICE);
    for n in 0..pages {
        let dossier = format!("CT-2023-{:06}", n / PAGES_PER_DOSSIER);
        let rel_path = format!("{dossier}/trang-{}.jpg", n % PAGES_PER_DOSSIER + 1);
        files.push(file_record(dossier, rel_path, page_text(r)));
        if files.len() == SLICE || n + 1 == pages {
            let start = Instant::now();
            catalog.record_files(batch, &files)?;
            spent += start.elapsed().as_secs_f64();
            files.clear();
        }
    }
    Ok(spent)
}

/// A batch of the benchmark's, named by `tag` and the time.
fn bench_batch(tag: &str) -> NewBatch {
    NewBatch {
        uuid: format!("{tag}-{}", Utc::now().timestamp_nanos_opt().unwrap_or(0)),
        operator: None,
        centre: None,
        host: "bench".into(),
        started_at: Utc::now(),
        version: env!("CARGO_PKG_VERSION").into(),
        collections: vec!["cu-tru".into()],
    }
}

/// A file of one page holding `text`, as the pipeline records it.
fn file_record(dossier: String, rel_path: String, text: String) -> FileRecord {
    let page = PageRecord {
        index: 0,
        width: 2480,
        height: 3508,
        dpi: Some(Dpi { x: 300.0, y: 300.0 }),
        text,
        confidence: 90.0,
        words: Vec::new(),
        engine_ms: 0,
        flags: Vec::new(),
        geometry: Geometry::default(),
        fields: Vec::new(),
        prep_ms: 0,
        form: None,
    };
    FileRecord {
        content: Some(ContentId::of_bytes(rel_path.as_bytes())),
        key: FileKey {
            collection: "cu-tru".into(),
            dossier,
            rel_path,
        },
        size: 1,
        mtime_ns: 0,
        outcome: FileOutcome::Pages(vec![page]),
        source_name: None,
    }
}

/// A catalog of `pages` generated pages and the pages of a corpus's `truth.jsonl` (dossier
/// codes prefixed `DEV-`), to rank names of real pages among many others.
fn dev_catalog(
    truth: &std::path::Path,
    dir: &std::path::Path,
    pages: usize,
) -> Result<(Catalog, std::path::PathBuf), Box<dyn std::error::Error>> {
    let path = dir.join("bench-search-dev.sqlite");
    let _ = std::fs::remove_file(&path);
    let mut catalog = Catalog::create_or_open(&path)?;
    build(&mut catalog, pages, &mut Rng(0x5eed_dead_beef_0003))?;
    let batch = catalog.begin_batch(&bench_batch("bench-dev"))?;
    let mut files = Vec::new();
    for line in std::fs::read_to_string(truth)?.lines() {
        let row: serde_json::Value = serde_json::from_str(line)?;
        let field = |k: &str| row[k].as_str().unwrap_or_default().to_string();
        let dossier = format!("DEV-{}", field("dossier"));
        let rel_path = format!("{dossier}/{}#{}", field("file"), row["page_index"]);
        files.push(file_record(dossier, rel_path, field("text")));
    }
    let mut plans: Vec<DossierPlan> = files
        .iter()
        .map(|f| DossierPlan {
            collection: "cu-tru".into(),
            code: f.key.dossier.clone(),
            expected_files: 1,
        })
        .collect();
    plans.dedup_by(|a, b| a.code == b.code);
    catalog.register_dossiers(batch, &plans)?;
    catalog.record_files(batch, &files)?;
    println!(
        "development pages: {} from {}, among {pages} generated ones",
        files.len(),
        truth.display()
    );
    Ok((catalog, path))
}

/// A request for the first 20 results, as `sohoa search` makes by default.
fn request(query: Option<sohoa::search::Query>, mode: Match) -> SearchRequest {
    SearchRequest {
        query,
        mode,
        id: None,
        name: None,
        born: None,
        collection: None,
        limit: 20,
        offset: 0,
    }
}

/// 100 queries as people type them: names without marks, phrases, prefixes, NOT, OR, exact
/// spellings, and ID / name / birth-year look-ups.
fn queries(r: &mut Rng) -> Vec<SearchRequest> {
    let base = |query: Option<&str>, mode| {
        request(
            query.map(|q| parse(q, mode).expect("benchmark query parses")),
            mode,
        )
    };
    let mut out = Vec::new();
    for i in 0..100 {
        let name = fold(&r.name());
        let req = match i % 10 {
            0..=2 => base(Some(&name), Match::Folded),
            3 => base(Some(&format!("\"{name}\"")), Match::Folded),
            4 => base(
                Some(&format!(
                    "{}*",
                    &fold(r.pick(GIVEN)).chars().take(3).collect::<String>()
                )),
                Match::Folded,
            ),
            5 => base(
                Some(&format!(
                    "{} NOT {}",
                    fold(r.pick(GIVEN)),
                    fold(r.pick(FAMILY))
                )),
                Match::Folded,
            ),
            6 => base(
                Some(&format!(
                    "{} OR {}",
                    fold(r.pick(STREETS)).replace(' ', "_"),
                    fold(r.pick(GIVEN))
                )),
                Match::Folded,
            ),
            7 => base(Some(&r.name()), Match::Exact),
            8 => SearchRequest {
                id: Some(r.id()),
                ..base(None, Match::Folded)
            },
            _ => {
                if i % 20 == 9 {
                    SearchRequest {
                        name: Some(name),
                        ..base(None, Match::Folded)
                    }
                } else {
                    SearchRequest {
                        born: Some(format!("{}", 1930 + r.below(90))),
                        ..base(None, Match::Folded)
                    }
                }
            }
        };
        out.push(req);
    }
    out
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let arg = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let pages: usize = arg("--pages").map_or(Ok(200_000), |p| p.parse())?;
    let dir = arg("--dir")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let path = dir.join("bench-search.sqlite");
    let mut r = Rng(0x5eed_1234_abcd_0001);
    let reuse = path.exists();
    let mut catalog = Catalog::create_or_open(&path)?;
    if reuse {
        println!(
            "reusing {} (delete it to measure indexing again)",
            path.display()
        );
    } else {
        let spent = build(&mut catalog, pages, &mut r)?;
        println!("pages: {pages}; catalog: {}", path.display());
        println!("indexing (record_files: page, page_fold, page_exact, term_df, page_field): {:.2} s per 10,000 pages", spent / pages as f64 * 10_000.0);
        let texts: Vec<String> = (0..10_000).map(|_| page_text(&mut r)).collect();
        let start = Instant::now();
        let mut folded = 0;
        let mut fields = 0;
        for t in &texts {
            folded += fold(t).len();
            fields += sohoa::search::extract(t).len();
        }
        println!("  of which folding and field extraction in Rust: {:.2} s per 10,000 pages ({folded} bytes folded, {fields} fields)", start.elapsed().as_secs_f64());
    }
    // The queries have their own seed, so that a fresh catalog and a reused one time the
    // same ones.
    let reqs = queries(&mut Rng(0x5eed_0000_0000_0002));
    let mut times = Vec::new();
    let mut found = 0;
    for req in &reqs {
        let start = Instant::now();
        found += catalog.search(req)?.len();
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        if std::env::var_os("BENCH_VERBOSE").is_some() {
            eprintln!(
                "{:7.1} ms  {:?} {:?} {:?} {:?}",
                times[times.len() - 1],
                req.query.as_ref().map(|q| q.to_fts()),
                req.id,
                req.name,
                req.born
            );
        }
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{} mixed queries, {found} results: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
        reqs.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1]
    );
    time_totals(&catalog, &reqs)?;
    compare_with_plain_fts(&catalog, &path, &reqs)?;
    ranking::measure(&catalog, &path, "CT-2023-")?.print("generated pages");
    if let Some(truth) = arg("--dev") {
        let (dev, dev_path) = dev_catalog(std::path::Path::new(&truth), &dir, 20_000)?;
        ranking::measure(&dev, &dev_path, "DEV-")?.print("development pages");
    }
    Ok(())
}

/// The count of the matches (`search_total`), which `sohoa search` asks for when a page of
/// hits is full: bounded as `sohoa search` bounds it (1,001 for a first page of 20) beside
/// counting every match, query by query in turn.
fn time_totals(
    catalog: &Catalog,
    reqs: &[SearchRequest],
) -> Result<(), Box<dyn std::error::Error>> {
    let (mut bounded, mut all) = (Vec::new(), Vec::new());
    let (mut capped, mut counted) = (0, 0);
    for req in reqs {
        let start = Instant::now();
        capped += u64::from(catalog.search_total(req, 1001)? == 1001);
        bounded.push(start.elapsed().as_secs_f64() * 1000.0);
        let start = Instant::now();
        counted += catalog.search_total(req, u64::MAX)?;
        all.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    for (name, times) in [
        ("bounded at 1,001", &mut bounded),
        ("every match", &mut all),
    ] {
        times.sort_by(f64::total_cmp);
        println!(
            "totals, {name}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms",
            percentile(times, 0.5),
            percentile(times, 0.95),
            times[times.len() - 1]
        );
    }
    println!(
        "  {counted} matches in all; {capped} of {} queries stopped at the bound (\"at least 1,001\")",
        reqs.len()
    );
    Ok(())
}

/// The baseline, timed side by side: SQLite's own ranked top 20 for the same full-text
/// expressions (`ORDER BY rank LIMIT 20`, bm25 over every match, no join, no snippet).
fn compare_with_plain_fts(
    catalog: &Catalog,
    path: &std::path::Path,
    reqs: &[SearchRequest],
) -> Result<(), Box<dyn std::error::Error>> {
    let conn =
        rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let (mut ours, mut plain) = (Vec::new(), Vec::new());
    let text_only = |q: &&SearchRequest| {
        q.query.is_some() && q.id.is_none() && q.name.is_none() && q.born.is_none()
    };
    for req in reqs.iter().filter(text_only) {
        let expr = req.query.as_ref().map(|q| q.to_fts()).unwrap_or_default();
        let table = match req.mode {
            Match::Folded => "page_fold",
            Match::Exact => "page_exact",
        };
        let sql =
            format!("SELECT rowid FROM {table} WHERE {table} MATCH ?1 ORDER BY rank LIMIT 20");
        let start = Instant::now();
        let rows: Vec<i64> = conn
            .prepare_cached(&sql)?
            .query_map([&expr], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        plain.push(start.elapsed().as_secs_f64() * 1000.0);
        std::hint::black_box(rows);
        let start = Instant::now();
        std::hint::black_box(catalog.search(req)?);
        ours.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    ours.sort_by(f64::total_cmp);
    plain.sort_by(f64::total_cmp);
    println!(
        "{} full-text queries, side by side: sohoa search p50 {:.1} ms, p95 {:.1} ms; \
         plain FTS5 bm25 top 20 p50 {:.1} ms, p95 {:.1} ms; p95 ratio sohoa/plain {:.2}",
        ours.len(),
        percentile(&ours, 0.5),
        percentile(&ours, 0.95),
        percentile(&plain, 0.5),
        percentile(&plain, 0.95),
        percentile(&ours, 0.95) / percentile(&plain, 0.95)
    );
    Ok(())
}
