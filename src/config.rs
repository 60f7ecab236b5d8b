//! `pipeline.toml`: the file form (serde, unknown keys refused) and the validated settings the
//! rest of the library is built from. Relative paths are resolved against the folder that holds
//! the file, so a config works from whatever directory sohoa is started in. Defaults live here
//! and nowhere else.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use std::time::Duration;

use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::report::calendar::Calendar;

/// Resolution below which a page is flagged, as digitised archive documents are expected at
/// 200 dpi or more.
pub const MIN_DPI: f32 = 200.0;

/// `[walk] ignore` when `pipeline.toml` gives none: files that Windows, macOS and NAS boxes
/// write beside scans, and hidden entries (a leading dot), which hold caches and trash rather
/// than records. Specific ones first, so that counts name the debris (the first match counts).
pub const DEFAULT_IGNORE: [&str; 7] = [
    "Thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    ".DS_Store",
    "._*",
    "@eaDir",
    ".*",
];

/// Why a configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Syntax { path: PathBuf, message: String },
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    lang: Option<String>,
    operator: Option<String>,
    centre: Option<String>,
    organization: Option<String>,
    archive: ArchiveSection,
    #[serde(default)]
    ocr: OcrSection,
    #[serde(default)]
    walk: WalkSection,
    #[serde(default)]
    watch: WatchSection,
    #[serde(default)]
    records: RecordsSection,
    #[serde(default)]
    calendar: CalendarSection,
    #[serde(default)]
    collection: Vec<CollectionSection>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WalkSection {
    /// Replaces [`DEFAULT_IGNORE`] when given; `[]` skips nothing.
    ignore: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct WatchSection {
    settle_seconds: Option<f64>,
    poll_seconds: Option<f64>,
}

/// Days off and days worked beyond Monday to Friday, for ETAs and deadlines.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CalendarSection {
    #[serde(default)]
    holidays: Vec<String>,
    #[serde(default)]
    make_up_days: Vec<String>,
}

/// `[records]`: reading forms as records.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RecordsSection {
    enabled: Option<bool>,
    forms: Option<PathBuf>,
    sure: Option<f32>,
    review: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ArchiveSection {
    path: PathBuf,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct OcrSection {
    languages: Option<Vec<String>>,
    min_confidence: Option<f32>,
    workers: Option<usize>,
    tessdata: Option<PathBuf>,
    retry_tessdata: Option<PathBuf>,
    clean: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CollectionSection {
    id: String,
    name: Option<String>,
    source: PathBuf,
    layout: Option<Layout>,
    target: Option<Spanned<i64>>,
    page_target: Option<Spanned<i64>>,
    deadline: Option<Spanned<String>>,
    /// Dossier targets per scanning centre, by the centre's name as batches record it.
    centres: Option<BTreeMap<String, Spanned<i64>>>,
}

/// How a collection's source folder is cut into dossiers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Layout {
    /// Every folder that directly holds page files is one dossier.
    Folder,
    /// Every page file is one dossier (one multi-page TIFF or PDF per dossier).
    File,
}

/// Language of the messages and summaries meant for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Vi,
    En,
}

impl Lang {
    /// # Errors
    /// Anything but `vi` or `en`.
    pub fn parse(s: &str) -> Result<Lang, String> {
        match s {
            "vi" => Ok(Lang::Vi),
            "en" => Ok(Lang::En),
            other => Err(format!("unknown language {other:?} (use \"vi\" or \"en\")")),
        }
    }
}

/// Validated settings of one `pipeline.toml`.
#[derive(Debug, Clone)]
pub struct Settings {
    pub config_path: PathBuf,
    pub archive: PathBuf,
    pub lang: Lang,
    pub operator: Option<String>,
    pub centre: Option<String>,
    /// Who keeps the archive; `Source-Organization` of exported BagIt bags.
    pub organization: Option<String>,
    pub ocr: OcrSettings,
    /// `[walk] ignore`: entries of every source that are skipped (and counted).
    pub ignore: crate::walk::IgnoreRules,
    pub watch: WatchSettings,
    /// `[records]`: which forms are read as records.
    pub records: RecordSettings,
    /// `[calendar]`: the working days reports count.
    pub calendar: Calendar,
    pub collections: Vec<CollectionSettings>,
}

