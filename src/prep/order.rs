//! Reading order: the page's words put in the order a person reads them, and numbered into
//! blocks and lines so that the page text follows it.
//!
//! The engine's layout analysis reads a page block by block, and it takes some things for
//! blocks that are not: the columns of a ruled table, and the two halves of a form's line
//! ("2. Ngày sinh: … 3. Giới tính: …"). So:
//! - a ruled table (see `table.rs`) is read row by row, one line per row;
//! - lines of the engine that stand side by side on one row are read as one line, left to
//!   right;
//! - except where rows side by side form two columns: a gap that runs down two or more
//!   rows in a row, with text on both sides of it (the national header beside the issuing
//!   office, the signatures at the foot). There the left column is read, then the right.
//!
//! Everything else keeps its place from top to bottom.

use crate::model::Word;

use super::comb;
use super::complete::Rect;
use super::lines::Rulings;
use super::table;
pub use super::table::Table;

/// Rows further apart than this many line heights do not make one column block.
const NEAR_ROWS: f32 = 1.5;
/// Narrowest gap between two columns, in line heights: wider than any space between words
/// of justified text.
const MIN_GUTTER: f32 = 1.5;

/// A line of the engine (or a table row): its words and their box.
#[derive(Debug, Clone)]
struct Item {
    words: Vec<Word>,
    left: u32,
    right: u32,
    top: u32,
    bottom: u32,
}

impl Item {
    fn of(mut words: Vec<Word>) -> Item {
        words.sort_by_key(|w| w.left);
        let left = words.iter().map(|w| w.left).min().unwrap_or(0);
        let right = words.iter().map(|w| w.left + w.width).max().unwrap_or(0);
        let top = words.iter().map(|w| w.top).min().unwrap_or(0);
        let bottom = words.iter().map(|w| w.top + w.height).max().unwrap_or(0);
        Item {
            words,
            left,
            right,
            top,
            bottom,
        }
    }

    fn height(&self) -> u32 {
        self.bottom.saturating_sub(self.top).max(1)
    }
}

/// A unit of the output: lines read one after another, with where it starts on the page.
struct Unit {
    top: u32,
    /// Where its last line ends, while the next rows of the page may still join it (a run
    /// of rows); `None` for a column or a table.
    open_bottom: Option<u32>,
    lines: Vec<Vec<Word>>,
}

/// The words of a page in reading order, renumbered: each unit (a run of rows, a column, a
/// table) one block, each of its lines one line.
pub fn reorder(words: Vec<Word>, tables: &[Table]) -> Vec<Word> {
    let original = words.clone();
    let (mut in_tables, rest) = split(words, tables);
    let line = median_word_height(&rest);
    let items = lines_of(rest, (MIN_GUTTER * line as f32) as u32);
    let mut units = outside_tables(items, line);
    for (t, words) in tables.iter().zip(in_tables.drain(..)) {
        if words.is_empty() {
            continue;
        }
        units.push(Unit {
            top: t.top() as u32,
            open_bottom: None,
            lines: t.rows_of(words),
        });
    }
    units.sort_by_key(|u| u.top);
    let ordered = number(units);
    // Where the order does not change, the engine's own blocks and lines stay as they are.
    let same = ordered.len() == original.len()
        && ordered
            .iter()
            .zip(&original)
            .all(|(a, b)| (a.left, a.top) == (b.left, b.top));
    if same {
        original
    } else {
        ordered
    }
}

/// The ruled tables of a page (see `table.rs`), leaving out boxes of digits.
pub fn tables(rulings: &Rulings, px_per_mm: f32) -> Vec<Table> {
    let combs: Vec<Rect> = comb::find(&rulings.vertical)
        .into_iter()
        .map(|c| c.outer)
        .collect();
    table::find(&rulings.horizontal, &rulings.vertical, &combs, px_per_mm)
}

/// The words inside each table, and the rest.
fn split(words: Vec<Word>, tables: &[Table]) -> (Vec<Vec<Word>>, Vec<Word>) {
    let mut inside = vec![Vec::new(); tables.len()];
    let mut rest = Vec::new();
    for w in words {
        match tables.iter().position(|t| t.holds(&w)) {
            Some(i) => inside[i].push(w),
            None => rest.push(w),
        }
    }
    (inside, rest)
}

