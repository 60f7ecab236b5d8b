//! `--help` in Vietnamese. The clap definitions stay the one source of every flag, written in
//! English; for Vietnamese the command tree is re-worded before parsing: each about and help
//! line from [`super::help_vi_text`], the headings, the help and version flags, and the
//! `[default: …]` / `[possible values: …]` notes, which clap would print in English. A test
//! makes sure no help line of the tree is left without its Vietnamese.

use clap::builder::{PossibleValue, StyledStr};
use clap::{Arg, ArgAction, Command};

use super::help_vi_text::HELP_VI;

/// The usage line's heading and the help's layout, as clap's default template with its
/// English heading replaced.
const TEMPLATE: &str = "\
{before-help}{about-with-newline}
Cách dùng: {usage}

{all-args}{after-help}";

/// `command` and all its subcommands worded in Vietnamese.
pub fn localise(command: Command) -> Command {
    let mut command = word_command(command);
    // The `help` subcommands are made by clap when the tree is built: word them afterwards.
    command.build();
    word_help_subcommands(command)
}

fn word_help_subcommands(command: Command) -> Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .filter(|name| name != "help")
        .collect();
    let mut command = command;
    if command.find_subcommand("help").is_some() {
        command = command.mut_subcommand("help", |help| {
            help.about("In trợ giúp của lệnh này hoặc của (các) lệnh con đã cho")
        });
    }
    for name in names {
        command = command.mut_subcommand(name, word_help_subcommands);
    }
    command
}

fn word_command(command: Command) -> Command {
    let ids: Vec<String> = command
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    let mut command = command
        .help_template(TEMPLATE)
        .subcommand_help_heading("Lệnh")
        .subcommand_value_name("LỆNH")
        .disable_help_flag(true)
        .arg(help_flag());
    if command.get_version().is_some() {
        command = command.disable_version_flag(true).arg(version_flag());
    }
    if let Some(about) = command.get_about().map(StyledStr::to_string) {
        command = command.about(vi(&about));
    }
    if let Some(about) = command.get_long_about().map(StyledStr::to_string) {
        command = command.long_about(vi(&about));
    }
    for id in ids {
        command = command.mut_arg(id, word_arg);
    }
    let names: Vec<String> = command
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for name in names {
        command = command.mut_subcommand(name, word_command);
    }
    command
}

fn word_arg(arg: Arg) -> Arg {
    let heading = if arg.is_positional() {
        "Tham số"
    } else {
        "Tùy chọn"
    };
    let arg = match arg.get_help_heading() {
        None => arg.help_heading(heading),
        Some(_) => arg,
    };
    let notes = notes(&arg);
    let help = arg.get_help().map(|h| vi(&h.to_string()) + &notes);
    let long = arg.get_long_help().map(|h| vi(&h.to_string()) + &notes);
    let mut arg = arg;
    if takes_value(&arg) {
        arg = arg.hide_default_value(true).hide_possible_values(true);
    }
    if let Some(help) = help {
        arg = arg.help(help);
    }
    if let Some(long) = long {
        arg = arg.long_help(long);
    }
    arg
}

/// ` [mặc định: …] [giá trị: …]`, the notes clap appends in English, for what it would show.
fn notes(arg: &Arg) -> String {
    let mut notes = String::new();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && !arg.is_hide_default_value_set() && takes_value(arg) {
        notes.push_str(&format!(" [mặc định: {}]", defaults.join(", ")));
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(PossibleValue::get_name)
        .map(str::to_string)
        .collect();
    if !values.is_empty() && !arg.is_hide_possible_values_set() && takes_value(arg) {
        notes.push_str(&format!(" [giá trị: {}]", values.join(", ")));
    }
    notes
}

/// A flag such as `--quiet` has the default `false` and the values `true`/`false`, which
/// clap does not show: neither do we.
fn takes_value(arg: &Arg) -> bool {
    !matches!(
        arg.get_action(),
        ArgAction::SetTrue | ArgAction::SetFalse | ArgAction::Count
    )
}

fn help_flag() -> Arg {
    Arg::new("help")
        .short('h')
        .long("help")
        .action(ArgAction::Help)
        .help("In trợ giúp")
        .help_heading("Tùy chọn")
}

fn version_flag() -> Arg {
    Arg::new("version")
        .short('V')
        .long("version")
        .action(ArgAction::Version)
        .help("In phiên bản (kèm phiên bản của bộ nhận dạng và các mô hình)")
        .help_heading("Tùy chọn")
}

/// The Vietnamese of one English help line; the English itself when the table lacks it,
/// which the test below forbids.
fn vi(english: &str) -> String {
    HELP_VI
        .iter()
        .find(|(en, _)| *en == english)
        .map_or(english, |(_, vi)| vi)
        .to_string()
}

/// Every about and help line of the tree, for the coverage test.
#[cfg(test)]
fn english_lines(command: &Command, out: &mut Vec<String>) {
    out.extend(command.get_about().map(StyledStr::to_string));
    out.extend(command.get_long_about().map(StyledStr::to_string));
    for arg in command.get_arguments() {
        out.extend(arg.get_help().map(StyledStr::to_string));
        out.extend(arg.get_long_help().map(StyledStr::to_string));
    }
    for sub in command.get_subcommands() {
        english_lines(sub, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    use crate::app::cli::Cli;

    #[test]
    fn every_help_line_has_its_vietnamese() {
        let mut lines = Vec::new();
        english_lines(&Cli::command(), &mut lines);
        lines.sort();
        lines.dedup();
        assert!(lines.len() > 50, "the tree gave {} lines", lines.len());
        let missing: Vec<&String> = lines
            .iter()
            .filter(|l| !HELP_VI.iter().any(|(en, _)| en == l))
            .collect();
        assert!(missing.is_empty(), "untranslated help:\n{missing:#?}");
    }

    fn help_of(args: &[&str]) -> String {
        let err = localise(Cli::command())
            .try_get_matches_from(args)
            .expect_err("--help stops parsing");
        err.render().to_string()
    }

    #[test]
    fn help_speaks_vietnamese_down_to_the_subcommands() {
        let top = help_of(&["sohoa", "--help"]);
        assert!(top.contains("Cách dùng: sohoa"), "{top}");
        assert!(top.contains("Lệnh:") && top.contains("Tùy chọn:"), "{top}");
        assert!(top.contains("In trợ giúp"), "{top}");
        for english in ["Usage:", "Options:", "Commands:", "Print help"] {
            assert!(!top.contains(english), "{english} in:\n{top}");
        }
        let export = help_of(&["sohoa", "export", "--help"]);
        assert!(!export.contains("Print this message"), "{export}");
        let run = help_of(&["sohoa", "run", "--help"]);
        assert!(run.contains("Cách dùng: sohoa run"), "{run}");
        for english in ["Usage:", "Options:", "[default:", "[possible values:"] {
            assert!(!run.contains(english), "{english} in:\n{run}");
        }
    }
}