/// How pages are read as forms (`[records]`).
#[derive(Debug, Clone)]
pub struct RecordSettings {
    /// Whether pages are read as forms (`[records] enabled`, on unless set to false).
    pub enabled: bool,
    /// The built-in forms and the office's own (`forms = "FILE"`).
    pub forms: crate::records::Forms,
    /// Confidence below which a value is unsure.
    pub sure: f32,
    /// Whether an unsure or failed value puts its page in review (`unsure-fields`); on
    /// unless `[records] review = false` (an office that checks records elsewhere).
    pub review: bool,
}

impl Default for RecordSettings {
    fn default() -> RecordSettings {
        RecordSettings {
            enabled: true,
            forms: crate::records::Forms::built_in(),
            sure: DEFAULT_SURE,
            review: true,
        }
    }
}

/// `[records] sure` when not given: the page threshold of `[ocr] min_confidence`, so a form
/// goes to review for a failed check or a value the engine itself doubts, not for the
/// ordinary unevenness of word confidences on a scan.
pub const DEFAULT_SURE: f32 = 70.0;

/// How `sohoa watch` looks at the source folders (`[watch]`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WatchSettings {
    /// How long a file's size and modification time must stay the same before it is taken.
    pub settle: Duration,
    /// Time between two looks at the source folders.
    pub poll: Duration,
}

impl WatchSettings {
    /// Seconds from `pipeline.toml` or the command line as a duration: `settle` may be 0,
    /// `poll` must be positive, both at most a day.
    ///
    /// # Errors
    /// A negative, zero (for `poll`), huge or non-finite number, named by `key`.
    pub fn seconds(key: &str, value: f64, zero_ok: bool) -> Result<Duration, String> {
        let low_ok = if zero_ok { value >= 0.0 } else { value > 0.0 };
        if !(low_ok && value <= 86_400.0) {
            let least = if zero_ok { "0" } else { "more than 0" };
            return Err(format!(
                "{key} must be a number of seconds from {least} to 86400, got {value}"
            ));
        }
        Ok(Duration::from_secs_f64(value))
    }
}

#[derive(Debug, Clone)]
pub struct OcrSettings {
    pub languages: Vec<String>,
    pub min_confidence: f32,
    /// Worker threads, each with its own engine; 0 means one per core.
    pub workers: usize,
    /// Folder of `*.traineddata`; `None` uses the engine's default.
    pub tessdata: Option<PathBuf>,
    /// Folder of more accurate (slower) models of the same languages: pages read under
    /// `min_confidence` are read again with them and the better reading kept. `None`: no
    /// second reading.
    pub retry_tessdata: Option<PathBuf>,
    /// Clean pages for the engine and complete its reading (`[ocr] clean`, default true).
    pub clean: bool,
}

#[derive(Debug, Clone)]
pub struct CollectionSettings {
    pub id: String,
    pub name: String,
    pub source: PathBuf,
    pub layout: Layout,
    pub target: Option<u64>,
    /// Pages to digitise.
    pub page_target: Option<u64>,
    pub deadline: Option<NaiveDate>,
    /// Dossier targets per scanning centre name, sorted by name.
    pub centre_targets: BTreeMap<String, u64>,
}

/// The `lang` a config file asks for, read even from a file that is otherwise invalid, so
/// that the error saying what is wrong with it is in the operator's language. `None` when
/// the file cannot be read or names no valid language.
pub fn lang_of(path: &Path) -> Option<Lang> {
    let text = std::fs::read_to_string(path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    Lang::parse(table.get("lang")?.as_str()?).ok()
}

impl Settings {
    /// Read and validate a config file.
    ///
    /// # Errors
    /// The file cannot be read, is not valid TOML, has unknown keys or invalid values.
    pub fn load(path: &Path) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Settings::parse(&text, path)
    }

    /// Validate config text as if read from `path`.
    ///
    /// # Errors
    /// As [`Settings::load`], without the read.
    pub fn parse(text: &str, path: &Path) -> Result<Settings, ConfigError> {
        let file: FileConfig = toml::from_str(text).map_err(|e| ConfigError::Syntax {
            path: path.to_path_buf(),
            message: e.to_string().trim_end().to_string(),
        })?;
        let base = path.parent().unwrap_or(Path::new("."));
        let invalid = |message: String| ConfigError::Invalid {
            path: path.to_path_buf(),
            message,
        };
        resolve(file, base, path, text).map_err(invalid)
    }

    /// The collections named, in config order, or all of them when `names` is empty.
    ///
    /// # Errors
    /// A name that is not a collection id of this config.
    pub fn select(&self, names: &[String]) -> Result<Vec<&CollectionSettings>, String> {
        if let Some(bad) = names
            .iter()
            .find(|n| !self.collections.iter().any(|c| &c.id == *n))
        {
            let known: Vec<&str> = self.collections.iter().map(|c| c.id.as_str()).collect();
            return Err(format!(
                "no collection {bad:?} in {} (known: {})",
                self.config_path.display(),
                known.join(", ")
            ));
        }
        Ok(self
            .collections
            .iter()
            .filter(|c| names.is_empty() || names.contains(&c.id))
            .collect())
    }
}

