//! Search fields from the values of a form read as a record (`model::FormRecord`), normalised
//! as [`super::extract`] normalises the text's own, so one look-up finds both: names folded
//! ("nguyen van a"), dates of birth as `YYYY-MM-DD`, ID numbers as 12 digits (9 for an old
//! identity-card number). `raw` keeps the value as the form gave it.
//!
//! A form names its people in fixed fields: the declarant (`name`, `dob`, `id_number`), the
//! head of household (`head_of_household`, `head_id_number`) and each member row (`name`,
//! `dob`, `id_number`). Other fields (addresses, decision numbers, amounts) are no person's
//! and are left out, even when they hold 12 digits.

use super::fields::{Field, FieldKind};
use super::fold::{tokens, Match};
use super::normalise_id;

/// The fields of a form's `(name, value)` pairs, each (kind, value) once, in a stable order.
pub fn record_fields<'a>(values: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Field> {
    let mut out: Vec<Field> = values
        .into_iter()
        .filter_map(|(name, value)| field(name, value))
        .collect();
    out.sort();
    out.dedup_by(|a, b| a.kind == b.kind && a.value == b.value);
    out
}

fn field(name: &str, value: &str) -> Option<Field> {
    let raw = value.trim();
    let (kind, value) = match name {
        "name" | "head_of_household" => (FieldKind::Name, person(raw)?),
        "dob" => (FieldKind::Born, date(raw)?),
        "id_number" | "head_id_number" => id(raw)?,
        _ => return None,
    };
    Some(Field {
        kind,
        value,
        raw: raw.to_string(),
    })
}

/// A name of two to seven words of letters, folded; anything else is no name to look up.
fn person(raw: &str) -> Option<String> {
    let words: Vec<String> = tokens(raw, Match::Folded)
        .into_iter()
        .map(|t| t.norm)
        .collect();
    let wordlike = words.iter().all(|w| w.chars().all(char::is_alphabetic));
    ((2..=7).contains(&words.len()) && wordlike).then(|| words.join(" "))
}

/// `DD/MM/YYYY` (or with `.` or `-`) as `YYYY-MM-DD`, when it is a plausible date of birth.
fn date(raw: &str) -> Option<String> {
    let parts: Vec<&str> = raw.split(['/', '.', '-']).map(str::trim).collect();
    let [d, m, y] = parts[..] else { return None };
    let num = |s: &str, max: u32| s.parse::<u32>().ok().filter(|n| (1..=max).contains(n));
    let (d, m, y) = (num(d, 31)?, num(m, 12)?, num(y, 2100)?);
    (1850..=2100)
        .contains(&y)
        .then(|| format!("{y:04}-{m:02}-{d:02}"))
}

fn id(raw: &str) -> Option<(FieldKind, String)> {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    let digits = normalise_id(&compact)?;
    match digits.len() {
        12 => Some((FieldKind::Id, digits)),
        9 => Some((FieldKind::OldId, digits)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(values: &[(&str, &str)]) -> Vec<(&'static str, String)> {
        record_fields(values.iter().copied())
            .into_iter()
            .map(|f| (f.kind.code(), f.value))
            .collect()
    }

    #[test]
    fn people_become_fields_as_the_text_would_give_them() {
        let found = kinds(&[
            ("name", "Nguyễn Văn Lượng"),
            ("dob", "05/03/1987"),
            ("id_number", "001087012345"),
            ("head_of_household", "Trần Thị Bích"),
            ("head_id_number", "079 160 012 345"),
            ("permanent_address", "Số 12, phố Huế"),
            ("cert_number", "001087012346"),
        ]);
        assert_eq!(
            found,
            [
                ("id", "001087012345".to_string()),
                ("id", "079160012345".to_string()),
                ("born", "1987-03-05".to_string()),
                ("name", "nguyen van luong".to_string()),
                ("name", "tran thi bich".to_string()),
            ]
        );
    }

    #[test]
    fn values_that_are_no_name_date_or_id_are_left_out() {
        let found = kinds(&[
            ("name", "Lượng"),
            ("name", "Nguyễn Văn 3"),
            ("dob", "31/13/1987"),
            ("dob", "1987"),
            ("id_number", "0010870123"),
        ]);
        assert!(found.is_empty(), "{found:?}");
    }
}
