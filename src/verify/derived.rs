//! The catalog rows people see that are not themselves links of the chain: derived tables
//! checked against the chained rows they derive from, and collections and dossiers against
//! their chained snapshots (see `docs/verify.md` for every table and how it is protected).
//! `full` recomputes every page's index entries and fields; `quick` and `sample` check
//! counts, `current_file` whole and a sample of pages.

use super::{Finding, Level, VerifyError};
use crate::catalog::{Catalog, RowIssue};

/// Findings about derived and snapshot rows, given the row issues the audit already found.
pub(super) fn check(
    catalog: &Catalog,
    level: Level,
    audited: Vec<RowIssue>,
) -> Result<Vec<Finding>, VerifyError> {
    let mut issues = audited;
    issues.extend(catalog.audit_derived(level == Level::Full)?);
    Ok(issues.into_iter().map(finding).collect())
}

fn finding(issue: RowIssue) -> Finding {
    Finding::RowMismatch {
        table: issue.table,
        row: issue.row,
        problem: issue.problem.to_string(),
    }
}
