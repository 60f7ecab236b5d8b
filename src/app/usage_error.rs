//! Command-line usage errors in the operator's language. clap words its errors in English;
//! in Vietnamese the message is worded again from the context clap attaches to the error
//! (the argument, the value, the suggestions, the usage line), so the facts stay clap's and
//! only the sentences are ours. The exit code stays clap's: 2, bad usage.
//!
//! The language is not known from parsed arguments here (parsing is what failed), so it is
//! read off the raw arguments: `--lang`, else `lang` in the `--config` file or in
//! `./pipeline.toml`, else Vietnamese, the order every command uses.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::error::{ContextKind, ContextValue, ErrorKind};
use sohoa::config::Lang;

use super::i18n;

/// Print `error` in the language of the raw arguments and exit. Help and version output is
/// clap's own, printed as clap prints it.
pub fn exit(error: clap::Error, args: &[OsString]) -> ! {
    let own_output = matches!(
        error.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    );
    if own_output || lang_of_args(args) == Lang::En {
        error.exit();
    }
    eprint!("{}", vietnamese(&error));
    std::process::exit(error.exit_code());
}

/// `--lang vi|en` (or `--lang=…`) when given, else `lang` in the configuration file.
pub fn lang_of_args(args: &[OsString]) -> Lang {
    let args: Vec<String> = args
        .iter()
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    match flag_value(&args, "--lang", None).as_deref() {
        Some("en") => return Lang::En,
        Some("vi") => return Lang::Vi,
        _ => {}
    }
    let config = flag_value(&args, "--config", Some("-c")).unwrap_or("pipeline.toml".into());
    sohoa::config::lang_of(&PathBuf::from(config)).unwrap_or(Lang::Vi)
}

/// The value of `long` (or `short`) as `--flag value`, `--flag=value` or `-cvalue`; the last
/// one given wins, as in clap.
fn flag_value(args: &[String], long: &str, short: Option<&str>) -> Option<String> {
    let mut found = None;
    for (i, arg) in args.iter().enumerate() {
        if arg == "--" {
            break;
        }
        let is_flag = arg == long || Some(arg.as_str()) == short;
        if is_flag {
            found = args.get(i + 1).cloned();
        } else if let Some(value) = arg.strip_prefix(&format!("{long}=")) {
            found = Some(value.to_string());
        } else if let Some(value) = short.and_then(|s| arg.strip_prefix(s)) {
            found = Some(value.trim_start_matches('=').to_string());
        }
    }
    found
}

/// The whole error text in Vietnamese: the message, any suggestions, the usage line, and
/// where to read more.
pub fn vietnamese(error: &clap::Error) -> String {
    let mut text = format!("sohoa: lỗi: {}", message(error));
    for tip in tips(error) {
        text.push_str(&format!("\n  gợi ý: {tip}"));
    }
    if let Some(ContextValue::StyledStr(usage)) = error.get(ContextKind::Usage) {
        let usage = usage.to_string();
        let usage = usage.strip_prefix("Usage:").unwrap_or(&usage).trim();
        text.push_str(&format!("\n\nCách dùng: {usage}"));
    }
    text.push_str("\n\nXem thêm: thêm '--help' vào lệnh.\n");
    text
}

fn message(error: &clap::Error) -> String {
    let arg = string(error, ContextKind::InvalidArg);
    let value = string(error, ContextKind::InvalidValue);
    match error.kind() {
        ErrorKind::UnknownArgument => format!("không có tham số '{arg}'"),
        ErrorKind::InvalidSubcommand => format!(
            "không có lệnh '{}'",
            string(error, ContextKind::InvalidSubcommand)
        ),
        ErrorKind::InvalidValue if value.is_empty() => {
            format!("'{arg}' cần một giá trị nhưng không có giá trị nào")
        }
        ErrorKind::InvalidValue => format!(
            "giá trị '{value}' không hợp lệ cho '{arg}'{}",
            listed(error, ContextKind::ValidValue, "các giá trị có thể")
        ),
        ErrorKind::ValueValidation => {
            let cause = source_text(error);
            format!("giá trị '{value}' không hợp lệ cho '{arg}'{cause}")
        }
        ErrorKind::MissingRequiredArgument => format!(
            "thiếu tham số bắt buộc: {}",
            strings(error, ContextKind::InvalidArg).join(", ")
        ),
        ErrorKind::MissingSubcommand => format!(
            "'{}' cần một lệnh con{}",
            string(error, ContextKind::InvalidSubcommand),
            listed(error, ContextKind::ValidSubcommand, "các lệnh con")
        ),
        ErrorKind::ArgumentConflict => conflict(error, &arg),
        ErrorKind::NoEquals => format!("'{arg}' cần dấu '=' trước giá trị"),
        ErrorKind::TooManyValues => {
            format!("giá trị '{value}' thừa cho '{arg}': không cần thêm giá trị nào")
        }
        ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("số giá trị cho '{arg}' không đúng")
        }
        ErrorKind::InvalidUtf8 => "một tham số không phải là văn bản UTF-8 hợp lệ".to_string(),
        _ => clap_first_line(error),
    }
}