fn resolve(file: FileConfig, base: &Path, path: &Path, text: &str) -> Result<Settings, String> {
    let lang = file.lang.as_deref().map(Lang::parse).transpose()?;
    let ocr = resolve_ocr(file.ocr, base)?;
    let ignore = match file.walk.ignore {
        Some(patterns) => crate::walk::IgnoreRules::new(&patterns)?,
        None => crate::walk::IgnoreRules::new(&DEFAULT_IGNORE)?,
    };
    let watch = WatchSettings {
        settle: WatchSettings::seconds(
            "[watch] settle_seconds",
            file.watch.settle_seconds.unwrap_or(5.0),
            true,
        )?,
        poll: WatchSettings::seconds(
            "[watch] poll_seconds",
            file.watch.poll_seconds.unwrap_or(2.0),
            false,
        )?,
    };
    let calendar = Calendar::new(&file.calendar.holidays, &file.calendar.make_up_days)?;
    let records = resolve_records(file.records, base)?;
    if file
        .archive
        .path
        .as_os_str()
        .to_string_lossy()
        .trim()
        .is_empty()
    {
        // An empty path would make the config's own folder the archive, mixing the catalog
        // and objects with the sources and the config.
        return Err(
            "[archive] path is empty: name the archive folder, e.g. path = \"archive\"".into(),
        );
    }
    let mut collections = Vec::new();
    for c in file.collection {
        if collections
            .iter()
            .any(|k: &CollectionSettings| k.id == c.id)
        {
            return Err(format!("collection id {:?} appears twice", c.id));
        }
        collections.push(resolve_collection(c, base, text)?);
    }
    if collections.is_empty() {
        return Err("no [[collection]] defined: add at least one".into());
    }
    Ok(Settings {
        config_path: path.to_path_buf(),
        archive: base.join(file.archive.path),
        lang: lang.unwrap_or(Lang::Vi),
        operator: file.operator,
        centre: file.centre,
        organization: file.organization,
        ocr,
        ignore,
        watch,
        records,
        calendar,
        collections,
    })
}

fn resolve_records(records: RecordsSection, base: &Path) -> Result<RecordSettings, String> {
    let sure = records.sure.unwrap_or(DEFAULT_SURE);
    if !(0.0..=100.0).contains(&sure) {
        return Err(format!(
            "[records] sure must be between 0 and 100, got {sure}"
        ));
    }
    let forms = match records.forms {
        Some(p) => crate::records::Forms::with_file(&base.join(p)).map_err(|e| e.to_string())?,
        None => crate::records::Forms::built_in(),
    };
    Ok(RecordSettings {
        enabled: records.enabled.unwrap_or(true),
        forms,
        sure,
        review: records.review.unwrap_or(true),
    })
}

fn resolve_ocr(ocr: OcrSection, base: &Path) -> Result<OcrSettings, String> {
    let languages = ocr.languages.unwrap_or_else(|| vec!["vie".into()]);
    if languages.is_empty() || languages.iter().any(|l| !valid_language(l)) {
        return Err(format!(
            "[ocr] languages must be Tesseract language codes like \"vie\", got {languages:?}"
        ));
    }
    let min_confidence = ocr.min_confidence.unwrap_or(70.0);
    if !(0.0..=100.0).contains(&min_confidence) {
        return Err(format!(
            "[ocr] min_confidence must be between 0 and 100, got {min_confidence}"
        ));
    }
    Ok(OcrSettings {
        languages,
        min_confidence,
        workers: ocr.workers.unwrap_or(0),
        tessdata: ocr.tessdata.map(|p| base.join(p)),
        retry_tessdata: ocr.retry_tessdata.map(|p| base.join(p)),
        clean: ocr.clean.unwrap_or(true),
    })
}

