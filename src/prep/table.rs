//! Ruled tables read row by row. The engine's layout analysis takes a table's columns for
//! columns of text and reads them one after another, so a household member's name, date of
//! birth and ID number end up far apart in the text. The rulings that cleaning found give
//! the grid: rows lie between horizontal rulings, cells between the vertical rulings that
//! cross a row, and the words are put in their cells by where their centres fall.

use crate::model::Word;

use super::complete::Rect;
use super::lines::{Across, Segment};

/// Vertical rulings closer than this (mm) are one column rule; column rules this close to
/// the table's side are its side.
const EDGE_MM: f32 = 4.0;
/// A ruling belongs to a table when the two overlap for at least this share of the longer
/// of the ruling and the table's width: a ruling broken by the scan still bounds a row,
/// while a short underline or the borders of a box of digits above the table do not, and
/// a table's rulings do not join a box's.
const ALONG: f32 = 0.6;
/// Rulings closer than this (mm) are one ruling drawn double or broken by the scan.
const DOUBLE_MM: f32 = 1.5;
/// A table row is never taller than this (mm): past it two rulings belong to two tables.
const MAX_ROW_MM: f32 = 45.0;
/// A band at least this many times as tall as the table's lowest may hold several rows.
const SEVERAL_ROWS: f32 = 2.5;
/// Fewest horizontal rulings of a table (a header row and one row): a box of digits or a
/// framed field has two.
const MIN_ACROSS: usize = 3;
/// Fewest vertical rulings crossing a table (its two sides and one column rule).
const MIN_DOWN: usize = 3;

/// A ruled table: its row boundaries (y, top to bottom) and, per row, its cell boundaries
/// (x, left to right).
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub left: usize,
    pub right: usize,
    rows: Vec<usize>,
    cells: Vec<Vec<usize>>,
}

impl Table {
    pub fn top(&self) -> usize {
        self.rows[0]
    }

    fn bottom(&self) -> usize {
        self.rows[self.rows.len() - 1]
    }

    fn overlaps(&self, other: &Table) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top() < other.bottom()
            && other.top() < self.bottom()
    }

    /// The cells, inside their rulings (`inset` pixels in), that hold no word's centre:
    /// the engine drops short words that stand alone in a column ("Nữ", "Nam").
    pub fn empty_cells(&self, words: &[Word], inset: usize) -> Vec<Rect> {
        let mut out = Vec::new();
        for (row, bounds) in self.cells.iter().enumerate() {
            let (y0, y1) = (
                self.rows[row] + inset,
                self.rows[row + 1].saturating_sub(inset),
            );
            let mut xs = vec![self.left];
            xs.extend(bounds);
            xs.push(self.right);
            for pair in xs.windows(2) {
                let (x0, x1) = (pair[0] + inset, pair[1].saturating_sub(inset));
                if x1 <= x0 || y1 <= y0 {
                    continue;
                }
                let taken = words.iter().any(|w| {
                    let (cx, cy) = centre(w);
                    (x0..x1).contains(&cx) && (y0..y1).contains(&cy)
                });
                if !taken {
                    out.push((x0, y0, x1 - x0, y1 - y0));
                }
            }
        }
        out
    }

    /// Whether the word's centre lies inside the table.
    pub fn holds(&self, w: &Word) -> bool {
        let (cx, cy) = centre(w);
        cx >= self.left && cx < self.right && cy >= self.top() && cy < self.bottom()
    }

    /// The table's words, one line per row: the cells left to right, each cell's words in
    /// its own lines top to bottom. A band between two rulings that holds several rows (a
    /// table ruled only every few rows, or a ruling too faint to be found) is cut where a
    /// line of text starts in most of its cells; a line in fewer cells continues a cell of
    /// the row above ("Hộ cận / nghèo"). Only bands [`SEVERAL_ROWS`] times as tall as the
    /// table's lowest are cut: a header whose cells wrap onto two or three lines is one row.
    pub fn rows_of(&self, words: Vec<Word>) -> Vec<Vec<Word>> {
        let heights: Vec<usize> = self.rows.windows(2).map(|b| b[1] - b[0]).collect();
        let lowest = heights.iter().copied().min().unwrap_or(0) as f32;
        let mut bands: Vec<Vec<(usize, Word)>> = vec![Vec::new(); self.cells.len()];
        for w in words {
            let (cx, cy) = centre(&w);
            let row = self.rows[1..].iter().position(|&y| cy < y).unwrap_or(0);
            let cell = self.cells[row].iter().take_while(|&&x| x <= cx).count();
            bands[row].push((cell, w));
        }
        bands
            .into_iter()
            .zip(heights)
            .flat_map(|(band, height)| {
                if height as f32 >= SEVERAL_ROWS * lowest {
                    split_band(band)
                } else {
                    vec![band]
                }
            })
            .map(read_cells)
            .filter(|row| !row.is_empty())
            .collect()
    }
}