fn conflict(error: &clap::Error, arg: &str) -> String {
    match error.get(ContextKind::PriorArg) {
        Some(ContextValue::String(prior)) if prior == arg => {
            format!("không được dùng '{arg}' nhiều lần")
        }
        Some(ContextValue::String(prior)) => {
            format!("không được dùng '{arg}' cùng với '{prior}'")
        }
        Some(ContextValue::Strings(prior)) => {
            format!("không được dùng '{arg}' cùng với {}", quoted(prior))
        }
        _ => format!("không được dùng '{arg}' cùng với các tham số khác đã cho"),
    }
}

/// The suggestions clap found: a similar name, or clap's own tips translated through the
/// message table (an untranslated tip stays English rather than being dropped).
fn tips(error: &clap::Error) -> Vec<String> {
    let mut tips = Vec::new();
    for kind in [
        ContextKind::SuggestedSubcommand,
        ContextKind::SuggestedArg,
        ContextKind::SuggestedValue,
    ] {
        let similar = strings(error, kind);
        if !similar.is_empty() {
            tips.push(format!("có lẽ ý bạn là {}", quoted(&similar)));
        }
    }
    if let Some(ContextValue::StyledStrs(suggested)) = error.get(ContextKind::Suggested) {
        for tip in suggested {
            tips.push(i18n::translate(&tip.to_string(), Lang::Vi));
        }
    }
    tips
}

/// The cause a value parser gave, translated, after ": ".
fn source_text(error: &clap::Error) -> String {
    match std::error::Error::source(error) {
        Some(cause) => format!(": {}", i18n::translate(&cause.to_string(), Lang::Vi)),
        None => String::new(),
    }
}

fn listed(error: &clap::Error, kind: ContextKind, label: &str) -> String {
    let values = strings(error, kind);
    if values.is_empty() {
        return String::new();
    }
    format!(" [{label}: {}]", values.join(", "))
}

fn string(error: &clap::Error, kind: ContextKind) -> String {
    match error.get(kind) {
        Some(ContextValue::String(s)) => s.clone(),
        Some(ContextValue::Strings(v)) => v.join(", "),
        _ => String::new(),
    }
}

fn strings(error: &clap::Error, kind: ContextKind) -> Vec<String> {
    match error.get(kind) {
        Some(ContextValue::String(s)) => vec![s.clone()],
        Some(ContextValue::Strings(v)) => v.clone(),
        _ => Vec::new(),
    }
}

fn quoted(values: &[String]) -> String {
    values
        .iter()
        .map(|v| format!("'{v}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// clap's own first line without its `error: ` label, for a kind worded nowhere above.
fn clap_first_line(error: &clap::Error) -> String {
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or_default();
    first.strip_prefix("error: ").unwrap_or(first).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Vec<String> {
        line.split_whitespace().map(str::to_string).collect()
    }

    #[test]
    fn the_language_and_config_are_read_off_raw_arguments_as_clap_would() {
        assert_eq!(
            flag_value(&args("sohoa run --lang en"), "--lang", None).as_deref(),
            Some("en")
        );
        assert_eq!(
            flag_value(&args("sohoa --lang=vi x --lang en"), "--lang", None).as_deref(),
            Some("en")
        );
        assert_eq!(
            flag_value(&args("sohoa -c a.toml run"), "--config", Some("-c")).as_deref(),
            Some("a.toml")
        );
        assert_eq!(
            flag_value(&args("sohoa -cb.toml run"), "--config", Some("-c")).as_deref(),
            Some("b.toml")
        );
        // After `--`, everything is a value, never a flag.
        assert_eq!(
            flag_value(&args("sohoa search -- --lang en"), "--lang", None),
            None
        );
    }

    #[test]
    fn a_config_that_asks_for_english_gives_english_usage_errors() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("c.toml");
        std::fs::write(&config, "lang = \"en\"\n").unwrap();
        let raw = |line: String| -> Vec<OsString> { line.split(' ').map(OsString::from).collect() };
        let with_config = raw(format!("sohoa -c {} rn", config.display()));
        assert_eq!(lang_of_args(&with_config), Lang::En);
        let overridden = raw(format!("sohoa -c {} --lang vi rn", config.display()));
        assert_eq!(lang_of_args(&overridden), Lang::Vi);
    }
}
