//! `sohoa search` and `sohoa show`: arguments, their validation into a
//! [`SearchRequest`], and the commands. Rendering is in `lookup_render.rs`. Bad queries and
//! malformed look-up values are usage errors (exit 2) with the parser's message; a missing
//! or unusable catalog is exit 3; no result is not an error (exit 0, a note on stderr).

use anyhow::anyhow;
use clap::Args;
use sohoa::catalog::{Catalog, CatalogError, SearchRequest, Suggestions};
use sohoa::config::Settings;
use sohoa::pipeline::CATALOG_FILE;
use sohoa::search::{normalise_id, parse, Match};

use super::cli::LangArg;
use super::color::Paint;
use super::commands::resolve_lang;
use super::exit::{Exit, Failure};
use super::lookup_render::{self as show_out, Total};
use super::period::Period;
use super::Outcome;

#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Words, "phrases", prefix*, AND, OR, NOT, ( ); marks and đ/d ignored unless --exact
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// Match tone and vowel marks and đ exactly (case still ignored)
    #[arg(long)]
    pub exact: bool,

    /// Pages with this personal ID number (12 digits, or an old 9-digit one)
    #[arg(long, value_name = "NUMBER")]
    pub id: Option<String>,

    /// Pages naming this person after "Họ và tên" / "Họ, chữ đệm và tên": the full name or its first words (marks ignored)
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Pages with this birth date: YYYY, YYYY-MM, YYYY-MM-DD or DD/MM/YYYY
    #[arg(long, value_name = "DATE")]
    pub born: Option<String>,

    /// Only this collection
    #[arg(long)]
    pub collection: Option<String>,

    /// List the files archived twice: each duplicate with the dossier and file it repeats
    #[arg(long, conflicts_with_all = ["query", "exact", "id", "name", "born", "limit", "offset"])]
    pub duplicates: bool,

    /// At most this many results
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub limit: u32,

    /// Skip this many results first (for paging)
    #[arg(long, default_value_t = 0)]
    pub offset: u32,

    /// Results as JSON on stdout
    #[arg(long)]
    pub json: bool,

    /// Language of the labels [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Dossier code, e.g. CT-2023-0001
    pub dossier: String,

    /// The collection, when the code exists in several
    #[arg(long)]
    pub collection: Option<String>,

    /// Print the text of this page (1-based, in reading order)
    #[arg(long, value_name = "N")]
    pub page: Option<u32>,

    /// As JSON on stdout
    #[arg(long)]
    pub json: bool,

    /// Language of the labels [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

fn open(settings: &Settings, collection: Option<&String>) -> Result<Catalog, Failure> {
    if let Some(id) = collection {
        settings
            .select(std::slice::from_ref(id))
            .map_err(|e| Failure::usage(anyhow!(e)))?;
    }
    Catalog::open_read_only(&settings.archive.join(CATALOG_FILE)).map_err(Failure::archive)
}

pub fn search(settings: &Settings, args: &SearchArgs) -> Outcome {
    if args.duplicates {
        return duplicates(settings, args);
    }
    let req = request(args)?;
    let catalog = open(settings, args.collection.as_ref())?;
    let hits = catalog.search(&req).map_err(Failure::archive)?;
    let total = total(&catalog, &req, hits.len())?;
    let suggestions = match total.count {
        0 => catalog
            .suggestions(&req, &args.query.join(" "))
            .map_err(Failure::archive)?,
        _ => Suggestions::default(),
    };
    let lang = resolve_lang(args.lang, settings);
    if args.json {
        println!("{}", show_out::hits_json(&hits, total, &suggestions));
        return Ok(Exit::Ok);
    }
    print!("{}", show_out::hits(&hits, lang, Paint::stdout()));
    if total.count == 0 {
        eprintln!("sohoa: {}", show_out::no_results(lang));
        if let Some(line) = show_out::suggestions(&suggestions, lang) {
            eprintln!("sohoa: {line}");
        }
    } else if let Some(line) = show_out::more(req.offset, hits.len(), total, lang) {
        eprintln!("sohoa: {line}");
    }
    Ok(Exit::Ok)
}

/// Matches counted past the current page at most: enough to page on, and a broad query
/// (a prefix, a common word) is not made to count the whole archive.
const COUNT_AHEAD: usize = 1000;

/// All the matches: a page of hits shorter than the limit ends the list, so only a full
/// one (or an empty one past the end) needs the catalog to count them, and it counts up
/// to [`COUNT_AHEAD`] past the page.
fn total(catalog: &Catalog, req: &SearchRequest, shown: usize) -> Result<Total, Failure> {
    if shown < req.limit && (shown > 0 || req.offset == 0) {
        return Ok(Total::all((req.offset + shown) as u64));
    }
    let at_most = (req.offset + req.limit.max(COUNT_AHEAD) + 1) as u64;
    let count = catalog
        .search_total(req, at_most)
        .map_err(Failure::archive)?;
    Ok(Total {
        count,
        exact: count < at_most,
    })
}