/// A band's words (with their cells) cut into rows: at each line of text, across the
/// band, that touches nearly as many cells as the fullest line of the band (three in four,
/// and two at least). The wrapped second line of a header ("năm sinh", "tính", "nhân")
/// touches fewer.
fn split_band(words: Vec<(usize, Word)>) -> Vec<Vec<(usize, Word)>> {
    let lines = lines_by_centre(words, |(_, w)| w);
    let touched = |line: &[(usize, Word)]| {
        let mut cells: Vec<usize> = line.iter().map(|(c, _)| *c).collect();
        cells.sort_unstable();
        cells.dedup();
        cells.len()
    };
    let fullest = lines.iter().map(|l| touched(l)).max().unwrap_or(0);
    let need = (3 * fullest).div_ceil(4).max(2);
    // A row starts at each full line but the first: lines before the first one belong to
    // the first row (a cell of three lines set centred starts above the others).
    let mut rows: Vec<Vec<(usize, Word)>> = vec![Vec::new()];
    let mut seen_full = false;
    for line in lines {
        let full = touched(&line) >= need;
        if full && seen_full {
            rows.push(Vec::new());
        }
        seen_full |= full;
        if let Some(row) = rows.last_mut() {
            row.extend(line);
        }
    }
    rows
}

/// A row's words: cells left to right, each cell's words in lines.
fn read_cells(row: Vec<(usize, Word)>) -> Vec<Word> {
    let cells = row.iter().map(|(c, _)| *c).max().map_or(0, |m| m + 1);
    let mut grid: Vec<Vec<Word>> = vec![Vec::new(); cells];
    for (c, w) in row {
        grid[c].push(w);
    }
    grid.into_iter().flat_map(in_lines).collect()
}

fn centre(w: &Word) -> (usize, usize) {
    (
        (w.left + w.width / 2) as usize,
        (w.top + w.height / 2) as usize,
    )
}

/// Words of one cell in reading order: lines by their tops (a word joins the line whose
/// vertical extent holds its centre), words of a line left to right.
pub fn in_lines(words: Vec<Word>) -> Vec<Word> {
    lines_by_centre(words, |w| w)
        .into_iter()
        .flat_map(|mut line| {
            line.sort_by_key(|w| w.left);
            line
        })
        .collect()
}

/// Items cut into lines, top to bottom: an item joins the line whose extent so far holds
/// the centre of its word (`word`).
fn lines_by_centre<T>(mut items: Vec<T>, word: impl Fn(&T) -> &Word) -> Vec<Vec<T>> {
    items.sort_by_key(|i| {
        let w = word(i);
        w.top + w.height / 2
    });
    let mut lines: Vec<(u32, Vec<T>)> = Vec::new();
    for item in items {
        let (cy, end) = {
            let w = word(&item);
            (w.top + w.height / 2, w.top + w.height)
        };
        match lines.last_mut() {
            Some((bottom, line)) if cy < *bottom => {
                *bottom = (*bottom).max(end);
                line.push(item);
            }
            _ => lines.push((end, vec![item])),
        }
    }
    lines.into_iter().map(|(_, line)| line).collect()
}

