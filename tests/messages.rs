//! What the operator reads is in one language: Vietnamese unless `--lang en` or `lang = "en"`
//! asks for English, errors and the reasons files failed included, while the error kinds stay
//! stable codes for scripts. The manual pages, shell completions and `--version` are made from
//! the real flags and the installed engine.

mod common;

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use common::{describe, fixtures, repo, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(120);

/// A workplace whose config sets no language (so Vietnamese) over one dossier holding an
/// empty page file; `scans` may name a folder that does not exist.
fn vietnamese_workplace(scans: &Path) -> Workplace {
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: scans,
        layout: "folder",
        target: 2,
    }]);
    let config = place.path().join("pipeline.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("lang = \"en\"\n", "")).unwrap();
    place
}

/// stderr with the temporary folders replaced, for a stable snapshot.
fn redacted(out: &Output, dirs: &[&Path]) -> String {
    let mut text = String::from_utf8_lossy(&out.stderr).into_owned();
    for (i, dir) in dirs.iter().enumerate() {
        text = text.replace(&dir.display().to_string(), &format!("[dir{i}]"));
    }
    text
}

fn assert_snapshot(name: &str, actual: &str) {
    common::assert_snapshot("messages", name, actual);
}

/// Each command line run in `place`, which must exit 2 (bad usage), with its redacted stderr.
fn usage_transcript(place: &Workplace, cases: &[&[&str]], dirs: &[&Path]) -> String {
    let mut transcript = String::new();
    for args in cases {
        let out = place.run(args, LIMIT);
        assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
        transcript.push_str(&format!(
            "$ sohoa {}\n{}",
            args.join(" "),
            redacted(&out, dirs)
        ));
    }
    transcript
}

#[test]
fn errors_are_in_vietnamese_by_default_and_in_english_on_request() {
    let scans = tempfile::tempdir().unwrap();
    let place = vietnamese_workplace(&scans.path().join("missing"));
    let dirs = [place.path(), scans.path()];
    let cases: [&[&str]; 5] = [
        &["run"],
        &["run", "--lang", "en"],
        &["run", "khong-co"],
        &["search", "\"nguyen van"],
        &["--config", "khong-co.toml", "report"],
    ];
    let transcript = usage_transcript(&place, &cases, &dirs);
    assert!(transcript.contains("sohoa: lỗi: "), "{transcript}");
    assert_snapshot("errors.txt", &transcript);
}

/// Mistakes on the command line itself are worded in Vietnamese too, from what clap found
/// (the argument, the value, a similar name, the usage line), and keep clap's exit code 2;
/// `--lang en` anywhere on the line gives clap's English.
#[test]
fn command_line_mistakes_are_in_vietnamese_unless_english_is_asked_for() {
    let scans = tempfile::tempdir().unwrap();
    let place = vietnamese_workplace(scans.path());
    let cases: [&[&str]; 8] = [
        &["rn"],
        &["run", "--worker", "2"],
        &["report", "--format", "xml"],
        &["report", "--since", "31/02/2026"],
        &["verify", "--sample", "0"],
        &["search", "--limit", "abc", "x"],
        &["export"],
        &["report", "--lang", "en", "--since", "yesterday"],
    ];
    let transcript = usage_transcript(&place, &cases, &[place.path()]);
    let vietnamese = transcript.matches("sohoa: lỗi: ").count();
    assert_eq!(vietnamese, 6, "{transcript}");
    assert!(
        transcript.contains("error: invalid value 'yesterday'"),
        "{transcript}"
    );
    assert_snapshot("usage-errors.txt", &transcript);
}

/// `--help` speaks the operator's language down to the subcommands, defaults and possible
/// values included; `--lang en` (or `lang = "en"`) gives clap's English.
#[test]
fn help_is_in_vietnamese_unless_english_is_asked_for() {
    let scans = tempfile::tempdir().unwrap();
    let place = vietnamese_workplace(scans.path());
    let mut transcript = String::new();
    for args in [
        &["--help"][..],
        &["report", "--help"],
        &["help", "export", "pdf"],
    ] {
        let out = place.run(args, LIMIT);
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        let text = String::from_utf8_lossy(&out.stdout);
        for english in ["Usage:", "Options:", "Commands:", "Print help", "[default:"] {
            assert!(!text.contains(english), "{english} in:\n{text}");
        }
        transcript.push_str(&format!("$ sohoa {}\n{text}", args.join(" ")));
    }
    assert!(
        transcript.contains("Cách dùng: sohoa report"),
        "{transcript}"
    );
    assert_snapshot("help.txt", &transcript);
    let english = place.run(&["report", "--lang", "en", "--help"], LIMIT);
    let english = String::from_utf8_lossy(&english.stdout);
    assert!(english.contains("Usage: sohoa report"), "{english}");
    assert!(
        english.contains("Language of labels and numbers"),
        "{english}"
    );
}

#[test]
fn a_file_that_fails_is_explained_in_vietnamese_and_keeps_its_code() {
    let scans = tempfile::tempdir().unwrap();
    let dossier = scans.path().join("HS-1");
    std::fs::create_dir_all(&dossier).unwrap();
    std::fs::copy(
        fixtures().join("bad/empty.jpg"),
        dossier.join("trang-1.jpg"),
    )
    .unwrap();
    let place = vietnamese_workplace(scans.path());

    let out = place.run(&["run", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("HS-1 · HS-1/trang-1.jpg · empty: tệp rỗng (0 byte)"),
        "{summary}"
    );

    // Scripts read the stable code and the library's own message.
    let out = place.run(&["run", "--quiet", "--json"], LIMIT);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let failure = &json["collections"][0]["failures"][0];
    assert_eq!(failure["kind"], "empty", "{json}");
    assert_eq!(failure["message"], "empty file (0 bytes)", "{json}");
}

#[test]
fn the_manual_pages_in_the_repository_are_those_the_flags_make() {
    let made = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("manpage")
        .arg(made.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let shipped = repo().join("man");
    let names = |dir: &Path| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|d| {
                d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    };
    let made_names = names(made.path());
    assert!(
        made_names.contains(&"sohoa-run.1".to_string()),
        "{made_names:?}"
    );
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(&shipped).unwrap();
        for name in &made_names {
            std::fs::copy(made.path().join(name), shipped.join(name)).unwrap();
        }
    }
    assert_eq!(
        names(&shipped),
        made_names,
        "UPDATE_SNAPSHOTS=1 rewrites man/"
    );
    for name in &made_names {
        let read = |dir: &Path| std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(
            read(&shipped),
            read(made.path()),
            "man/{name} is out of date"
        );
    }
    let page = std::fs::read_to_string(shipped.join("sohoa-run.1")).unwrap();
    assert!(
        page.contains("dry\\-run") && page.contains("operator"),
        "{page}"
    );
}

#[test]
fn completion_scripts_know_the_commands_and_bash_accepts_its_script() {
    let script = |shell: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .args(["completions", shell])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let text = script(shell);
        for word in ["run", "report", "verify", "search", "lang"] {
            assert!(text.contains(word), "{shell} completions lack {word}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("sohoa.bash");
    std::fs::write(&file, script("bash")).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(&file)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", describe(&check));
}

#[test]
fn the_version_names_the_engine_and_its_models() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with(&format!("sohoa {}\n", env!("CARGO_PKG_VERSION"))),
        "{text}"
    );
    assert!(text.contains("\ntesseract 5."), "{text}");
    assert!(text.contains("  vie ("), "{text}");
}