fn valid_language(code: &str) -> bool {
    !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn resolve_collection(
    c: CollectionSection,
    base: &Path,
    text: &str,
) -> Result<CollectionSettings, String> {
    let id_ok = !c.id.is_empty()
        && c.id
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if !id_ok {
        return Err(format!(
            "collection id {:?} must be letters, digits, '-' or '_'",
            c.id
        ));
    }
    let target = positive(c.target, text, &c.id, "target", "dossiers")?;
    let page_target = positive(c.page_target, text, &c.id, "page_target", "pages")?;
    let mut centre_targets = BTreeMap::new();
    for (centre, t) in c.centres.unwrap_or_default() {
        let what = format!("centres.{centre:?}");
        let t = positive(Some(t), text, &c.id, &what, "dossiers")?;
        centre_targets.insert(centre, t.unwrap_or_default());
    }
    let deadline = c
        .deadline
        .map(|d| {
            NaiveDate::parse_from_str(d.get_ref(), "%Y-%m-%d").map_err(|_| {
                format!(
                    "line {}: collection {:?}: deadline {:?} is not a date like \"2026-12-31\"",
                    line_of(text, d.span().start),
                    c.id,
                    d.get_ref()
                )
            })
        })
        .transpose()?;
    Ok(CollectionSettings {
        name: c.name.unwrap_or_else(|| c.id.clone()),
        source: base.join(c.source),
        layout: c.layout.unwrap_or(Layout::Folder),
        id: c.id,
        target,
        page_target,
        deadline,
        centre_targets,
    })
}

/// A target that must be a positive count, with the line it is on when it is not.
fn positive(
    value: Option<Spanned<i64>>,
    text: &str,
    collection: &str,
    key: &str,
    unit: &str,
) -> Result<Option<u64>, String> {
    match value {
        Some(t) if *t.get_ref() <= 0 => Err(format!(
            "line {}: collection {collection:?}: {key} must be a positive number of {unit}, got {}",
            line_of(text, t.span().start),
            t.get_ref()
        )),
        t => Ok(t.map(|t| *t.get_ref() as u64)),
    }
}

/// 1-based line of a byte offset, as toml's own errors count them.
fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset).map_or(0, |t| t.matches('\n').count()) + 1
}