/// The engine's lines, in its order, each cut where its words stand further apart than
/// `gutter` (the engine sometimes runs a line on across the gap between two columns).
fn lines_of(words: Vec<Word>, gutter: u32) -> Vec<Item> {
    let mut lines: Vec<((u32, u32, u32), Vec<Word>)> = Vec::new();
    for w in words {
        let key = (w.block, w.paragraph, w.line);
        match lines.iter_mut().rev().find(|(k, _)| *k == key) {
            Some((_, l)) => l.push(w),
            None => lines.push((key, vec![w])),
        }
    }
    let mut items = Vec::new();
    for (_, mut line) in lines {
        line.sort_by_key(|w| w.left);
        let mut piece: Vec<Word> = Vec::new();
        for w in line {
            let apart = piece
                .last()
                .is_some_and(|p| w.left >= p.left + p.width + gutter);
            if apart {
                items.push(Item::of(std::mem::take(&mut piece)));
            }
            piece.push(w);
        }
        if !piece.is_empty() {
            items.push(Item::of(piece));
        }
    }
    items
}

/// Lines on one row of the page: each overlaps the row's extent by half its height. Only
/// lines of about a line's height make the extent, so that a tall mark (a remnant of a
/// ruling read as "|", a bracket) cannot chain several rows into one.
fn rows_of(mut items: Vec<Item>, line: u32) -> Vec<Vec<Item>> {
    items.sort_by_key(|i| (i.top + i.bottom) / 2);
    let tall = |i: &Item| i.height() > 2 * line;
    let mut rows: Vec<(u32, u32, Vec<Item>)> = Vec::new();
    for item in items {
        let joins = rows.last().is_some_and(|(top, bottom, row)| {
            let overlap = (*bottom)
                .min(item.bottom)
                .saturating_sub((*top).max(item.top));
            // Lines that overlap along the page are one above the other, however close.
            let beside = row
                .iter()
                .all(|i| i.right <= item.left || item.right <= i.left);
            beside && 2 * overlap >= item.height().min(bottom.saturating_sub(*top))
        });
        match rows.last_mut() {
            Some((top, bottom, row)) if joins => {
                if !tall(&item) {
                    *top = (*top).min(item.top);
                    *bottom = (*bottom).max(item.bottom);
                }
                row.push(item);
            }
            _ => rows.push((item.top, item.bottom, vec![item])),
        }
    }
    rows.into_iter()
        .map(|(_, _, mut row)| {
            row.sort_by_key(|i| i.left);
            row
        })
        .collect()
}

/// The gaps of a row at least `min` wide: x-ranges between two of its lines.
fn gaps(row: &[Item], min: u32) -> Vec<(u32, u32)> {
    row.windows(2)
        .filter(|p| p[1].left >= p[0].right + min)
        .map(|p| (p[0].right, p[1].left))
        .collect()
}

fn top(row: &[Item]) -> u32 {
    row.iter().map(|i| i.top).min().unwrap_or(0)
}

fn bottom(row: &[Item]) -> u32 {
    row.iter().map(|i| i.bottom).max().unwrap_or(0)
}

/// Units of the page outside its tables: rows top to bottom, a row's lines read as one
/// line, and column blocks read column by column.
fn outside_tables(items: Vec<Item>, line: u32) -> Vec<Unit> {
    let line = line as f32;
    let rows = rows_of(items, line as u32);
    let near =
        |a: &[Item], b: &[Item]| (top(b).saturating_sub(bottom(a)) as f32) <= NEAR_ROWS * line;
    let min_gutter = (MIN_GUTTER * line) as u32;
    let mut units = Vec::new();
    let mut i = 0;
    while i < rows.len() {
        if let Some((end, gutter)) = column_block(&rows, i, min_gutter, &near) {
            // Rows below that keep to one side belong to the columns (a third line of the
            // issuing office under the national header); a row above does not (the date
            // above the signatures comes before them).
            let end = extend_down(&rows, end, gutter, &near);
            if centred_side(&rows[i..=end], gutter, line) {
                units.extend(columns(&rows[i..=end], gutter));
                i = end + 1;
                continue;
            }
        }
        let row = &rows[i];
        let words: Vec<Word> = row.iter().flat_map(|it| it.words.clone()).collect();
        let (row_top, row_bottom) = (top(row), bottom(row));
        match units.last_mut() {
            Some(u)
                if u.open_bottom
                    .is_some_and(|b| (row_top.saturating_sub(b) as f32) <= NEAR_ROWS * line) =>
            {
                u.lines.push(words);
                u.open_bottom = Some(row_bottom);
            }
            _ => units.push(Unit {
                top: row_top,
                open_bottom: Some(row_bottom),
                lines: vec![words],
            }),
        }
        i += 1;
    }
    units
}

