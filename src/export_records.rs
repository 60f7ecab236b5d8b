//! `sohoa export records OUT`: every page of a current file that was read as a form, as
//! records people and scorers read. `jsonl`: one JSON object per page (collection, dossier,
//! file, page index from 1, form, and its fields by name with value, confidence and doubt,
//! the rows of its table of people under `members`). `csv`: one row per person (the
//! declarant, the head of household, each member), UTF-8 with a byte-order mark so that
//! spreadsheets read the Vietnamese right. A person's name is spelled alike on every page
//! of a dossier (`records::dossier`). Reads the catalog only; the caller owns the
//! writer (a file written atomically, or stdout).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde_json::{json, Map, Value};

use crate::catalog::{Catalog, CatalogError, FormFilter, FormPage};
use crate::model::{FieldValue, FormRecord};
use crate::records::dossier::agree_names;

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordFormat {
    Jsonl,
    Csv,
}

/// Why a records export stopped.
#[derive(Debug, thiserror::Error)]
pub enum RecordsError {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: io::Error },
}

/// What a records export wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct RecordsExport {
    /// Pages read as forms.
    pub pages: u64,
    /// Lines after the header: a page each in JSON Lines, a person each in CSV.
    pub rows: u64,
}

/// The CSV byte-order mark and header.
const CSV_HEAD: &str = "\u{feff}dossier,file,page,form,role,name,dob,gender,id_number,relation,\
                        confidence,doubt\r\n";

/// Write the records `filter` keeps to `out`; `name` names `out` in errors.
///
/// # Errors
/// The catalog cannot be read or `out` cannot be written.
pub fn export_records(
    catalog: &Catalog,
    filter: FormFilter<'_>,
    format: RecordFormat,
    out: &mut dyn Write,
    name: &Path,
) -> Result<RecordsExport, RecordsError> {
    let write_err = |source| RecordsError::Write {
        path: name.to_path_buf(),
        source,
    };
    if format == RecordFormat::Csv {
        out.write_all(CSV_HEAD.as_bytes()).map_err(write_err)?;
    }
    let mut written = RecordsExport::default();
    let mut failure = None;
    // Pages come dossier by dossier: each dossier is held until its last page, so that its
    // people's names are spelled alike on all of them.
    let mut dossier: Vec<FormPage> = Vec::new();
    let mut flush = |pages: &mut Vec<FormPage>, failure: &mut Option<io::Error>| {
        if failure.is_none() {
            if let Err(e) = write_dossier(pages, format, out, &mut written) {
                *failure = Some(e);
            }
        }
        pages.clear();
    };
    catalog.for_each_form_page(filter, |page| {
        let same = dossier
            .first()
            .is_some_and(|d| d.collection == page.collection && d.dossier == page.dossier);
        if !same {
            flush(&mut dossier, &mut failure);
        }
        dossier.push(page);
    })?;
    flush(&mut dossier, &mut failure);
    match failure {
        Some(e) => Err(write_err(e)),
        None => out.flush().map(|()| written).map_err(write_err),
    }
}

/// Write one dossier's form pages, its people's names agreed first.
fn write_dossier(
    pages: &mut [FormPage],
    format: RecordFormat,
    out: &mut dyn Write,
    written: &mut RecordsExport,
) -> io::Result<()> {
    let mut forms: Vec<&mut FormRecord> = pages.iter_mut().map(|p| &mut p.form).collect();
    agree_names(&mut forms);
    for page in pages.iter() {
        let text = match format {
            RecordFormat::Jsonl => vec![json_line(page)],
            RecordFormat::Csv => csv_rows(page),
        };
        written.pages += 1;
        written.rows += text.len() as u64;
        text.iter().try_for_each(|t| out.write_all(t.as_bytes()))?;
    }
    Ok(())
}

