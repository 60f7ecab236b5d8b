//! A page's form as `sohoa show` presents it: in JSON every value with its confidence, doubt
//! and box on the recognised image; in text one line for the page's own values and one per
//! member, each value with its confidence (and its doubt, when a check failed).

use std::fmt::Write;

use serde_json::{json, Value};
use sohoa::config::Lang;
use sohoa::model::{FieldValue, FormRecord};

use super::render::dec;

/// `form`, `fields` and `members` of a page in `show --json`: null and empty for a page read
/// as no form, so a script finds the same keys on every page.
pub fn form_json(form: Option<&FormRecord>) -> (Value, Value, Value) {
    let Some(form) = form else {
        return (Value::Null, json!([]), json!([]));
    };
    let row = |values: &[FieldValue]| Value::Array(values.iter().map(value_json).collect());
    let members: Vec<Value> = form.members.iter().map(|m| row(m)).collect();
    (json!(form.form), row(&form.fields), Value::Array(members))
}

fn value_json(f: &FieldValue) -> Value {
    json!({
        "name": f.name,
        "value": f.value,
        "confidence": f.confidence,
        "doubt": f.doubt,
        "box": [f.left, f.top, f.width, f.height],
    })
}

/// The text lines of a page's form, indented under the page's line; empty for no form.
pub fn form_lines(form: Option<&FormRecord>, l: Lang) -> String {
    let Some(form) = form else {
        return String::new();
    };
    let (title, member) = match l {
        Lang::Vi => ("biểu mẫu", "người"),
        Lang::En => ("form", "member"),
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "        {title} {}: {}",
        form.form,
        row(&form.fields, l)
    );
    for (n, values) in form.members.iter().enumerate() {
        let _ = writeln!(out, "          {member} {}: {}", n + 1, row(values, l));
    }
    out
}

/// `name Nguyễn Văn A (97,0), dob 31/02/1990 (60,0 bad-date)`.
fn row(values: &[FieldValue], l: Lang) -> String {
    let parts: Vec<String> = values
        .iter()
        .map(|f| {
            let sure = dec(f64::from(f.confidence), 1, l);
            match &f.doubt {
                Some(doubt) => format!("{} {} ({sure} {doubt})", f.name, f.value),
                None => format!("{} {} ({sure})", f.name, f.value),
            }
        })
        .collect();
    if parts.is_empty() {
        "-".to_string()
    } else {
        parts.join(", ")
    }
}