/// `search --duplicates`: every current file recorded as a duplicate, all of them (a
/// supervisor's review list is short, and paging it would hide some).
fn duplicates(settings: &Settings, args: &SearchArgs) -> Outcome {
    let catalog = open(settings, args.collection.as_ref())?;
    let rows = catalog
        .duplicates(args.collection.as_deref())
        .map_err(Failure::archive)?;
    let lang = resolve_lang(args.lang, settings);
    if args.json {
        println!("{}", show_out::duplicates_json(&rows));
    } else {
        print!("{}", show_out::duplicates(&rows, lang));
        if rows.is_empty() {
            eprintln!("sohoa: {}", show_out::no_duplicates(lang));
        }
    }
    Ok(Exit::Ok)
}

/// Validate the arguments into a request: every refusal is a usage error saying why.
fn request(args: &SearchArgs) -> Result<SearchRequest, Failure> {
    let mode = if args.exact {
        Match::Exact
    } else {
        Match::Folded
    };
    let text = args.query.join(" ");
    let query = if args.query.is_empty() {
        None
    } else {
        Some(parse(&text, mode).map_err(|e| Failure::usage(anyhow!("bad query {text:?}: {e}")))?)
    };
    let id = args.id.as_deref().map(id_arg).transpose()?;
    let name = args.name.as_deref().map(name_arg).transpose()?;
    let born = args.born.as_deref().map(born_arg).transpose()?;
    if query.is_none() && id.is_none() && name.is_none() && born.is_none() {
        return Err(Failure::usage(anyhow!(
            "nothing to search for: give a QUERY, --id, --name or --born (or --duplicates)"
        )));
    }
    Ok(SearchRequest {
        query,
        mode,
        id,
        name,
        born,
        collection: args.collection.clone(),
        limit: args.limit as usize,
        offset: args.offset as usize,
    })
}

fn id_arg(raw: &str) -> Result<String, Failure> {
    let compact: String = raw
        .chars()
        .filter(|c| !matches!(c, ' ' | '.' | '-'))
        .collect();
    match normalise_id(&compact) {
        Some(id) if id.len() == 12 || id.len() == 9 => Ok(id),
        _ => Err(Failure::usage(anyhow!(
            "--id {raw:?}: an ID number has 12 digits (or 9 for an old identity card)"
        ))),
    }
}

fn name_arg(raw: &str) -> Result<String, Failure> {
    let words: Vec<String> = sohoa::search::fold::tokens(raw, Match::Folded)
        .into_iter()
        .map(|t| t.norm)
        .collect();
    if words.is_empty() {
        return Err(Failure::usage(anyhow!(
            "--name {raw:?}: give a name, e.g. \"nguyen van a\""
        )));
    }
    Ok(words.join(" "))
}

/// A year, month or day (the forms of [`Period`]) to the stored `YYYY-MM-DD` prefix.
fn born_arg(raw: &str) -> Result<String, Failure> {
    Period::parse(raw).map(Period::prefix).ok_or_else(|| {
        Failure::usage(anyhow!(
            "--born {raw:?}: give a year (1985), a month (1985-11 or 11/1985) or a date (1985-11-01 or 01/11/1985)"
        ))
    })
}

pub fn show(settings: &Settings, args: &ShowArgs) -> Outcome {
    let catalog = open(settings, args.collection.as_ref())?;
    let view = catalog
        .dossier_view(args.collection.as_deref(), &args.dossier)
        .map_err(|e| match e {
            CatalogError::NoSuchDossier { .. } | CatalogError::AmbiguousDossier { .. } => {
                Failure::usage(e)
            }
            other => Failure::archive(other),
        })?;
    let lang = resolve_lang(args.lang, settings);
    if let Some(n) = args.page {
        let Some(page) = view.pages.iter().find(|p| p.number == n) else {
            return Err(Failure::usage(anyhow!(
                "dossier {} has {} pages; there is no page {n}",
                view.code,
                view.pages.len()
            )));
        };
        if args.json {
            println!("{}", show_out::page_json(&view, page));
        } else {
            print!("{}", page.text);
            if !page.text.ends_with('\n') {
                println!();
            }
        }
        return Ok(Exit::Ok);
    }
    let history = catalog
        .review_history(&view.collection, &view.code)
        .map_err(Failure::archive)?;
    if args.json {
        let mut doc: serde_json::Value =
            serde_json::from_str(&show_out::dossier_json(&view)).map_err(Failure::archive)?;
        doc["reviews"] = serde_json::json!(history);
        println!("{doc}");
    } else {
        print!("{}", show_out::dossier(&view, lang));
        print!("{}", super::review_render::history(&history, lang));
    }
    Ok(Exit::Ok)
}
