//! Which shard a `sohoa run` takes: `--shard K/N`, else `--shards N` with K from the job
//! scheduler's environment: `SLURM_ARRAY_TASK_ID` or `JOB_COMPLETION_INDEX` (Kubernetes
//! Indexed Jobs), taken as it is, so the array's task ids are the shard numbers
//! (`--array=0-3` for 4 shards) and a failed task re-submitted alone (`--array=2`) takes the
//! same dossiers again. `--shards auto` takes N from a whole array `0-(N-1)`; it refuses a
//! partial one (a re-submitted task, a stepped range), where N cannot be known. Without
//! either flag a run takes every dossier, even inside a job array: sharding is never guessed.

use anyhow::anyhow;
use sohoa::shard::Shard;

use super::exit::Failure;

/// Resolve the shard flags against the environment `env` (a lookup, so tests need not touch
/// the process's own).
///
/// # Errors
/// A usage error naming the flag or variable whose value is wrong or missing.
pub fn resolve(
    shard: Option<Shard>,
    shards: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Shard, Failure> {
    if let Some(shard) = shard {
        return Ok(shard);
    }
    let Some(shards) = shards else {
        return Ok(Shard::WHOLE);
    };
    let count = match shards {
        "auto" => array_size(&env)?,
        n => n.parse::<u64>().map_err(|_| {
            Failure::usage(anyhow!(
                "--shards {}: give the number of shards, e.g. --shards 4, or auto",
                n
            ))
        })?,
    };
    let index = task_index(&env)?;
    Shard::new(index, count).map_err(Failure::usage)
}

/// N of `--shards auto`: the size of a whole Slurm array numbered from 0.
fn array_size(env: &impl Fn(&str) -> Option<String>) -> Result<u64, Failure> {
    let Some(count) = env_number(env, "SLURM_ARRAY_TASK_COUNT")? else {
        return Err(Failure::usage(anyhow!(
            "--shards auto needs SLURM_ARRAY_TASK_COUNT, set in a Slurm job array; give --shards N elsewhere"
        )));
    };
    let min = env_number(env, "SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
    let max = env_number(env, "SLURM_ARRAY_TASK_MAX")?.unwrap_or(count.saturating_sub(1));
    if min != 0 || max + 1 != count {
        return Err(Failure::usage(anyhow!(
            "--shards auto cannot tell the number of shards from this job array (tasks {} to {}, {} of them): give --shards N",
            min,
            max,
            count
        )));
    }
    Ok(count)
}

/// K from the scheduler's variables.
fn task_index(env: &impl Fn(&str) -> Option<String>) -> Result<u64, Failure> {
    if let Some(id) = env_number(env, "SLURM_ARRAY_TASK_ID")? {
        return Ok(id);
    }
    if let Some(index) = env_number(env, "JOB_COMPLETION_INDEX")? {
        return Ok(index);
    }
    Err(Failure::usage(anyhow!(
        "--shards needs the shard's number: give --shard K/N, or run it as a task of a Slurm job array (SLURM_ARRAY_TASK_ID) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)"
    )))
}

fn env_number(env: &impl Fn(&str) -> Option<String>, name: &str) -> Result<Option<u64>, Failure> {
    let Some(text) = env(name) else {
        return Ok(None);
    };
    match text.trim().parse::<u64>() {
        Ok(n) => Ok(Some(n)),
        Err(_) => Err(Failure::usage(anyhow!(
            "{}={} is not a number of a shard",
            name,
            text
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn the_flag_wins_and_nothing_means_the_whole() {
        let two = Shard::new(2, 4).unwrap();
        let slurm = env(&[("SLURM_ARRAY_TASK_ID", "1")]);
        assert_eq!(resolve(Some(two), Some("8"), &slurm).unwrap(), two);
        assert_eq!(resolve(None, None, &slurm).unwrap(), Shard::WHOLE);
    }

    #[test]
    fn the_scheduler_gives_k() {
        let slurm = env(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "0"),
            ("SLURM_ARRAY_TASK_MAX", "3"),
            ("SLURM_ARRAY_TASK_COUNT", "4"),
        ]);
        let two = Shard::new(2, 4).unwrap();
        assert_eq!(resolve(None, Some("4"), &slurm).unwrap(), two);
        assert_eq!(resolve(None, Some("auto"), &slurm).unwrap(), two);
        // Task 2 re-submitted alone is still shard 2 of 4.
        let again = env(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_MIN", "2"),
            ("SLURM_ARRAY_TASK_MAX", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "1"),
        ]);
        assert_eq!(resolve(None, Some("4"), &again).unwrap(), two);
        let k8s = env(&[("JOB_COMPLETION_INDEX", "0")]);
        assert_eq!(
            resolve(None, Some("2"), &k8s).unwrap(),
            Shard::new(0, 2).unwrap()
        );
    }

    #[test]
    fn missing_or_bad_values_are_usage_errors() {
        let cases: [(&str, &'static [(&'static str, &'static str)]); 7] = [
            ("4", &[]),
            ("auto", &[("SLURM_ARRAY_TASK_ID", "0")]),
            // A re-submitted task, and an array numbered from 1: N is not the count.
            (
                "auto",
                &[
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_MIN", "2"),
                    ("SLURM_ARRAY_TASK_MAX", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "1"),
                ],
            ),
            (
                "auto",
                &[
                    ("SLURM_ARRAY_TASK_ID", "1"),
                    ("SLURM_ARRAY_TASK_MIN", "1"),
                    ("SLURM_ARRAY_TASK_MAX", "4"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                ],
            ),
            ("x", &[("SLURM_ARRAY_TASK_ID", "0")]),
            ("4", &[("SLURM_ARRAY_TASK_ID", "4")]),
            ("4", &[("JOB_COMPLETION_INDEX", "one")]),
        ];
        for (shards, vars) in cases {
            let failure = resolve(None, Some(shards), env(vars)).unwrap_err();
            assert_eq!(
                failure.exit,
                super::super::exit::Exit::Usage,
                "{shards} {vars:?}"
            );
        }
    }
}