/// The commented template `sohoa init` writes.
pub const TEMPLATE: &str = include_str!("../pipeline.toml");

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Settings, ConfigError> {
        Settings::parse(text, Path::new("/srv/scan/pipeline.toml"))
    }

    const MINIMAL: &str =
        "[archive]\npath = \"arc\"\n[[collection]]\nid = \"cu-tru\"\nsource = \"in\"\n";

    #[test]
    fn an_empty_archive_path_is_refused() {
        for empty in ["\"\"", "\"  \""] {
            let text = MINIMAL.replace("\"arc\"", empty);
            let err = parse(&text).expect_err("an empty archive path is refused");
            assert!(err.to_string().contains("[archive] path is empty"), "{err}");
        }
    }

    #[test]
    fn relative_paths_resolve_against_the_config_folder() {
        let s = parse(MINIMAL).unwrap();
        assert_eq!(s.archive, Path::new("/srv/scan/arc"));
        assert_eq!(s.collections[0].source, Path::new("/srv/scan/in"));
        assert_eq!(s.collections[0].layout, Layout::Folder);
        assert_eq!(s.ocr.languages, vec!["vie".to_string()]);
        assert_eq!(s.lang, Lang::Vi);
    }

    #[test]
    fn unknown_key_is_refused_with_its_line() {
        let text = format!("{MINIMAL}colour = \"red\"\n");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("pipeline.toml"), "{err}");
        assert!(err.contains("colour"), "{err}");
        assert!(err.contains("line 6"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let cases = [
            ("target = 0\n", "target must be a positive"),
            ("target = -5\n", "target must be a positive"),
            ("deadline = \"31/12/2026\"\n", "is not a date"),
            ("layout = \"pile\"\n", "unknown variant"),
        ];
        for (extra, expected) in cases {
            let err = parse(&format!("{MINIMAL}{extra}")).unwrap_err().to_string();
            assert!(err.contains(expected), "{extra}: {err}");
        }
    }

    #[test]
    fn report_targets_are_read_and_bad_ones_named_with_their_line() {
        let text = format!(
            "{MINIMAL}target = 10\npage_target = 90\n[collection.centres]\n\"Điểm 1\" = 6\n\"Điểm 2\" = 4\n"
        );
        let c = &parse(&text).unwrap().collections[0];
        assert_eq!((c.target, c.page_target), (Some(10), Some(90)));
        let centres: Vec<(&str, u64)> = c
            .centre_targets
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        assert_eq!(centres, vec![("Điểm 1", 6), ("Điểm 2", 4)]);
        let cases = [
            (
                "page_target = 0\n",
                "line 6: collection \"cu-tru\": page_target must be a positive",
            ),
            (
                "target = -1\n",
                "line 6: collection \"cu-tru\": target must be",
            ),
            (
                "deadline = \"2026-02-30\"\n",
                "line 6: collection \"cu-tru\": deadline",
            ),
            (
                "[collection.centres]\n\"A\" = 0\n",
                "line 7: collection \"cu-tru\": centres.\"A\"",
            ),
            ("[collection.centres]\n\"A\" = \"x\"\n", "line 7"),
        ];
        for (extra, expected) in cases {
            let err = parse(&format!("{MINIMAL}{extra}")).unwrap_err().to_string();
            assert!(err.contains(expected), "{extra}: {err}");
            assert!(err.starts_with("/srv/scan/pipeline.toml"), "{err}");
        }
    }

    #[test]
    fn retry_models_folder_resolves_against_the_config_folder() {
        assert_eq!(parse(MINIMAL).unwrap().ocr.retry_tessdata, None);
        let text = MINIMAL.replace(
            "[[collection]]",
            "[ocr]\nretry_tessdata = \"models/best\"\n[[collection]]",
        );
        let s = parse(&text).unwrap();
        assert_eq!(
            s.ocr.retry_tessdata.as_deref(),
            Some(Path::new("/srv/scan/models/best"))
        );
    }

    #[test]
    fn walk_ignore_replaces_the_defaults_and_bad_globs_are_named() {
        let defaults: Vec<String> = parse(MINIMAL)
            .unwrap()
            .ignore
            .patterns()
            .map(String::from)
            .collect();
        assert_eq!(defaults, DEFAULT_IGNORE);
        let text = MINIMAL.replace(
            "[[collection]]",
            "[walk]\nignore = [\"*.bak\"]\n[[collection]]",
        );
        let s = parse(&text).unwrap();
        assert_eq!(s.ignore.patterns().collect::<Vec<_>>(), ["*.bak"]);
        let text = MINIMAL.replace(
            "[[collection]]",
            "[walk]\nignore = [\"[x\"]\n[[collection]]",
        );
        let err = parse(&text).unwrap_err().to_string();
        assert!(
            err.contains("[walk] ignore") && err.contains("\"[x\""),
            "{err}"
        );
    }

    #[test]
    fn watch_times_default_and_bad_ones_are_named() {
        let s = parse(MINIMAL).unwrap();
        assert_eq!(s.watch.settle, Duration::from_secs(5));
        assert_eq!(s.watch.poll, Duration::from_secs(2));
        let text = format!("[watch]\nsettle_seconds = 12\npoll_seconds = 0.5\n{MINIMAL}");
        let s = parse(&text).unwrap();
        assert_eq!(s.watch.settle, Duration::from_secs(12));
        assert_eq!(s.watch.poll, Duration::from_millis(500));
        for (extra, expected) in [
            ("poll_seconds = 0", "[watch] poll_seconds must be"),
            ("settle_seconds = -1", "[watch] settle_seconds must be"),
        ] {
            let err = parse(&format!("[watch]\n{extra}\n{MINIMAL}")).unwrap_err();
            assert!(err.to_string().contains(expected), "{extra}: {err}");
        }
    }

    #[test]
    fn calendar_days_are_read_and_a_bad_one_is_named() {
        let text = format!(
            "[calendar]\nholidays = [\"2027-02-05..2027-02-11\"]\nmake_up_days = [\"30/01/2027\"]\n{MINIMAL}"
        );
        let cal = parse(&text).unwrap().calendar;
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(!cal.is_working(day("2027-02-08")));
        assert!(cal.is_working(day("2027-01-30")));
        assert_eq!(parse(MINIMAL).unwrap().calendar, Calendar::weekdays());
        let text = format!("[calendar]\nholidays = [\"Tết\"]\n{MINIMAL}");
        let err = parse(&text).unwrap_err().to_string();
        assert!(err.contains("pipeline.toml"), "{err}");
        assert!(
            err.contains("[calendar] holidays: \"Tết\" is not a day"),
            "{err}"
        );
    }

    #[test]
    fn the_shipped_template_parses() {
        let s = parse(TEMPLATE).unwrap();
        assert!(!s.collections.is_empty());
    }
}