/// The file's path relative to its dossier's folder (for a dossier of one file, its name).
pub fn file_in_dossier(page: &FormPage) -> &str {
    let prefix_len = page.dossier.len() + 1;
    match page.rel_path.strip_prefix(page.dossier.as_str()) {
        Some(rest) if rest.starts_with('/') => &page.rel_path[prefix_len..],
        _ => page.rel_path.rsplit('/').next().unwrap_or(&page.rel_path),
    }
}

/// One page as a JSON line.
fn json_line(page: &FormPage) -> String {
    let mut fields = values(&page.form.fields);
    let members: Vec<Value> = page
        .form
        .members
        .iter()
        .map(|row| Value::Object(values(row)))
        .collect();
    fields.insert("members".to_string(), Value::Array(members));
    let doc = json!({
        "collection": page.collection,
        "dossier": page.dossier,
        "file": file_in_dossier(page),
        "page_index": page.page_index + 1,
        "form": page.form.form,
        "fields": fields,
    });
    format!("{doc}\n")
}

fn values(row: &[FieldValue]) -> Map<String, Value> {
    row.iter()
        .map(|f| {
            let value = json!({"value": f.value, "confidence": f.confidence, "doubt": f.doubt});
            (f.name.clone(), value)
        })
        .collect()
}

/// The people of a page: who fills the form in, the head of household, each member.
fn csv_rows(page: &FormPage) -> Vec<String> {
    let own = &page.form.fields;
    let declarant = [
        ("name", "name"),
        ("dob", "dob"),
        ("gender", "gender"),
        ("id_number", "id_number"),
        ("relation", "relation_to_head"),
    ];
    let head = [
        ("name", "head_of_household"),
        ("id_number", "head_id_number"),
    ];
    let member = [
        ("name", "name"),
        ("dob", "dob"),
        ("gender", "gender"),
        ("id_number", "id_number"),
        ("relation", "relation"),
    ];
    let mut rows = Vec::new();
    rows.extend(person(page, "declarant", own, &declarant));
    rows.extend(person(page, "head", own, &head));
    for row in &page.form.members {
        rows.extend(person(page, "member", row, &member));
    }
    rows
}

const COLUMNS: [&str; 5] = ["name", "dob", "gender", "id_number", "relation"];

/// One CSV row of `role`, each column from the field `map` names; none when the form names
/// no such person (no field of the map was read).
fn person(page: &FormPage, role: &str, row: &[FieldValue], map: &[(&str, &str)]) -> Option<String> {
    let found = |column: &str| {
        let field = map.iter().find(|(c, _)| *c == column)?.1;
        row.iter().find(|f| f.name == field)
    };
    let used: Vec<&FieldValue> = COLUMNS.iter().filter_map(|c| found(c)).collect();
    // A declarant's relation to the head alone is no person.
    if !used.iter().any(|f| f.name != "relation_to_head") {
        return None;
    }
    let least = used
        .iter()
        .map(|f| f.confidence)
        .fold(f32::INFINITY, f32::min);
    let doubts: Vec<String> = used
        .iter()
        .filter_map(|f| f.doubt.as_ref().map(|d| format!("{}:{d}", f.name)))
        .collect();
    let page_number = (page.page_index + 1).to_string();
    let mut cells = vec![
        page.dossier.as_str(),
        file_in_dossier(page),
        &page_number,
        &page.form.form,
        role,
    ];
    let values: Vec<&str> = COLUMNS
        .iter()
        .map(|c| found(c).map_or("", |f| f.value.as_str()))
        .collect();
    cells.extend(values);
    let least = least.to_string();
    let doubt = doubts.join(",");
    cells.extend([least.as_str(), doubt.as_str()]);
    let line: Vec<String> = cells.into_iter().map(cell).collect();
    Some(format!("{}\r\n", line.join(",")))
}

/// A CSV cell, quoted when it holds a separator, a quote or a line break.
fn cell(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

#[cfg(test)]
#[path = "export_records_tests.rs"]
mod tests;
