//! The form definitions: which forms sohoa reads as records, how it recognises each on a
//! page and which labelled fields and table columns it holds. The built-in definitions are
//! `assets/forms.toml`, compiled in; an office's own file (`[records] forms`) adds forms or
//! replaces built-in ones of the same id, so a new form needs no code.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The built-in definitions.
const BUILT_IN: &str = include_str!("../../assets/forms.toml");

/// Why form definitions could not be used.
#[derive(Debug, thiserror::Error)]
pub enum FormsError {
    #[error("cannot read form definitions {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("form definitions {path}: {message}")]
    Invalid { path: PathBuf, message: String },
}

/// What a value is, which decides how it is cut from the text and checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    Name,
    Date,
    Gender,
    Id,
    Phone,
    Email,
    Code,
    Amount,
    /// A relation to the head of household, from a closed list (`relation.rs`).
    Relation,
    Text,
}

/// One labelled field of a form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldDef {
    pub name: String,
    pub labels: Vec<String>,
    pub kind: ValueKind,
    #[serde(default = "one")]
    pub lines: usize,
    #[serde(default)]
    pub keep_label: bool,
    #[serde(default)]
    pub below: bool,
    #[serde(default)]
    pub last: bool,
    pub from_member: Option<String>,
    /// The value belongs to the person of this (earlier) field: it is looked for only in
    /// the clause after that field's value (a date of birth after the name it follows in a
    /// decision that lists relatives too).
    pub with: Option<String>,
}

fn one() -> usize {
    1
}

/// A table of people: its column labels and the member field each holds (`""` for the row
/// number).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableDef {
    pub header: Vec<String>,
    pub columns: Vec<String>,
}

/// One form.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormDef {
    pub id: String,
    pub title: String,
    pub signs: Vec<String>,
    #[serde(default)]
    pub stops: Vec<String>,
    #[serde(default)]
    pub fields: Vec<FieldDef>,
    pub table: Option<TableDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FormsFile {
    form: Vec<FormDef>,
}

/// The forms in the order they are tried.
#[derive(Debug, Clone)]
pub struct Forms {
    pub forms: Vec<FormDef>,
}

impl Forms {
    /// The built-in forms.
    pub fn built_in() -> Forms {
        // The built-in file is tested (see the tests below), so it always parses.
        let forms = parse(BUILT_IN, Path::new("assets/forms.toml")).unwrap_or_default();
        Forms { forms }
    }

    /// The built-in forms with those of `path` added; a form of `path` replaces every
    /// built-in form of the same id and is tried before the built-in ones.
    pub fn with_file(path: &Path) -> Result<Forms, FormsError> {
        let text = std::fs::read_to_string(path).map_err(|source| FormsError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let own = parse(&text, path)?;
        let mut forms = own.clone();
        forms.extend(
            Forms::built_in()
                .forms
                .into_iter()
                .filter(|f| !own.iter().any(|o| o.id == f.id)),
        );
        Ok(Forms { forms })
    }
}

fn parse(text: &str, path: &Path) -> Result<Vec<FormDef>, FormsError> {
    let invalid = |message: String| FormsError::Invalid {
        path: path.to_path_buf(),
        message,
    };
    let file: FormsFile = toml::from_str(text).map_err(|e| invalid(e.message().to_string()))?;
    for form in &file.form {
        check(form).map_err(|m| invalid(format!("form {}: {m}", form.id)))?;
    }
    Ok(file.form)
}

/// What a definition must hold for reading to make sense of it.
fn check(form: &FormDef) -> Result<(), String> {
    if form.signs.iter().all(|s| s.trim().is_empty()) {
        return Err("no sign to recognise it by".to_string());
    }
    if let Some(f) = form.fields.iter().find(|f| f.labels.is_empty()) {
        return Err(format!("field {} has no label", f.name));
    }
    for (i, f) in form.fields.iter().enumerate() {
        let Some(with) = &f.with else { continue };
        if !form.fields[..i].iter().any(|e| &e.name == with) {
            return Err(format!(
                "field {} is `with` {with}, which is not before it",
                f.name
            ));
        }
    }
    if let Some(t) = &form.table {
        if t.header.len() != t.columns.len() {
            return Err("the table's header and columns differ in length".to_string());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_forms_parse() {
        let forms = parse(BUILT_IN, Path::new("forms.toml")).expect("built-in forms");
        let ids: Vec<&str> = forms.iter().map(|f| f.id.as_str()).collect();
        for id in ["ct01", "ct07", "household", "quyet-dinh"] {
            assert!(ids.contains(&id), "{id} missing from {ids:?}");
        }
    }

    #[test]
    fn an_own_form_comes_first_and_replaces_its_namesake() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("forms.toml");
        std::fs::write(
            &path,
            "[[form]]\nid = \"ct01\"\ntitle = \"x\"\nsigns = [\"GIẤY RIÊNG\"]\n\
             fields = [{ name = \"name\", labels = [\"Tên\"], kind = \"name\" }]\n",
        )
        .unwrap();
        let forms = Forms::with_file(&path).unwrap();
        assert_eq!(forms.forms[0].signs, ["GIẤY RIÊNG"]);
        assert_eq!(forms.forms.iter().filter(|f| f.id == "ct01").count(), 1);
    }

    #[test]
    fn a_bad_definition_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mine.toml");
        std::fs::write(&path, "[[form]]\nid = \"x\"\ntitle = \"x\"\nsigns = []\n").unwrap();
        let e = Forms::with_file(&path).unwrap_err().to_string();
        assert!(e.contains("mine.toml") && e.contains("form x"), "{e}");
    }
}
