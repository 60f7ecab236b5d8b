//! The table of people on a form, read from the page text, where reading order has put each
//! ruled row on one line: the header line is the one that holds most of the table's column
//! labels, their order there is the columns' order, and every numbered line below it is a
//! row, cut column by column (a name runs until a date starts, a relation until digits do).

use super::forms::{TableDef, ValueKind};
use super::text::PageText;
use super::values::{cut, date, digit, tokens, Cut, Token};
use crate::search::fold::fold;

/// Fewest column labels a line must hold to be the table's header.
const MIN_HEADER_LABELS: usize = 3;

/// Lines without a row number after which the table has ended.
const GAP_LINES: usize = 2;

/// Most tokens before a row's first value that can be its number and the marks around it.
const LEAD_TOKENS: usize = 2;

/// Fewest values a line must give, a name among them, to be a row of people.
const MIN_ROW_VALUES: usize = 3;

/// The rows of the table, each a list of (member field, value). Without a legible header
/// the columns are taken in the definition's order and rows looked for from the top.
pub fn read(page: &PageText, table: &TableDef) -> Vec<Vec<(String, Cut)>> {
    let (start, columns) = header(page, table).unwrap_or_else(|| (0, in_order(table)));
    let mut rows = Vec::new();
    let mut gap = 0;
    let mut at = start;
    while at < page.chars.len() && gap < GAP_LINES {
        let from = if at == 0 { 0 } else { at + 1 };
        let end = page.line_end(from);
        let line = tokens(page, from..end);
        let cells = (!line.is_empty()).then(|| row(after_number(&line), &columns));
        match cells {
            Some(cells) if is_row(&cells) => {
                rows.push(cells);
                gap = 0;
            }
            _ => gap += usize::from(!rows.is_empty()),
        }
        at = end;
    }
    rows
}

/// The member columns in the order the definition lists them, each once.
fn in_order(table: &TableDef) -> Vec<(String, ValueKind)> {
    let mut cols: Vec<(String, ValueKind)> = Vec::new();
    for c in table.columns.iter().filter(|c| !c.is_empty()) {
        if !cols.iter().any(|(n, _)| n == c) {
            cols.push((c.clone(), kind_of(c)));
        }
    }
    cols
}

/// Whether the cells of a line make a row of people: a name and enough else.
fn is_row(cells: &[(String, Cut)]) -> bool {
    cells.len() >= MIN_ROW_VALUES && cells.iter().any(|(n, _)| n == "name")
}

/// The end of the header line and its columns in order (the row number left out).
fn header(page: &PageText, table: &TableDef) -> Option<(usize, Vec<(String, ValueKind)>)> {
    let mut finds: Vec<(usize, usize, usize)> = Vec::new(); // (start, end, column)
    for (i, label) in table.header.iter().enumerate() {
        if table.columns[i].is_empty() {
            continue;
        }
        for f in page.find(label) {
            finds.push((f.start, f.end, i));
        }
    }
    // Longest first, so "Họ, chữ đệm và tên" is not also "Họ và tên" or a "tên" inside it.
    finds.sort_by_key(|&(s, e, _)| (std::cmp::Reverse(e - s), s));
    let mut kept: Vec<(usize, usize, usize)> = Vec::new();
    for f in finds {
        if !kept.iter().any(|k| f.0 < k.1 && k.0 < f.1) {
            kept.push(f);
        }
    }
    kept.sort();
    // The line with most distinct columns.
    let mut best: Option<(usize, Vec<(String, ValueKind)>)> = None;
    for &(start, _, _) in &kept {
        let line = page.line_start(start);
        let end = page.line_end(start);
        let mut cols: Vec<(String, ValueKind)> = Vec::new();
        for &(_, _, i) in kept.iter().filter(|k| k.0 >= line && k.0 < end) {
            let name = &table.columns[i];
            if !cols.iter().any(|(n, _)| n == name) {
                cols.push((name.clone(), kind_of(name)));
            }
        }
        if cols.len() >= MIN_HEADER_LABELS && best.as_ref().is_none_or(|b| cols.len() > b.1.len()) {
            best = Some((end, cols));
        }
    }
    best.map(|(end, cols)| (end, completed(cols, table)))
}

