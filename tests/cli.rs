//! The command-line contract that scripts rely on: configuration errors exit 2 with a message
//! naming the file, a locked archive exits 3, `init` writes a template that runs.

mod common;

use std::time::Duration;

use common::{describe, Collection, Workplace};

const LIMIT: Duration = Duration::from_secs(60);

fn empty_workplace() -> (tempfile::TempDir, Workplace) {
    let scans = tempfile::tempdir().unwrap();
    let place = Workplace::new(&[Collection {
        id: "cu-tru",
        source: scans.path(),
        layout: "folder",
        target: 3,
    }]);
    (scans, place)
}

#[test]
fn without_a_config_it_exits_2_and_says_how_to_write_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
        .current_dir(dir.path())
        .arg("run")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pipeline.toml") && err.contains("sohoa init"),
        "{err}"
    );
}

#[test]
fn a_config_error_names_the_file_and_line() {
    let (_scans, place) = empty_workplace();
    let config = place.path().join("pipeline.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("targte = 5\n");
    std::fs::write(&config, text).unwrap();
    let out = place.run(&["run"], LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pipeline.toml") && err.contains("targte") && err.contains("line"),
        "{err}"
    );
}

#[test]
fn an_unknown_collection_is_a_usage_error() {
    let (_scans, place) = empty_workplace();
    let out = place.run(&["run", "khong-co"], LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    assert!(String::from_utf8_lossy(&out.stderr).contains("khong-co"));
}

#[test]
fn a_second_run_on_a_locked_archive_exits_3() {
    let (_scans, place) = empty_workplace();
    std::fs::create_dir_all(place.archive()).unwrap();
    // The holder text names this process, as a run names itself: the kernel's lock table
    // must agree with it for the message to repeat it.
    let holder = format!("pid {} on tram-1", std::process::id());
    let _held = sohoa::lock::ArchiveLock::acquire(&place.archive(), &holder).unwrap();
    let out = place.run(&["run"], LIMIT);
    assert_eq!(out.status.code(), Some(3), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("in use") && err.contains(&holder), "{err}");
}

#[test]
fn init_writes_a_template_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let init = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .current_dir(dir.path())
            .arg("init")
            .output()
            .unwrap()
    };
    let out = init();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let written = std::fs::read_to_string(dir.path().join("pipeline.toml")).unwrap();
    assert!(written.contains("[[collection]]"));
    let again = init();
    assert_eq!(again.status.code(), Some(2), "{}", describe(&again));
}

#[test]
fn init_then_run_in_an_empty_folder_names_the_key_to_edit_then_runs() {
    let dir = tempfile::tempdir().unwrap();
    let sohoa = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_sohoa"))
            .current_dir(dir.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = sohoa(&["init", "--lang", "en", "-c", "may-quet.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let config = dir.path().join("may-quet.toml");
    assert!(String::from_utf8_lossy(&out.stderr).contains("set its `source`"));

    // The template's sources do not exist here: one line says which key to edit.
    let out = sohoa(&["-c", "may-quet.toml", "run", "--lang", "en"]);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("collection cu-tru") && err.contains("`source`"),
        "{err}"
    );

    // Pointed at a scanner folder, the same file runs.
    let scans = dir.path().join("scans");
    std::fs::create_dir_all(scans.join("HS-1")).unwrap();
    std::fs::copy(
        common::real_corpus().join("viet.tif"),
        scans.join("HS-1/trang-1.tif"),
    )
    .unwrap();
    let text = std::fs::read_to_string(&config).unwrap();
    let text = text
        .replace("\"fixtures/scans/cu-tru\"", "\"scans\"")
        .replace("\"fixtures/scans/ket-qua\"", "\"scans\"");
    std::fs::write(&config, text).unwrap();
    let out = sohoa(&["-c", "may-quet.toml", "run", "cu-tru", "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));

    // And is only overwritten when asked.
    assert_eq!(
        sohoa(&["init", "-c", "may-quet.toml"]).status.code(),
        Some(2)
    );
    let out = sohoa(&["init", "-c", "may-quet.toml", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
}

#[test]
fn every_example_config_parses() {
    let repo = common::repo();
    let mut configs = vec![repo.join("pipeline.toml")];
    if let Ok(entries) = std::fs::read_dir(repo.join("examples")) {
        configs.extend(
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "toml")),
        );
    }
    for path in configs {
        let settings = sohoa::config::Settings::load(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!settings.collections.is_empty(), "{}", path.display());
    }
}

#[test]
fn an_empty_source_runs_clean_with_nothing_digitised() {
    let (_scans, place) = empty_workplace();
    let out = place.run(&["run", "--json", "--quiet"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let summary = common::json(&out);
    assert_eq!(summary["collections"][0]["digitised"], 0);
    assert_eq!(summary["collections"][0]["target"], 3);
}

#[test]
fn a_missing_language_model_is_a_configuration_error() {
    let (scans, place) = empty_workplace();
    std::fs::create_dir(scans.path().join("HS-1")).unwrap();
    std::fs::copy(
        common::real_corpus().join("viet.tif"),
        scans.path().join("HS-1/p1.tif"),
    )
    .unwrap();
    let config = place.path().join("pipeline.toml");
    let text = std::fs::read_to_string(&config)
        .unwrap()
        .replace("[\"vie\"]", "[\"xyz\"]");
    std::fs::write(&config, text).unwrap();
    let out = place.run(&["run"], LIMIT);
    assert_eq!(out.status.code(), Some(2), "{}", describe(&out));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("xyz") && err.contains("tesseract-ocr-xyz"),
        "{err}"
    );
}

#[test]
fn a_dry_run_with_json_lists_every_file_it_would_read_and_changes_nothing() {
    let place = Workplace::fixtures();
    let out = place.run(&["run", "--dry-run", "--json"], LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let plan: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let cu_tru = &plan["collections"][0];
    assert_eq!(cu_tru["id"], "cu-tru");
    assert_eq!(cu_tru["dossiers"], 10);
    let files = cu_tru["files"].as_array().unwrap();
    assert_eq!(cu_tru["new"], files.len());
    assert!(files
        .iter()
        .any(|f| f["file"] == "CT-2023-0001/trang-1.jpg" && f["action"] == "new"));
    assert!(!place.archive().join("catalog.sqlite").exists());
}
