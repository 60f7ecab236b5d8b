//! Command-line arguments (clap). Raw input only: [`super::commands`] merges it with
//! `pipeline.toml` into settings; nothing in the library sees these types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Bulk digitisation of scanned dossiers into a checksummed, OCR'd, searchable archive.
#[derive(Debug, Parser)]
#[command(name = "sohoa", version, about, long_about = None)]
pub struct Cli {
    /// Configuration file [default: ./pipeline.toml]
    #[arg(long, short = 'c', global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Archive and OCR the collections of pipeline.toml; only what is new or changed
    Run(RunArgs),
    /// Write a commented pipeline.toml template
    Init(InitArgs),
    /// Export from the archive
    #[command(subcommand)]
    Export(ExportCommand),
    /// Find pages: words without marks, "phrases", prefix*, AND/OR/NOT, --id, --name, --born
    Search(super::lookup::SearchArgs),
    /// A dossier's metadata and pages; the text of one page with --page N
    Show(super::lookup::ShowArgs),
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Collections to process (ids from pipeline.toml) [default: all]
    #[arg(value_name = "COLLECTION")]
    pub collections: Vec<String>,

    /// Operator recorded with the batch [default: `operator` in the config]
    #[arg(long)]
    pub operator: Option<String>,

    /// Scanning centre recorded with the batch [default: `centre` in the config]
    #[arg(long)]
    pub centre: Option<String>,

    /// OCR worker threads, one engine each [default: `[ocr] workers`, else one per core]
    #[arg(long, short = 'j', value_name = "N")]
    pub workers: Option<usize>,

    /// Language of the summary [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Print the summary as JSON on stdout
    #[arg(long)]
    pub json: bool,

    /// No progress display on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Show what would be done, change nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the template
    #[arg(default_value = "pipeline.toml")]
    pub path: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The OCR text of every page as OUT/<collection>/<dossier>/<file-stem>[-p<N>].txt
    Text(ExportTextArgs),
}

#[derive(Debug, Args)]
pub struct ExportTextArgs {
    /// Output folder (created if missing)
    pub out: PathBuf,

    /// Only this collection
    #[arg(long)]
    pub collection: Option<String>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Vi,
    En,
}
