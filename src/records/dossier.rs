//! One person, one spelling across a dossier. The head of household stands on the CT01, the
//! CT07 and the household extract's table; the engine misreads a mark on one page and not
//! on another ("Quần" / "Quân", "Pham" / "Phạm"), with a confidence that does not tell. Names
//! of one dossier whose letters agree without their marks are one person's, spelled as the
//! surest readings together spell it: each spelling weighs the summed confidence of the
//! values read so. A value a person corrected (confidence 100) is never changed, and its
//! spelling wins. Two people of one dossier whose names differ only by a mark would be
//! spelled alike: rarer, on these records, than a mark misread.

use std::collections::HashMap;

use crate::model::{FieldValue, FormRecord};
use crate::search::fold::fold;

/// The fields of a form's own that hold a person's name; a table's `name` column too.
const PERSON_FIELDS: [&str; 2] = ["name", "head_of_household"];

/// A value this sure is settled: a reviewer's correction.
const SETTLED: f32 = 100.0;

/// Spell every person's name of one dossier's `records` alike (see the module's header).
pub fn agree_names(records: &mut [&mut FormRecord]) {
    let mut weights: HashMap<String, HashMap<String, f32>> = HashMap::new();
    let mut settled: HashMap<String, String> = HashMap::new();
    for r in records.iter_mut() {
        for v in person_names(r) {
            let key = fold(&v.value);
            if v.confidence >= SETTLED {
                settled.insert(key.clone(), v.value.clone());
            }
            *weights
                .entry(key)
                .or_default()
                .entry(v.value.clone())
                .or_default() += v.confidence.max(0.0);
        }
    }
    let chosen: HashMap<String, String> = weights
        .into_iter()
        .filter(|(_, spellings)| spellings.len() > 1)
        .map(|(key, spellings)| {
            let best = settled.remove(&key).unwrap_or_else(|| heaviest(spellings));
            (key, best)
        })
        .collect();
    for r in records.iter_mut() {
        for v in person_names(r).filter(|v| v.confidence < SETTLED) {
            if let Some(best) = chosen.get(&fold(&v.value)) {
                v.value.clone_from(best);
            }
        }
    }
}

/// The spelling of most weight; of two as heavy, the first in byte order, so that every
/// export of a dossier spells it alike.
fn heaviest(spellings: HashMap<String, f32>) -> String {
    let mut all: Vec<(String, f32)> = spellings.into_iter().collect();
    all.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.into_iter().next().map(|(s, _)| s).unwrap_or_default()
}

fn person_names(r: &mut FormRecord) -> impl Iterator<Item = &mut FieldValue> {
    let own = r
        .fields
        .iter_mut()
        .filter(|f| PERSON_FIELDS.contains(&f.name.as_str()));
    let members = r.members.iter_mut().flatten().filter(|f| f.name == "name");
    own.chain(members)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn value(name: &str, value: &str, confidence: f32) -> FieldValue {
        FieldValue {
            name: name.to_string(),
            value: value.to_string(),
            confidence,
            doubt: None,
            left: 0,
            top: 0,
            width: 0,
            height: 0,
        }
    }

    fn record(fields: Vec<FieldValue>, members: Vec<Vec<FieldValue>>) -> FormRecord {
        FormRecord {
            form: "x".to_string(),
            fields,
            members,
        }
    }

    fn names(r: &FormRecord) -> Vec<&str> {
        let own = r.fields.iter().map(|f| f.value.as_str());
        let rows = r.members.iter().flatten().map(|f| f.value.as_str());
        own.chain(rows).collect()
    }

    #[test]
    fn one_persons_name_is_spelled_as_most_pages_read_it() {
        let mut ct01 = record(
            vec![
                value("name", "Lê Văn An", 95.0),
                value("head_of_household", "Phạm Mạnh Quần", 93.0),
            ],
            vec![],
        );
        let mut ct07 = record(
            vec![value("head_of_household", "Pham Mạnh Quân", 80.0)],
            vec![],
        );
        let mut household = record(
            vec![value("head_of_household", "Phạm Mạnh Quân", 90.0)],
            vec![
                vec![
                    value("name", "Phạm Mạnh Quân", 92.0),
                    value("dob", "01/02/1980", 95.0),
                ],
                vec![value("name", "Lê Văn Ân", 60.0)],
            ],
        );
        agree_names(&mut [&mut ct01, &mut ct07, &mut household]);
        assert_eq!(names(&ct01), ["Lê Văn An", "Phạm Mạnh Quân"]);
        assert_eq!(names(&ct07), ["Phạm Mạnh Quân"]);
        assert_eq!(
            names(&household),
            [
                "Phạm Mạnh Quân",
                "Phạm Mạnh Quân",
                "01/02/1980",
                "Lê Văn An"
            ]
        );
    }

    #[test]
    fn a_correction_is_kept_and_wins() {
        let mut a = record(vec![value("name", "Trần Thị Hằng", 100.0)], vec![]);
        let mut b = record(vec![value("name", "Trần Thị Hãng", 96.0)], vec![]);
        let mut c = record(vec![value("name", "Trần Thị Hãng", 95.0)], vec![]);
        agree_names(&mut [&mut a, &mut b, &mut c]);
        assert_eq!(names(&a), ["Trần Thị Hằng"]);
        assert_eq!(names(&b), ["Trần Thị Hằng"]);
        assert_eq!(names(&c), ["Trần Thị Hằng"]);
    }

    #[test]
    fn other_fields_and_other_people_are_left_as_read() {
        let mut a = record(
            vec![
                value("signer", "Lê Văn Ba", 99.0),
                value("name", "Lê Văn Bá", 50.0),
            ],
            vec![],
        );
        let mut b = record(vec![value("name", "Đỗ Thị Hoa", 70.0)], vec![]);
        agree_names(&mut [&mut a, &mut b]);
        assert_eq!(names(&a), ["Lê Văn Ba", "Lê Văn Bá"]);
        assert_eq!(names(&b), ["Đỗ Thị Hoa"]);
    }
}
