//! Word-level alignment of two texts of one page: the reading and a reviewer's correction.
//! Used to say what a correction changed (`sohoa show`'s review history) and to carry the
//! corrected words onto the boxes of the words they replace (`pdfa`'s text layer).
//!
//! A correction usually mends a few words of a page of hundreds, so the common head and
//! tail are set aside first and only the rest is aligned, by a longest common subsequence
//! of words; past [`MAX_CELLS`] the rest is taken as one change rather than spending
//! quadratic time and memory on it.

use std::ops::Range;

/// Largest alignment table (words of one side times the other's) computed.
const MAX_CELLS: usize = 1 << 22;

/// Old words `old` (indexes into the first text's words) replaced by new words `new`; one
/// side may be empty (an insertion or a deletion).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub old: Range<usize>,
    pub new: Range<usize>,
}

/// The changes that turn `old` into `new`, in order; none when they are the same words.
pub fn changes(old: &[&str], new: &[&str]) -> Vec<Change> {
    let head = old.iter().zip(new).take_while(|(a, b)| a == b).count();
    let tail = old[head..]
        .iter()
        .rev()
        .zip(new[head..].iter().rev())
        .take_while(|(a, b)| a == b)
        .count();
    let (a, b) = (&old[head..old.len() - tail], &new[head..new.len() - tail]);
    if a.is_empty() && b.is_empty() {
        return Vec::new();
    }
    if a.len().saturating_mul(b.len()) > MAX_CELLS {
        return vec![Change {
            old: head..head + a.len(),
            new: head..head + b.len(),
        }];
    }
    let mut out = Vec::new();
    let (mut i, mut j) = (0, 0);
    for (mi, mj) in common(a, b).into_iter().chain([(a.len(), b.len())]) {
        if mi > i || mj > j {
            out.push(Change {
                old: head + i..head + mi,
                new: head + j..head + mj,
            });
        }
        (i, j) = (mi + 1, mj + 1);
    }
    out
}

/// The pairs `(i, j)` of a longest common subsequence of `a` and `b`, in order.
fn common(a: &[&str], b: &[&str]) -> Vec<(usize, usize)> {
    let width = b.len() + 1;
    // lengths[i * width + j]: the longest common subsequence of a[i..] and b[j..].
    let mut lengths = vec![0u32; (a.len() + 1) * width];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lengths[i * width + j] = if a[i] == b[j] {
                lengths[(i + 1) * width + j + 1] + 1
            } else {
                lengths[(i + 1) * width + j].max(lengths[i * width + j + 1])
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            pairs.push((i, j));
            (i, j) = (i + 1, j + 1);
        } else if lengths[(i + 1) * width + j] >= lengths[i * width + j + 1] {
            i += 1;
        } else {
            j += 1;
        }
    }
    pairs
}

/// What a correction of `before` into `after` changed, as two short texts: the words it
/// replaced and the words it put in, each change's words joined by spaces and the changes
/// by " … ". Both empty when only spacing or line breaks changed.
pub fn changed_words(before: &str, after: &str) -> (String, String) {
    let old: Vec<&str> = before.split_whitespace().collect();
    let new: Vec<&str> = after.split_whitespace().collect();
    let found = changes(&old, &new);
    let side = |words: &[&str], pick: fn(&Change) -> Range<usize>| {
        found
            .iter()
            .map(|c| words[pick(c)].join(" "))
            .collect::<Vec<_>>()
            .join(" … ")
    };
    (side(&old, |c| c.old.clone()), side(&new, |c| c.new.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<&str> {
        text.split_whitespace().collect()
    }

    #[test]
    fn a_replaced_word_is_one_change() {
        let found = changes(
            &words("Nơi cư trú: xã Hòa Bình"),
            &words("Nơi cư trú: xã Hòa Bính"),
        );
        assert_eq!(
            found,
            vec![Change {
                old: 5..6,
                new: 5..6
            }]
        );
    }

    #[test]
    fn insertions_deletions_and_far_apart_changes_are_each_named() {
        let (before, after) = changed_words(
            "Họ và tên Nguyen Van A sinh ngày 01/02/1980 tại Hà Nội",
            "Họ và tên Nguyễn Văn A sinh ngày 01/02/1980 tại thành phố Hà Nội",
        );
        assert_eq!(before, "Nguyen Van … ");
        assert_eq!(after, "Nguyễn Văn … thành phố");
        assert_eq!(changed_words("a b c", "a c"), ("b".into(), String::new()));
        assert_eq!(
            changed_words("a  b\nc", "a b c"),
            (String::new(), String::new())
        );
    }

    #[test]
    fn an_alignment_too_large_to_compute_is_one_change() {
        let old: Vec<String> = (0..3000).map(|i| format!("w{i}")).collect();
        let new: Vec<String> = (0..3000).map(|i| format!("v{i}")).collect();
        let old: Vec<&str> = old.iter().map(String::as_str).collect();
        let new: Vec<&str> = new.iter().map(String::as_str).collect();
        assert_eq!(
            changes(&old, &new),
            vec![Change {
                old: 0..3000,
                new: 0..3000
            }]
        );
    }
}