/// The last row and the gutter of a column block starting at row `i`: a gap with text on
/// both sides that the next rows share. Rows of a block have one gap each: rows with more
/// are the columns of a table without rulings, read row by row.
fn column_block(
    rows: &[Vec<Item>],
    i: usize,
    min_gutter: u32,
    near: &impl Fn(&[Item], &[Item]) -> bool,
) -> Option<(usize, (u32, u32))> {
    let one_gap = |row: &[Item]| {
        let g = gaps(row, min_gutter);
        (g.len() == 1).then(|| g[0])
    };
    if let Some(gap) = one_gap(&rows[i]) {
        let mut shared = gap;
        let mut end = i;
        while end + 1 < rows.len() && near(&rows[end], &rows[end + 1]) {
            let next = one_gap(&rows[end + 1])
                .map(|g| (g.0.max(shared.0), g.1.min(shared.1)))
                .filter(|g| g.1 >= g.0 + min_gutter);
            match next {
                Some(g) => {
                    shared = g;
                    end += 1;
                }
                None => break,
            }
        }
        if end > i {
            return Some((end, shared));
        }
    }
    None
}

/// Whether a row has no line across the gutter's middle.
fn clear_of(row: &[Item], gutter: (u32, u32)) -> bool {
    let mid = (gutter.0 + gutter.1) / 2;
    row.iter().all(|it| it.right <= mid || it.left >= mid)
}

/// The last row of the block: rows just below that keep clear of the gutter.
fn extend_down(
    rows: &[Vec<Item>],
    end: usize,
    gutter: (u32, u32),
    near: &impl Fn(&[Item], &[Item]) -> bool,
) -> usize {
    let mut end = end;
    while end + 1 < rows.len()
        && near(&rows[end], &rows[end + 1])
        && clear_of(&rows[end + 1], gutter)
    {
        end += 1;
    }
    end
}

/// Whether a side of a column block is set centred, as the national header, an issuing
/// office and signatures are: its lines' middles line up better than their starts. Both
/// sides set from the left are a form's fields at two tab stops, read row by row.
fn centred_side(rows: &[Vec<Item>], gutter: (u32, u32), line: f32) -> bool {
    let mid = (gutter.0 + gutter.1) / 2;
    [true, false].into_iter().any(|left| {
        let spans: Vec<(u32, u32)> = rows
            .iter()
            .filter_map(|row| {
                let side: Vec<&Item> = row.iter().filter(|it| (it.right <= mid) == left).collect();
                let l = side.iter().map(|it| it.left).min()?;
                let r = side.iter().map(|it| it.right).max()?;
                Some((l, r))
            })
            .collect();
        let spread = |v: Vec<u32>| {
            v.iter().max().copied().unwrap_or(0) - v.iter().min().copied().unwrap_or(0)
        };
        let starts = spread(spans.iter().map(|s| s.0).collect()) as f32;
        let middles = spread(spans.iter().map(|s| (s.0 + s.1) / 2).collect()) as f32;
        spans.len() >= 2 && starts > line && 2.0 * middles < starts
    })
}

