//! Thin rulings on a page left slightly tilted. A page within deskew's dead band keeps its
//! tilt, and on a warped scan a part of the page does whatever deskew did: a ruling one or
//! two pixels thick then steps a row every 30 to 60 pixels, so no row holds a run as long
//! as a ruling, and the box tops and bottoms of a comb go unseen with its sides. Runs too
//! short to be rulings alone are chained here with the runs on the rows next to them; a
//! chain as long as a ruling, as thin as one and about level is a ruling.

/// A run of ink on one row: columns x0..x1 (end excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub y: usize,
    pub x0: usize,
    pub x1: usize,
}

/// Pixels by which runs on adjacent rows may miss each other and still chain.
const TOUCH: usize = 3;
/// Steepest chain taken for a ruling: 3° (a tilt the dead band and a warp leave), as rows
/// climbed per column.
const MAX_SLOPE: f32 = 0.052;

/// The chains of `pieces` (in row order, each row left to right, as a row scan gives them)
/// that make rulings: pieces on adjacent rows, overlapping or touching, whose columns span
/// at least `min_len`, whose rows climb no more than [`MAX_SLOPE`], and that hold no more
/// ink than a line `max_thick` rows thick along them (a text line whose letters run
/// together holds far more). Vertical rulings are found the same way on pieces of columns,
/// rows and columns swapped.
pub fn rulings(pieces: &[Piece], min_len: usize, max_thick: usize) -> Vec<Vec<Piece>> {
    let mut chains = Chains::new(pieces.len());
    let mut above = 0..0;
    let mut i = 0;
    while i < pieces.len() {
        let y = pieces[i].y;
        let row = i..(i..pieces.len())
            .find(|&j| pieces[j].y != y)
            .unwrap_or(pieces.len());
        if above.start < above.end && pieces[above.start].y + 1 == y {
            link_rows(pieces, above.clone(), row.clone(), &mut chains);
        }
        i = row.end;
        above = row;
    }
    let mut spans: std::collections::HashMap<usize, Span> = Default::default();
    for (k, p) in pieces.iter().enumerate() {
        spans
            .entry(chains.root(k))
            .or_insert_with(|| Span::of(p))
            .add(p);
    }
    let mut kept: std::collections::BTreeMap<usize, Vec<Piece>> = Default::default();
    for (k, p) in pieces.iter().enumerate() {
        let root = chains.root(k);
        if spans[&root].is_ruling(min_len, max_thick) {
            kept.entry(root).or_default().push(*p);
        }
    }
    kept.into_values().collect()
}

/// Chain each piece of row `below` with the pieces of the row above it that it touches.
fn link_rows(
    pieces: &[Piece],
    above: std::ops::Range<usize>,
    below: std::ops::Range<usize>,
    chains: &mut Chains,
) {
    let mut from = above.start;
    for b in below {
        let p = pieces[b];
        while from < above.end && pieces[from].x1 + TOUCH < p.x0 {
            from += 1;
        }
        let mut a = from;
        while a < above.end && pieces[a].x0 <= p.x1 + TOUCH {
            chains.join(a, b);
            a += 1;
        }
    }
}

/// The extent and ink of one chain.
#[derive(Debug, Clone, Copy)]
struct Span {
    x0: usize,
    x1: usize,
    y0: usize,
    y1: usize,
    ink: usize,
}

impl Span {
    fn of(p: &Piece) -> Span {
        Span {
            x0: p.x0,
            x1: p.x1,
            y0: p.y,
            y1: p.y,
            ink: 0,
        }
    }

    fn add(&mut self, p: &Piece) {
        self.x0 = self.x0.min(p.x0);
        self.x1 = self.x1.max(p.x1);
        self.y0 = self.y0.min(p.y);
        self.y1 = self.y1.max(p.y);
        self.ink += p.x1 - p.x0;
    }

    fn is_ruling(&self, min_len: usize, max_thick: usize) -> bool {
        let len = self.x1 - self.x0;
        let rows = self.y1 - self.y0 + 1;
        len >= min_len
            && rows > 1
            && (rows as f32) <= len as f32 * MAX_SLOPE + max_thick as f32
            && self.ink <= len * max_thick
    }
}

/// Union–find over piece indices.
struct Chains {
    parent: Vec<usize>,
}

impl Chains {
    fn new(n: usize) -> Chains {
        Chains {
            parent: (0..n).collect(),
        }
    }

    fn root(&mut self, mut k: usize) -> usize {
        while self.parent[k] != k {
            self.parent[k] = self.parent[self.parent[k]];
            k = self.parent[k];
        }
        k
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thin line from (x, y) rightwards, climbing a row every `step` columns.
    fn stepped(x: usize, y: usize, len: usize, step: usize) -> Vec<Piece> {
        (0..len.div_ceil(step))
            .map(|k| Piece {
                y: y - k,
                x0: x + k * step,
                x1: (x + (k + 1) * step).min(x + len),
            })
            .collect()
    }

    fn sorted(mut p: Vec<Piece>) -> Vec<Piece> {
        p.sort_by_key(|p| (p.y, p.x0));
        p
    }

    #[test]
    fn a_thin_line_tilted_one_degree_is_a_ruling() {
        let pieces = sorted(stepped(100, 500, 600, 57));
        assert_eq!(rulings(&pieces, 94, 8), vec![pieces]);
    }

    #[test]
    fn short_or_steep_chains_and_text_are_no_rulings() {
        // 80 columns: shorter than a ruling.
        let short = sorted(stepped(100, 500, 80, 20));
        assert!(rulings(&short, 94, 8).is_empty());
        // A 12° stroke.
        let steep = sorted(stepped(100, 500, 300, 5));
        assert!(rulings(&steep, 94, 8).is_empty());
        // A line of text whose letters ran together: 24 rows of long runs.
        let blob: Vec<Piece> = (0..24)
            .map(|y| Piece {
                y: 300 + y,
                x0: 100,
                x1: 220,
            })
            .collect();
        assert!(rulings(&blob, 94, 8).is_empty());
    }
}
