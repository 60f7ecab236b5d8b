//! `sohoa merge SRC...`: check the sources are archives (else exit 2), merge them into the
//! configured archive (locked: exit 3), say what each brought; exit 1 when one was refused.

use anyhow::anyhow;
use sohoa::config::{Lang, Settings};
use sohoa::merge::{MergeError, SourceOutcome};
use sohoa::pipeline::CATALOG_FILE;

use super::cli::MergeArgs;
use super::commands::resolve_lang;
use super::exit::{Exit, Failure};
use super::Outcome;

pub fn merge(settings: &Settings, args: &MergeArgs) -> Outcome {
    let target = std::fs::canonicalize(&settings.archive).ok();
    for source in &args.sources {
        if !source.join(CATALOG_FILE).is_file() {
            return Err(Failure::usage(anyhow!(
                "{} is not a sohoa archive (no {} in it)",
                source.display(),
                CATALOG_FILE
            )));
        }
        if target.is_some() && std::fs::canonicalize(source).ok() == target {
            return Err(Failure::usage(anyhow!(
                "{} is the archive merged into; name other archives",
                source.display()
            )));
        }
    }
    let holder = format!(
        "sohoa merge, pid {} on {}, started {}",
        std::process::id(),
        sohoa::pipeline::host_name(),
        chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let outcomes =
        sohoa::merge::merge(&settings.archive, &args.sources, &holder).map_err(classify)?;
    let lang = resolve_lang(args.lang, settings);
    if args.json {
        let json = serde_json::to_string_pretty(&outcomes).map_err(Failure::archive)?;
        println!("{json}");
    }
    for outcome in &outcomes {
        tell(outcome, lang);
    }
    Ok(if outcomes.iter().any(|o| o.error.is_some()) {
        Exit::Problems
    } else {
        Exit::Ok
    })
}

fn classify(err: MergeError) -> Failure {
    Failure::archive(err)
}

/// One line per source on stderr: what it brought, or why it was refused.
fn tell(outcome: &SourceOutcome, lang: Lang) {
    let source = outcome.source.display();
    if let Some(error) = &outcome.error {
        let line = super::i18n::translate(error, lang);
        match lang {
            Lang::Vi => eprintln!("sohoa: {source}: không hợp nhất: {line}"),
            Lang::En => eprintln!("sohoa: {source}: not merged: {line}"),
        }
        return;
    }
    let Some(m) = &outcome.merged else {
        return;
    };
    let (objects, mib) = (
        outcome.objects_copied,
        outcome.bytes_copied as f64 / (1024.0 * 1024.0),
    );
    match lang {
        Lang::Vi => eprintln!(
            "sohoa: {source}: {} lô mới ({} đã có), {} tệp, {} trang, {objects} đối tượng ({mib:.1} MiB); {} tệp đã có cùng nội dung; {} quyết định rà soát mới ({} đã có)",
            m.batches, m.batches_known, m.files, m.pages, m.files_same, m.reviews, m.reviews_known
        ),
        Lang::En => eprintln!(
            "sohoa: {source}: {} new batches ({} already here), {} files, {} pages, {objects} objects ({mib:.1} MiB); {} files already here with the same content; {} new review decisions ({} already here)",
            m.batches, m.batches_known, m.files, m.pages, m.files_same, m.reviews, m.reviews_known
        ),
    }
    // A decision left out is worth a line of its own: someone's work did not come over.
    if m.reviews_unplaced > 0 {
        let n = m.reviews_unplaced;
        match lang {
            Lang::Vi => eprintln!(
                "sohoa: {source}: {n} quyết định rà soát không hợp nhất: trang hoặc giá trị của chúng không có ở đây"
            ),
            Lang::En => eprintln!(
                "sohoa: {source}: {n} review decisions not merged: their page or value is not here"
            ),
        }
    }
}