/// The ruled tables of a page from its rulings, leaving out the rulings of boxes of digits
/// (`combs`): two boxed ID numbers one above the other are no table.
pub fn find(across: &[Across], down: &[Segment], combs: &[Rect], px_per_mm: f32) -> Vec<Table> {
    let edge = (EDGE_MM * px_per_mm) as usize;
    let double = (DOUBLE_MM * px_per_mm) as usize;
    let max_row = (MAX_ROW_MM * px_per_mm) as usize;
    let in_comb = |x0: usize, x1: usize, y0: usize, y1: usize| {
        combs.iter().any(|&(cx, cy, cw, ch)| {
            x0 + edge >= cx && x1 <= cx + cw + edge && y0 + edge >= cy && y1 <= cy + ch + edge
        })
    };
    let down: Vec<Segment> = down
        .iter()
        .filter(|s| !in_comb(s.x0, s.x1, s.y0, s.y1))
        .copied()
        .collect();
    let down = &down[..];
    let mut sorted: Vec<Across> = across
        .iter()
        .filter(|a| !in_comb(a.x0, a.x1, a.y0, a.y1))
        .copied()
        .collect();
    sorted.sort_by_key(|a| a.y0);
    let mut groups: Vec<Vec<Across>> = Vec::new();
    for a in sorted {
        let len = (a.x1 - a.x0) as f32;
        let fits = |g: &Vec<Across>| {
            let (x0, x1) = span(g);
            let overlap = x1.min(a.x1).saturating_sub(x0.max(a.x0)) as f32;
            let last = g[g.len() - 1];
            overlap >= ALONG * len.max((x1 - x0) as f32) && a.y0 <= last.y1 + max_row
        };
        match groups.iter_mut().rev().find(|g| fits(g)) {
            Some(g) if g[g.len() - 1].y1 + double >= a.y0 => {} // the same ruling, doubled
            Some(g) => g.push(a),
            None => groups.push(vec![a]),
        }
    }
    let mut tables: Vec<Table> = groups
        .into_iter()
        .filter(|g| g.len() >= MIN_ACROSS)
        .filter_map(|g| grid(&g, down, edge, (BORDER_MM * px_per_mm) as usize))
        .collect();
    // Pieces of a table's rulings can make a table of their own inside it: the widest
    // table holds the words.
    tables.sort_by_key(|t| std::cmp::Reverse(t.right - t.left));
    let mut kept: Vec<Table> = Vec::new();
    for t in tables {
        if !kept.iter().any(|k| k.overlaps(&t)) {
            kept.push(t);
        }
    }
    kept.sort_by_key(Table::top);
    kept
}

/// How many column rules run down most of the table (from `top` to `bottom`): segments
/// within `edge` of each other along the page are pieces of one rule (broken, or stepping
/// on a slightly tilted page).
fn column_rules(segments: &[&Segment], top: usize, bottom: usize, edge: usize) -> usize {
    let mut xs: Vec<&Segment> = segments.to_vec();
    xs.sort_by_key(|s| s.x0);
    let mut rules = 0;
    let mut i = 0;
    while i < xs.len() {
        let mut j = i + 1;
        while j < xs.len() && xs[j].x0 <= xs[j - 1].x1 + edge {
            j += 1;
        }
        let mut spans: Vec<(usize, usize)> = xs[i..j]
            .iter()
            .map(|s| (s.y0.max(top), s.y1.min(bottom)))
            .filter(|(a, b)| b > a)
            .collect();
        spans.sort_unstable();
        let (mut covered, mut reach) = (0, top);
        for (a, b) in spans {
            let a = a.max(reach);
            if b > a {
                covered += b - a;
                reach = b;
            }
        }
        rules += usize::from(2 * covered >= bottom - top);
        i = j;
    }
    rules
}

/// Leftmost and rightmost column of a group of rulings.
fn span(g: &[Across]) -> (usize, usize) {
    let x0 = g.iter().map(|a| a.x0).min().unwrap_or(0);
    let x1 = g.iter().map(|a| a.x1).max().unwrap_or(0);
    (x0, x1)
}

/// How far a table's column rules may run past its first or last horizontal ruling, in
/// mm, for the table to be taken to end where they do: a faint or broken border.
const BORDER_MM: f32 = 45.0;

