//! Exit codes, as documented in the product contract: scripts rely on them.

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// All well.
    Ok = 0,
    /// The work ran but found problems (files that failed, verification failures).
    Problems = 1,
    /// Bad usage or configuration.
    Usage = 2,
    /// The archive cannot be used (locked by another run, unreadable catalog).
    Archive = 3,
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// An error with the exit code it calls for.
#[derive(Debug)]
pub struct Failure {
    pub exit: Exit,
    pub error: anyhow::Error,
}

impl Failure {
    pub fn usage(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            exit: Exit::Usage,
            error: error.into(),
        }
    }

    pub fn archive(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            exit: Exit::Archive,
            error: error.into(),
        }
    }

    /// An export's OUT: a wrong folder named is a usage error, a failed write exit 3.
    pub fn output(error: sohoa::export_out::OutError) -> Failure {
        if error.is_usage() {
            Failure::usage(error)
        } else {
            Failure::archive(error)
        }
    }
}
