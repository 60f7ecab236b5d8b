//! Reads the forms of an archive's pages again from the words its catalog holds, without the
//! engine, and prints them as `export records` does (one JSON line per page read as a form):
//! a change to the form definitions or to reading records is measured on a whole archive in
//! a second. On stderr: the time reading records took against the engine time the pages
//! cost when they were read (the budget reading records must stay well inside).
//!
//! `cargo run --release --example records_again -- ARCHIVE/catalog.sqlite [FORMS.toml] > records.jsonl`

use std::path::Path;

use rusqlite::Connection;
use serde_json::{json, Map, Value};

use sohoa::model::{BoxedField, FieldValue, Word};
use sohoa::records::Forms;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(catalog) = args.first() else {
        return Err("usage: records_again CATALOG [FORMS.toml]".into());
    };
    let forms = match args.get(1) {
        Some(f) => Forms::with_file(Path::new(f))?,
        None => Forms::built_in(),
    };
    let today = chrono::Local::now().date_naive();
    let conn = Connection::open(catalog)?;
    let mut stmt = conn.prepare(
        "SELECT c.code, d.code, f.rel_path, p.page_index, p.words, p.id, p.engine_ms
         FROM current_file cf JOIN file f ON f.id = cf.file_id
         JOIN dossier d ON d.id = cf.dossier_id JOIN collection c ON c.id = cf.collection_id
         JOIN page p ON p.file_id = f.id ORDER BY c.code, d.code, f.rel_path, p.page_index",
    )?;
    let mut rows = stmt.query([])?;
    let (mut pages, mut engine_ms, mut reading) = (0u64, 0i64, std::time::Duration::ZERO);
    while let Some(row) = rows.next()? {
        let (collection, dossier, rel_path): (String, String, String) =
            (row.get(0)?, row.get(1)?, row.get(2)?);
        let index: i64 = row.get(3)?;
        let words: Vec<Word> = serde_json::from_str(&row.get::<_, String>(4)?)?;
        let boxed = boxed_fields(&conn, row.get(5)?)?;
        pages += 1;
        engine_ms += row.get::<_, i64>(6)?;
        let start = std::time::Instant::now();
        let record = sohoa::records::read(&words, &boxed, &forms, today);
        reading += start.elapsed();
        let Some(record) = record else {
            continue;
        };
        let file = rel_path
            .strip_prefix(&format!("{dossier}/"))
            .unwrap_or(&rel_path);
        let mut fields = Map::new();
        for f in &record.fields {
            fields.insert(f.name.clone(), field(f));
        }
        let members: Vec<Value> = record
            .members
            .iter()
            .map(|row| Value::Object(row.iter().map(|f| (f.name.clone(), field(f))).collect()))
            .collect();
        fields.insert("members".into(), Value::Array(members));
        let line = json!({"collection": collection, "dossier": dossier, "file": file,
            "page_index": index + 1, "form": record.form, "fields": fields});
        println!("{line}");
    }
    let ms = reading.as_secs_f64() * 1000.0;
    let share = 100.0 * ms / (engine_ms.max(1) as f64);
    eprintln!(
        "records_again: {pages} pages, reading records {ms:.1} ms against {engine_ms} ms of \
         engine time ({share:.3}%)"
    );
    Ok(())
}

fn boxed_fields(conn: &Connection, page: i64) -> rusqlite::Result<Vec<BoxedField>> {
    let mut stmt = conn.prepare_cached(
        "SELECT kind, value, confidence, left, top, width, height FROM page_boxed_field
         WHERE page_id = ?1",
    )?;
    let rows = stmt.query_map([page], |r| {
        Ok(BoxedField {
            kind: r.get(0)?,
            value: r.get(1)?,
            confidence: r.get::<_, f64>(2)? as f32,
            left: r.get(3)?,
            top: r.get(4)?,
            width: r.get(5)?,
            height: r.get(6)?,
        })
    })?;
    rows.collect()
}

fn field(f: &FieldValue) -> Value {
    json!({"value": f.value, "confidence": f.confidence, "doubt": f.doubt})
}