/// The header's columns with those it lacks put back, each after the column it follows in
/// the definition: a header whose cells wrap over two or three lines holds only part of its
/// labels on any one of them ("Ngày, tháng, / năm sinh", "Giới / tính"), yet its rows still
/// hold every column.
fn completed(mut cols: Vec<(String, ValueKind)>, table: &TableDef) -> Vec<(String, ValueKind)> {
    let all = in_order(table);
    for (i, (name, kind)) in all.iter().enumerate() {
        if cols.iter().any(|(n, _)| n == name) {
            continue;
        }
        let after = all[..i]
            .iter()
            .rev()
            .find_map(|(p, _)| cols.iter().position(|(n, _)| n == p))
            .map_or(0, |p| p + 1);
        cols.insert(after, (name.clone(), *kind));
    }
    cols
}

/// How a member column's values are cut.
fn kind_of(column: &str) -> ValueKind {
    match column {
        "name" => ValueKind::Name,
        "dob" => ValueKind::Date,
        "gender" => ValueKind::Gender,
        "id_number" => ValueKind::Id,
        "relation" => ValueKind::Relation,
        _ => ValueKind::Text,
    }
}

/// A row's tokens after its number: the number is often misread with a ruling beside it
/// ("{1", "I3", "| 1") or read as marks alone ("`", "_-"), and is never a value.
fn after_number(line: &[Token]) -> &[Token] {
    let junk = |t: &Token| !t.text.chars().any(char::is_alphanumeric);
    let lead = line
        .iter()
        .take(LEAD_TOKENS)
        .take_while(|t| junk(t) || is_row_number(&t.text))
        .count();
    &line[lead..]
}

/// A short token that holds a digit and no name: a row number, however misread.
fn is_row_number(token: &str) -> bool {
    let chars = token.chars().count();
    chars <= 3
        && token
            .chars()
            .any(|c| c.is_ascii_digit() || digit(c).is_some())
        && {
            let letters = token.chars().filter(|c| c.is_alphabetic()).count();
            letters < chars || chars == 1
        }
}

/// One row: each column takes its tokens in turn, up to where the next column's value
/// starts.
fn row(tokens: &[Token], columns: &[(String, ValueKind)]) -> Vec<(String, Cut)> {
    let mut out = Vec::new();
    let mut at = 0;
    for (i, (name, kind)) in columns.iter().enumerate() {
        let next = columns.get(i + 1).map(|c| c.1);
        let end = match kind {
            ValueKind::Name | ValueKind::Text | ValueKind::Relation => (at..tokens.len())
                .find(|&j| j > at && next.is_some_and(|n| starts(n, &tokens[j].text)))
                .unwrap_or(tokens.len()),
            _ => tokens.len(),
        };
        if at >= tokens.len() {
            break;
        }
        if let Some(c) = cut(*kind, &tokens[at..end]) {
            at = tokens
                .iter()
                .position(|t| t.range.start >= c.range.end)
                .unwrap_or(tokens.len());
            out.push((name.clone(), c));
        } else if matches!(
            kind,
            ValueKind::Name | ValueKind::Text | ValueKind::Relation
        ) {
            at = end;
        } else if !next.is_some_and(|n| starts(n, &tokens[at].text)) {
            // A cell too garbled to be its column's value ("1670671980" for 16/06/1980) is
            // passed over, so that the columns after it still find theirs.
            at += 1;
        }
    }
    out
}