/// A column block's two columns: the left one's lines top to bottom, then the right one's.
fn columns(rows: &[Vec<Item>], gutter: (u32, u32)) -> Vec<Unit> {
    let mid = (gutter.0 + gutter.1) / 2;
    let side = |left: bool| -> Unit {
        let lines: Vec<Vec<Word>> = rows
            .iter()
            .flat_map(|row| row.iter().filter(move |it| (it.right <= mid) == left))
            .map(|it| it.words.clone())
            .collect();
        Unit {
            top: rows.first().map_or(0, |r| top(r)),
            open_bottom: None,
            lines,
        }
    };
    vec![side(true), side(false)]
        .into_iter()
        .filter(|u| !u.lines.is_empty())
        .collect()
}

/// The page's line height: the median height of its words.
fn median_word_height(words: &[Word]) -> u32 {
    let mut h: Vec<u32> = words.iter().map(|w| w.height.max(1)).collect();
    h.sort_unstable();
    h.get(h.len() / 2).copied().unwrap_or(1)
}

/// The units' words with their new block and line numbers. Inside a unit, a line starts a
/// new paragraph where the engine's paragraph changes, so that paragraphs it found stay.
fn number(units: Vec<Unit>) -> Vec<Word> {
    let mut out = Vec::new();
    for (b, unit) in units.into_iter().enumerate() {
        let mut paragraph = 0;
        let mut last = None;
        for (l, line) in unit.lines.into_iter().enumerate() {
            let engine = line.first().map(|w| (w.block, w.paragraph));
            if engine != last {
                paragraph += 1;
                last = engine;
            }
            for mut w in line {
                w.block = b as u32 + 1;
                w.paragraph = paragraph;
                w.line = l as u32 + 1;
                out.push(w);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, left: u32, top: u32, block: u32) -> Word {
        Word {
            text: text.into(),
            confidence: 90.0,
            left,
            top,
            width: 20 * text.chars().count() as u32,
            height: 30,
            block,
            paragraph: 1,
            line: top,
        }
    }

    fn text(words: Vec<Word>) -> String {
        super::super::text::render(&reorder(words, &[]))
    }

    #[test]
    fn two_fields_on_one_line_read_as_one_line() {
        // The engine made a column of the right-hand field.
        let words = vec![
            word("1.Họ:An", 100, 100, 1),
            word("2.Sinh:1990", 100, 150, 1),
            word("4.Số:0123", 100, 200, 1),
            word("3.Giới:Nữ", 900, 150, 2),
        ];
        assert_eq!(text(words), "1.Họ:An\n2.Sinh:1990 3.Giới:Nữ\n4.Số:0123\n");
    }

    #[test]
    fn a_centred_header_beside_another_is_read_column_by_column() {
        // One engine line runs across both headers, as the engine often reads them.
        let words = vec![
            word("UBND", 160, 100, 1),
            word("CỘNG-HÒA-XÃ-HỘI", 800, 100, 1),
            word("PHƯỜNG-AN", 110, 150, 1),
            word("Độc-lập", 900, 150, 1),
            word("Số:1/QĐ", 130, 200, 1),
            word("Hà-Nội,-ngày-1", 830, 200, 1),
        ];
        assert_eq!(
            text(words),
            "UBND\nPHƯỜNG-AN\nSố:1/QĐ\n\nCỘNG-HÒA-XÃ-HỘI\nĐộc-lập\nHà-Nội,-ngày-1\n"
        );
    }

    #[test]
    fn fields_at_two_tab_stops_read_row_by_row() {
        let words = vec![
            word("Số:5233", 100, 100, 1),
            word("Sổ-đăng-ký:13", 100, 150, 1),
            word("Hồ-sơ:51", 900, 100, 2),
            word("Tờ:57", 900, 150, 2),
        ];
        assert_eq!(text(words), "Số:5233 Hồ-sơ:51\nSổ-đăng-ký:13 Tờ:57\n");
    }

    #[test]
    fn a_tall_mark_does_not_join_the_rows_it_spans() {
        let mut bar = word("|", 50, 100, 3);
        bar.height = 140;
        let words = vec![
            word("một", 100, 100, 1),
            word("hai", 100, 150, 1),
            word("ba", 100, 200, 1),
            bar,
        ];
        assert_eq!(text(words), "một\n\n| hai\n\nba\n");
    }
}
