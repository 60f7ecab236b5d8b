//! `sohoa report`: resolve the arguments and `pipeline.toml` into report options, build the
//! report in the library, render it in the chosen format and language, write it to stdout
//! or `--output`. "Today" is `--today` (hidden) or `SOHOA_TODAY`, else the current UTC day,
//! so tests and reruns of an old report are reproducible.

mod chart;
mod chart_scale;
mod csv;
mod html;
mod labels;
mod review;
mod text;
mod worklist;

use anyhow::{anyhow, Context};
use chrono::{NaiveDate, SecondsFormat, Utc};
use sohoa::catalog::Catalog;
use sohoa::catalog::WorkKind;
use sohoa::config::Settings;
use sohoa::pipeline::CATALOG_FILE;
use sohoa::report::worklist::Worklist;
use sohoa::report::{self, GroupBy, ReportOptions};

use super::cli::{ByArg, FormatArg, ListArg, ReportArgs};
use super::color::Paint;
use super::commands::resolve_lang;
use super::exit::{Exit, Failure};
use super::Outcome;

/// Environment variable that fixes "today", like `--today`.
const TODAY_VAR: &str = "SOHOA_TODAY";

pub fn report(settings: &Settings, args: &ReportArgs) -> Outcome {
    let collections = settings
        .select(&args.collections)
        .map_err(|e| Failure::usage(anyhow!(e)))?;
    let lang = resolve_lang(args.lang, settings);
    if let (Some(since), Some(until)) = (args.since, args.until) {
        if since > until {
            return Err(Failure::usage(anyhow!(
                "--since {since} is after --until {until}"
            )));
        }
    }
    let options = ReportOptions {
        by: group_by(args.by),
        since: args.since,
        until: args.until,
        today: today(args.today)?,
        calendar: settings.calendar.clone(),
    };
    let catalog =
        Catalog::open_read_only(&settings.archive.join(CATALOG_FILE)).map_err(Failure::archive)?;
    let generated = Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true);
    let format = if args.json {
        FormatArg::Json
    } else {
        args.format
    };
    let lists = |kinds: &[WorkKind]| -> Result<Vec<Worklist>, Failure> {
        kinds
            .iter()
            .map(|&k| report::worklist::build(&catalog, &collections, k).map_err(Failure::archive))
            .collect()
    };
    let rendered = match (args.list.map(work_kind), format) {
        (Some(kind), FormatArg::Text) => worklist::text(&lists(&[kind])?[0], lang),
        (Some(kind), FormatArg::Csv) => worklist::csv(&lists(&[kind])?[0], lang),
        (Some(kind), FormatArg::Json) => json(&lists(&[kind])?[0], &generated)?,
        (kind, format) => {
            let report =
                report::build(&catalog, &collections, &options).map_err(Failure::archive)?;
            match format {
                FormatArg::Text => {
                    // Colour only what goes to a terminal, never into a file.
                    let paint = match args.output {
                        Some(_) => Paint::PLAIN,
                        None => Paint::stdout(),
                    };
                    text::render(&report, lang, paint)
                }
                FormatArg::Csv => csv::render(&report, lang),
                FormatArg::Json => json(&report, &generated)?,
                // The page always carries the worklists: in full when one is asked for.
                FormatArg::Html => match kind {
                    Some(kind) => {
                        html::render(&report, &lists(&[kind])?, usize::MAX, lang, &generated)
                    }
                    None => {
                        let both = lists(&[WorkKind::Failed, WorkKind::Review])?;
                        html::render(&report, &both, worklist::HTML_ROWS, lang, &generated)
                    }
                },
            }
        }
    };
    match &args.output {
        Some(path) => std::fs::write(path, rendered)
            .with_context(|| format!("cannot write {}", path.display()))
            .map_err(Failure::usage)?,
        None => print!("{rendered}"),
    }
    Ok(Exit::Ok)
}

fn json(report: &impl serde::Serialize, generated: &str) -> Result<String, Failure> {
    let mut value = serde_json::to_value(report).map_err(Failure::archive)?;
    value["generated_at"] = serde_json::Value::String(generated.to_string());
    let mut text = serde_json::to_string_pretty(&value).map_err(Failure::archive)?;
    text.push('\n');
    Ok(text)
}

fn today(flag: Option<NaiveDate>) -> Result<NaiveDate, Failure> {
    if let Some(day) = flag {
        return Ok(day);
    }
    match std::env::var(TODAY_VAR) {
        Ok(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
            Failure::usage(anyhow!(
                "{TODAY_VAR}={text:?} is not a date like \"2026-12-31\""
            ))
        }),
        Err(_) => Ok(Utc::now().date_naive()),
    }
}

fn work_kind(list: ListArg) -> WorkKind {
    match list {
        ListArg::Failed => WorkKind::Failed,
        ListArg::Review => WorkKind::Review,
    }
}

fn group_by(by: ByArg) -> GroupBy {
    match by {
        ByArg::Collection => GroupBy::Collection,
        ByArg::Centre => GroupBy::Centre,
        ByArg::Operator => GroupBy::Operator,
        ByArg::Day => GroupBy::Day,
        ByArg::Batch => GroupBy::Batch,
        ByArg::Reviewer => GroupBy::Reviewer,
    }
}
