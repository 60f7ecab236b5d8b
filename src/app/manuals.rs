//! What the binary says about itself, all generated from the clap definitions so it cannot
//! drift from the real flags: `--version` with the engine and its models, shell completion
//! scripts, and manual pages (`man/` in the repository holds them, kept current by a test).

use std::io::Write;

use anyhow::Context;
use clap::{CommandFactory, FromArgMatches};
use sohoa::ocr::engine_about;

use super::cli::{Cli, CompletionsArgs, ManpageArgs};
use super::exit::{Exit, Failure};
use super::Outcome;
use super::{help_vi, usage_error};

/// Parse the command line, its help in the operator's language. `--version` also names the engine and its models, which takes
/// starting an engine, so that text is built only when `--version` was asked for.
pub fn parse() -> Cli {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut command = Cli::command();
    if args.iter().skip(1).any(|a| a == "--version") {
        command = command.long_version(long_version());
    }
    if usage_error::lang_of_args(&args) == sohoa::config::Lang::Vi {
        command = help_vi::localise(command);
    }
    command
        .try_get_matches_from(&args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
        .unwrap_or_else(|e| usage_error::exit(e, &args))
}

/// `sohoa 0.1.0`, then the engine's version and the models it loads from.
fn long_version() -> String {
    let about = engine_about(None);
    let mut text = format!("{}\ntesseract {}", env!("CARGO_PKG_VERSION"), about.version);
    match &about.tessdata {
        Some(dir) => text.push_str(&format!("\nmodels in {}:", dir.display())),
        None => text.push_str("\nmodels: the engine names no model folder"),
    }
    for (name, bytes) in &about.models {
        text.push_str(&format!("\n  {name} ({bytes} bytes)"));
    }
    text
}

pub fn completions(args: &CompletionsArgs) -> Outcome {
    let mut command = Cli::command();
    let mut out = std::io::stdout().lock();
    clap_complete::generate(args.shell, &mut command, "sohoa", &mut out);
    out.flush().map_err(Failure::usage)?;
    Ok(Exit::Ok)
}

pub fn manpage(args: &ManpageArgs) -> Outcome {
    let command = Cli::command();
    let Some(dir) = &args.out else {
        let mut out = std::io::stdout().lock();
        clap_mangen::Man::new(command)
            .render(&mut out)
            .map_err(Failure::usage)?;
        return Ok(Exit::Ok);
    };
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
        .map_err(Failure::usage)?;
    clap_mangen::generate_to(command, dir)
        .with_context(|| format!("cannot write manual pages into {}", dir.display()))
        .map_err(Failure::usage)?;
    Ok(Exit::Ok)
}
