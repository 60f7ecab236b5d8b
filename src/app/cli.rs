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

    /// Archive folder, instead of `[archive] path` of the config (for `merge`: the target)
    #[arg(long, global = true, value_name = "DIR")]
    pub archive: Option<PathBuf>,

    /// Colour: auto (a terminal, unless NO_COLOR is set), always, never
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    pub color: ColorArg,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

impl Cli {
    /// The `--lang` given to the command, if any: the language its messages, errors
    /// included, are written in.
    pub fn lang(&self) -> Option<LangArg> {
        match &self.command {
            Command::Run(a) => a.lang,
            Command::Init(a) => a.lang,
            Command::Export(ExportCommand::Text(a)) => a.lang,
            Command::Export(ExportCommand::Bagit(a)) => a.lang,
            Command::Export(ExportCommand::Pdf(a)) => a.lang,
            Command::Export(ExportCommand::Records(a)) => a.lang,
            Command::Report(a) => a.lang,
            Command::Verify(a) => a.lang,
            Command::Search(a) => a.lang,
            Command::Show(a) => a.lang,
            Command::Watch(a) => a.lang,
            Command::Merge(a) => a.lang,
            Command::Review(a) => a.lang,
            Command::Completions(_) | Command::Manpage(_) => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Archive and OCR the collections of pipeline.toml; only what is new or changed
    Run(RunArgs),
    /// Keep taking new scans from the source folders as scanners write them, until Ctrl-C
    Watch(WatchArgs),
    /// Bring other archives (shards, workstations) into this one: objects re-hashed, batches kept
    Merge(MergeArgs),
    /// Write a commented pipeline.toml template
    Init(InitArgs),
    /// Export from the archive
    #[command(subcommand)]
    Export(ExportCommand),
    /// Progress against targets: per collection, centre, operator, day or batch; review work per reviewer
    Report(ReportArgs),
    /// Check every original and the catalog's chain; exit 1 on any finding
    Verify(VerifyArgs),
    /// Find pages: words without marks, "phrases", prefix*, AND/OR/NOT, --id, --name, --born
    Search(super::lookup::SearchArgs),
    /// A dossier's metadata and pages; the text of one page with --page N
    Show(super::lookup::ShowArgs),
    /// Serve the review station: a local web page to accept or correct what was flagged
    Review(ReviewArgs),
    /// Print a completion script for a shell (bash, zsh, fish, powershell, elvish)
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per command into DIR
    Manpage(ManpageArgs),
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Port to listen on [default: any free port]
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u16,

    /// Address to listen on; another than 127.0.0.1 lets other machines in (token still
    /// needed)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    pub bind: std::net::IpAddr,

    /// Reviewer recorded with every decision [default: `operator` in the config, else the
    /// login name]
    #[arg(long, value_name = "NAME")]
    pub operator: Option<String>,

    /// Language of messages [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell, e.g. `sohoa completions bash > /etc/bash_completion.d/sohoa`
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ManpageArgs {
    /// Write sohoa.1 and sohoa-COMMAND.1 here instead of printing sohoa.1
    #[arg(value_name = "DIR")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Only the catalog's integrity, each object's presence and size, and derived tables by
    /// counts and a sample of pages
    #[arg(long, conflicts_with = "sample")]
    pub quick: bool,

    /// Re-hash P% of the objects, after those the previous sample checked
    #[arg(long, value_name = "P", value_parser = parse_percent)]
    pub sample: Option<f64>,

    /// Check that this chain head, kept earlier, is still a link of the chain
    #[arg(long, value_name = "HEX")]
    pub expect_root: Option<String>,

    /// Print the current chain head and exit (keep it elsewhere for --expect-root)
    #[arg(long, conflicts_with_all = ["quick", "sample", "history", "expect_root"])]
    pub print_root: bool,

    /// List past verifications and exit
    #[arg(long, conflicts_with_all = ["quick", "sample", "expect_root"])]
    pub history: bool,

    /// Language of the report [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Print the report as JSON on stdout
    #[arg(long)]
    pub json: bool,

    /// No progress display on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

fn parse_percent(text: &str) -> Result<f64, String> {
    match text.trim_end_matches('%').parse::<f64>() {
        Ok(p) if p > 0.0 && p <= 100.0 => Ok(p),
        _ => Err(format!(
            "{text:?} is not a percentage above 0 and at most 100"
        )),
    }
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

    /// Take only part K of N of the dossiers (K in 0..N-1), e.g. one machine of several each
    /// writing its own archive, merged later with `sohoa merge`
    #[arg(long, value_name = "K/N", value_parser = parse_shard, conflicts_with = "shards")]
    pub shard: Option<sohoa::shard::Shard>,

    /// N shards, this one numbered by SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX; `auto`
    /// takes N from a whole Slurm array 0-(N-1)
    #[arg(long, value_name = "N")]
    pub shards: Option<String>,
}

fn parse_shard(text: &str) -> Result<sohoa::shard::Shard, String> {
    sohoa::shard::Shard::parse(text).map_err(|e| e.to_string())
}

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// Collections to watch (ids from pipeline.toml) [default: all]
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

    /// Language of progress and summary [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Print the summary as JSON on stdout when the watch ends
    #[arg(long)]
    pub json: bool,

    /// No progress display on stderr
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Seconds a file must stay the same size and time before it is taken [default: `[watch]
    /// settle_seconds`, else 5]
    #[arg(long, value_name = "SECONDS")]
    pub settle_seconds: Option<f64>,

    /// Seconds between two looks at the source folders [default: `[watch] poll_seconds`,
    /// else 2]
    #[arg(long, value_name = "SECONDS")]
    pub poll_seconds: Option<f64>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Archive folders to merge into the archive of pipeline.toml (or --archive DIR)
    #[arg(value_name = "SRC", required = true)]
    pub sources: Vec<PathBuf>,

    /// Language of messages [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// Print what each source brought as JSON on stdout
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the template [default: the --config FILE, else ./pipeline.toml]
    pub path: Option<PathBuf>,

    /// Overwrite the file if it exists
    #[arg(long)]
    pub force: bool,

    /// Language of messages [default: vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The OCR text of every page as OUT/<collection>/<dossier>/<file-stem>[-p<N>].txt
    Text(ExportTextArgs),
    /// A BagIt 1.0 bag of a collection (or one batch of it), validated by standard tools
    Bagit(ExportBagitArgs),
    /// One searchable PDF/A-2b per dossier, OUT/<dossier>.pdf: original images, invisible OCR text
    Pdf(ExportPdfArgs),
    /// The pages read as forms, as records: a JSON line per page, or a CSV row per person
    Records(ExportRecordsArgs),
}

#[derive(Debug, Args)]
pub struct ExportRecordsArgs {
    /// Output file, written whole or not at all (outside the archive); - for stdout
    pub out: PathBuf,

    /// jsonl: one JSON object per page; csv: one row per person, UTF-8 with a BOM
    #[arg(long, short = 'f', value_enum, default_value = "jsonl")]
    pub format: RecordsFormatArg,

    /// Only this collection
    #[arg(long, value_name = "ID")]
    pub collection: Option<String>,

    /// Only this dossier (its code)
    #[arg(long, value_name = "CODE")]
    pub dossier: Option<String>,

    /// Language of messages [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RecordsFormatArg {
    Jsonl,
    Csv,
}

#[derive(Debug, Args)]
pub struct ExportPdfArgs {
    /// Output folder (created if missing; outside the archive)
    pub out: PathBuf,

    /// The collection to export
    #[arg(long)]
    pub collection: String,

    /// Only this dossier (its code)
    #[arg(long)]
    pub dossier: Option<String>,

    /// Write into OUT even if it holds files, each exported file replacing its namesake
    #[arg(long)]
    pub force: bool,

    /// Print what was written as JSON on stdout (OUT, files, bytes; for scripts)
    #[arg(long)]
    pub json: bool,

    /// Language of messages [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Args)]
pub struct ExportBagitArgs {
    /// Output folder; must be new or empty
    pub out: PathBuf,

    /// The collection to bag
    #[arg(long)]
    pub collection: String,

    /// Only the files recorded by this batch: its number, as `report --by batch` lists it, or its uuid
    #[arg(long, value_name = "N")]
    pub batch: Option<String>,

    /// Print what was written as JSON on stdout (OUT, files, bytes; for scripts)
    #[arg(long)]
    pub json: bool,

    /// Language of messages [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Args)]
pub struct ExportTextArgs {
    /// Output folder (created if missing; outside the archive)
    pub out: PathBuf,

    /// Only this collection
    #[arg(long)]
    pub collection: Option<String>,

    /// Write into OUT even if it holds files, each exported file replacing its namesake
    #[arg(long)]
    pub force: bool,

    /// Print what was written as JSON on stdout (OUT, files, bytes; for scripts)
    #[arg(long)]
    pub json: bool,

    /// Language of messages [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum LangArg {
    Vi,
    En,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Collections to report on (ids from pipeline.toml) [default: all]
    #[arg(value_name = "COLLECTION")]
    pub collections: Vec<String>,

    /// Output format
    #[arg(long, short = 'f', value_enum, default_value = "text")]
    pub format: FormatArg,

    /// Same as --format json
    #[arg(long, conflicts_with = "format")]
    pub json: bool,

    /// Language of labels and numbers [default: `lang` in the config, else vi]
    #[arg(long, value_enum)]
    pub lang: Option<LangArg>,

    /// What the table's rows are
    #[arg(long, value_enum, default_value = "collection")]
    pub by: ByArg,

    /// Instead of the figures, list which files failed or which pages need review, with
    /// the reason, operator, centre and day (in HTML: the page with that list in full)
    #[arg(long, value_enum, value_name = "LIST")]
    pub list: Option<ListArg>,

    /// Count only dossiers whose latest file was recorded on or after this day, UTC: a day
    /// (2026-11-01 or 01/11/2026), or a month (2026-11 or 11/2026) or year (2026) from its
    /// first day
    #[arg(long, value_name = "DATE", value_parser = super::period::since)]
    pub since: Option<chrono::NaiveDate>,

    /// … and on or before this day, or the last day of this month or year
    #[arg(long, value_name = "DATE", value_parser = super::period::until)]
    pub until: Option<chrono::NaiveDate>,

    /// Write to this file instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The day to reckon rate, ETA and deadline from (also SOHOA_TODAY) [default: today, UTC]
    #[arg(long, value_name = "DATE", hide = true)]
    pub today: Option<chrono::NaiveDate>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Csv,
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ListArg {
    /// Files that could not be read
    Failed,
    /// Pages with a review flag
    Review,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ByArg {
    Collection,
    Centre,
    Operator,
    Day,
    Batch,
    Reviewer,
}
