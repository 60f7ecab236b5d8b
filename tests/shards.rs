//! `sohoa run --shard K/N`: the shards of the bundled fixtures partition their dossiers, the
//! scheduler's variables name the same shards, and bad values are usage errors (exit 2).
//! Dry runs only: which dossiers a shard takes is decided before any OCR.

mod common;

use std::collections::BTreeSet;
use std::time::Duration;

use common::{describe, json, Workplace};

const LIMIT: Duration = Duration::from_secs(60);

/// The (collection, dossier) pairs a dry run would process.
fn planned(place: &Workplace, args: &[&str], env: &[(&str, &str)]) -> BTreeSet<(String, String)> {
    let mut cmd = place.command(&[&["run", "--dry-run", "--json"], args].concat());
    cmd.envs(env.iter().copied());
    let child = cmd
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn sohoa");
    let out = common::wait_with_limit(child, LIMIT);
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let plan = json(&out);
    let mut pairs = BTreeSet::new();
    for c in plan["collections"].as_array().expect("collections") {
        for f in c["files"].as_array().expect("files") {
            let id = c["id"].as_str().expect("id").to_string();
            pairs.insert((id, f["dossier"].as_str().expect("dossier").to_string()));
        }
    }
    pairs
}

#[test]
fn four_shards_partition_the_fixture_dossiers() {
    let place = Workplace::fixtures();
    let all = planned(&place, &[], &[]);
    assert_eq!(all.len(), 15, "{all:?}");
    let mut union = BTreeSet::new();
    for k in 0..4 {
        let shard = planned(&place, &["--shard", &format!("{k}/4")], &[]);
        assert!(!shard.is_empty(), "shard {k}/4 took nothing");
        assert!(union.is_disjoint(&shard), "shard {k}/4 overlaps: {shard:?}");
        union.extend(shard);
    }
    assert_eq!(union, all);
}

#[test]
fn slurm_and_kubernetes_indices_name_the_same_shards() {
    let place = Workplace::fixtures();
    let by_flag = planned(&place, &["--shard", "2/4"], &[]);
    let slurm = [
        ("SLURM_ARRAY_TASK_ID", "2"),
        ("SLURM_ARRAY_TASK_MIN", "0"),
        ("SLURM_ARRAY_TASK_MAX", "3"),
        ("SLURM_ARRAY_TASK_COUNT", "4"),
    ];
    assert_eq!(planned(&place, &["--shards", "4"], &slurm), by_flag);
    assert_eq!(planned(&place, &["--shards", "auto"], &slurm), by_flag);
    // The failed task re-submitted alone (`sbatch --array=2`) takes the same dossiers.
    let again = [
        ("SLURM_ARRAY_TASK_ID", "2"),
        ("SLURM_ARRAY_TASK_MIN", "2"),
        ("SLURM_ARRAY_TASK_MAX", "2"),
        ("SLURM_ARRAY_TASK_COUNT", "1"),
    ];
    assert_eq!(planned(&place, &["--shards", "4"], &again), by_flag);
    let k8s = [("JOB_COMPLETION_INDEX", "2")];
    assert_eq!(planned(&place, &["--shards", "4"], &k8s), by_flag);
    // Inside a job array but without --shards, a run takes everything.
    assert_eq!(planned(&place, &[], &slurm).len(), 15);
}

/// Arguments and environment of one refused run.
type Case = (
    &'static [&'static str],
    &'static [(&'static str, &'static str)],
);

#[test]
fn bad_shards_are_usage_errors() {
    let place = Workplace::fixtures();
    let cases: [Case; 6] = [
        (&["--shard", "4/4"], &[]),
        (&["--shard", "1-4"], &[]),
        (&["--shard", "0/0"], &[]),
        (&["--shards", "4"], &[]),
        (&["--shards", "4"], &[("SLURM_ARRAY_TASK_ID", "x")]),
        (&["--shards", "auto"], &[("JOB_COMPLETION_INDEX", "1")]),
    ];
    for (args, env) in cases {
        let mut cmd = place.command(&[&["run", "--dry-run"], args].concat());
        cmd.env_remove("SLURM_ARRAY_TASK_ID")
            .env_remove("JOB_COMPLETION_INDEX")
            .env_remove("SLURM_ARRAY_TASK_COUNT")
            .env_remove("SLURM_ARRAY_TASK_MIN")
            .env_remove("SLURM_ARRAY_TASK_MAX")
            .envs(env.iter().copied());
        let out = cmd.output().expect("run sohoa");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?} {env:?}: {}",
            describe(&out)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("shard"), "{args:?}: {stderr}");
    }
}