/// Whether `token` can open a value of `kind`.
fn starts(kind: ValueKind, token: &str) -> bool {
    match kind {
        ValueKind::Date => date(token).is_some(),
        ValueKind::Id | ValueKind::Phone => {
            token.chars().any(|c| c.is_ascii_digit()) && token.chars().all(|c| digit(c).is_some())
        }
        ValueKind::Gender => matches!(fold(token).trim_end_matches([',', '.']), "nam" | "nu"),
        ValueKind::Name => token.chars().next().is_some_and(char::is_uppercase),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::super::forms::Forms;
    use super::super::text::tests::words;
    use super::*;

    fn rows(form: &str, lines: &[&str]) -> Vec<Vec<(String, String)>> {
        let forms = Forms::built_in();
        let def = forms.forms.iter().find(|f| f.id == form).unwrap();
        let w = words(lines);
        let page = PageText::new(&w);
        read(&page, def.table.as_ref().unwrap())
            .into_iter()
            .map(|r| r.into_iter().map(|(n, c)| (n, c.value)).collect())
            .collect()
    }

    #[test]
    fn rows_are_cut_in_the_headers_column_order() {
        let r = rows(
            "household",
            &[
                "TT Họ và tên Ngày sinh Giới tính Quan hệ Số định danh",
                "1 Nguyễn Mỹ Phương 26/02/1961 Nữ Chủ hộ 001161039771",
                "2 Lý Hữu Khoa 14/01/1963 Nam Chồng 001063453431",
                "Tổng số thành viên: 2 người.",
            ],
        );
        assert_eq!(r.len(), 2);
        let want = [
            ("name", "Lý Hữu Khoa"),
            ("dob", "14/01/1963"),
            ("gender", "Nam"),
            ("relation", "Chồng"),
            ("id_number", "001063453431"),
        ];
        let got: Vec<(&str, &str)> = r[1].iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn the_standard_extract_reads_relation_last() {
        let r = rows(
            "household",
            &[
                "TT Họ, chữ đệm và tên Ngày, tháng, năm sinh Giới tính Số định danh cá nhân Quan hệ với chủ hộ",
                "1 Lê Xuân Quyết 13/09/1945 Nam 027045115971 Chủ hộ",
            ],
        );
        let relation = r[0]
            .iter()
            .find(|(n, _)| n == "relation")
            .map(|(_, v)| v.as_str());
        assert_eq!(relation, Some("Chủ hộ"));
        assert_eq!(r[0].len(), 5);
    }

    #[test]
    fn a_row_number_read_as_marks_and_a_garbled_cell_are_left_out() {
        let r = rows(
            "household",
            &[
                "TT Họ và tên Ngày sinh Giới tính Số định danh Quan hệ",
                "` Lê Xuân Quyết 13/09/1945 Nam 027045115971 Chủ hộ",
                "_- Trần Thị Hoa 02/03/1950 Nữ 027150000123 Vợ",
                "| 3 Lê Văn An 01/01/1980 Nam 027080000456 Con",
                "4 Lê Văn Ba 1670671980 Nam 027080000789 Con",
            ],
        );
        let names: Vec<&str> = r
            .iter()
            .filter_map(|row| row.iter().find(|(n, _)| n == "name"))
            .map(|(_, v)| v.as_str())
            .collect();
        assert_eq!(
            names,
            ["Lê Xuân Quyết", "Trần Thị Hoa", "Lê Văn An", "Lê Văn Ba"]
        );
        // The garbled date is left out; the columns after it are read.
        let last: Vec<&str> = r[3].iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(last, ["name", "gender", "id_number", "relation"]);
    }

    #[test]
    fn a_header_wrapped_over_lines_still_gives_every_column() {
        // The first line of a three-line header: "Ngày, tháng, năm sinh" and "Giới tính"
        // wrap, so only the name, ID and relation labels are whole on it.
        let r = rows(
            "household",
            &[
                "TT Họ, chữ đệm và tên Ngày, tháng, Giới Số định danh cá Quan hệ",
                "năm sinh tính nhân với chủ hộ",
                "1 Lê Xuân Quyết 13/09/1945 Nam 027045115971 Chủ hộ",
                "2 Trần Thị Hoa 02/03/1950 Nữ 027150000123 Vợ",
            ],
        );
        assert_eq!(r.len(), 2);
        let got: Vec<(&str, &str)> = r[1].iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
        let want = [
            ("name", "Trần Thị Hoa"),
            ("dob", "02/03/1950"),
            ("gender", "Nữ"),
            ("id_number", "027150000123"),
            ("relation", "Vợ"),
        ];
        assert_eq!(got, want);
    }
}