/// The grid of a table bounded by the rulings `across`, when enough vertical rulings cross
/// it.
fn grid(across: &[Across], down: &[Segment], edge: usize, reach: usize) -> Option<Table> {
    let (left, right) = span(across);
    let mut rows: Vec<usize> = across.iter().map(|a| (a.y0 + a.y1) / 2).collect();
    let (top, bottom) = (rows[0], rows[rows.len() - 1]);
    let inside: Vec<&Segment> = down
        .iter()
        .filter(|s| s.x0 + edge >= left && s.x1 <= right + edge)
        .filter(|s| s.y1 > top && s.y0 < bottom)
        .collect();
    if column_rules(&inside, top, bottom, edge) < MIN_DOWN {
        return None;
    }
    // Where at least two column rules run on from the outer rulings, the border there was
    // too faint to be found: the table ends with the rules. Only rules that reach the
    // table count (the boxes of an ID number above it do not).
    let mut starts: Vec<usize> = inside
        .iter()
        .filter(|s| s.y0 + edge < top && s.y1 + edge >= top)
        .map(|s| s.y0)
        .collect();
    let mut ends: Vec<usize> = inside
        .iter()
        .filter(|s| s.y1 > bottom + edge && s.y0 <= bottom + edge)
        .map(|s| s.y1)
        .collect();
    starts.sort_unstable();
    ends.sort_unstable_by(|a, b| b.cmp(a));
    if let Some(&y) = starts.get(1).filter(|&&y| top - y <= reach) {
        rows.insert(0, y);
    }
    if let Some(&y) = ends.get(1).filter(|&&y| y - bottom <= reach) {
        rows.push(y);
    }
    let cells: Vec<Vec<usize>> = rows
        .windows(2)
        .map(|band| {
            let (y0, y1) = (band[0], band[1]);
            let mut xs: Vec<usize> = inside
                .iter()
                .filter(|s| 2 * (s.y1.min(y1).saturating_sub(s.y0.max(y0))) >= y1 - y0)
                .map(|s| (s.x0 + s.x1) / 2)
                .filter(|&x| x > left + edge && x + edge < right)
                .collect();
            xs.sort_unstable();
            xs.dedup_by(|a, b| a.abs_diff(*b) <= edge);
            xs
        })
        .collect();
    cells.iter().any(|c| !c.is_empty()).then_some(Table {
        left,
        right,
        rows,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn across(y: usize) -> Across {
        Across {
            x0: 100,
            x1: 900,
            y0: y,
            y1: y + 2,
        }
    }

    fn down(x: usize) -> Segment {
        Segment {
            x0: x,
            x1: x + 2,
            y0: 100,
            y1: 302,
        }
    }

    fn word(text: &str, left: u32, top: u32) -> Word {
        Word {
            text: text.into(),
            confidence: 90.0,
            left,
            top,
            width: 60,
            height: 20,
            block: 1,
            paragraph: 1,
            line: 1,
        }
    }

    #[test]
    fn a_grid_reads_row_by_row_with_cells_of_two_lines() {
        let h = [across(100), across(200), across(300)];
        let v = [down(100), down(400), down(700), down(898)];
        let tables = find(&h, &v, &[], 8.0);
        assert_eq!(tables.len(), 1);
        let t = &tables[0];
        // The engine's column order: the first column, then the second, then the third.
        let words = vec![
            word("STT", 110, 140),
            word("1", 110, 240),
            word("Họ", 410, 140),
            word("tên", 480, 140),
            word("An", 410, 240),
            word("Quan", 710, 130),
            word("hệ", 710, 160),
            word("Con", 710, 240),
        ];
        assert!(words.iter().all(|w| t.holds(w)));
        let text: Vec<String> = t
            .rows_of(words)
            .iter()
            .map(|r| {
                r.iter()
                    .map(|w| w.text.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect();
        assert_eq!(text, ["STT Họ tên Quan hệ", "1 An Con"]);
    }

    #[test]
    fn a_box_of_digits_or_rulings_without_columns_are_no_table() {
        let v = [down(100), down(400), down(700), down(898)];
        assert!(find(&[across(100), across(300)], &v, &[], 8.0).is_empty());
        assert!(find(&[across(100), across(200), across(300)], &[], &[], 8.0).is_empty());
    }
}
