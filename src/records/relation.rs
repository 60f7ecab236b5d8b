//! A relation to the head of household, cut from what the engine read of its cell or after
//! its label: the relations a household record uses form a closed list (the kinship terms
//! of the population database), so the value is the longest of them found, spelled as the
//! list spells it ("Còn" and "CON" are "Con"; "Chú h2" is "Chủ hộ", one letter misread), and
//! whatever else the cell holds (a date or a gender spilt over from the columns before) is
//! left out. A cell holding none of them keeps its text.

use super::values::{Cut, Token};
use crate::search::fold::fold;

/// The relations, longest first where one starts another ("Con dâu" before "Con").
const RELATIONS: [&str; 56] = [
    "Người giúp việc",
    "Người ở nhờ",
    "Cháu ngoại",
    "Cháu nội",
    "Ông ngoại",
    "Bà ngoại",
    "Bố chồng",
    "Mẹ chồng",
    "Cha chồng",
    "Chị dâu",
    "Em dâu",
    "Con dâu",
    "Con rể",
    "Anh rể",
    "Em rể",
    "Con nuôi",
    "Con riêng",
    "Con đẻ",
    "Cha nuôi",
    "Mẹ nuôi",
    "Cha đẻ",
    "Mẹ đẻ",
    "Bố đẻ",
    "Bố vợ",
    "Mẹ vợ",
    "Cha vợ",
    "Ông nội",
    "Bà nội",
    "Anh trai",
    "Em trai",
    "Em gái",
    "Chị gái",
    "Anh ruột",
    "Chị ruột",
    "Em ruột",
    "Chủ hộ",
    "Chồng",
    "Cháu",
    "Chắt",
    "Chú",
    "Bác",
    "Cô",
    "Dì",
    "Cậu",
    "Thím",
    "Mợ",
    "Dượng",
    "Anh",
    "Chị",
    "Em",
    "Con",
    "Vợ",
    "Cha",
    "Mẹ",
    "Bố",
    "Ông",
];

/// The last relation among `tokens`, or `None` when there is none.
pub fn relation(tokens: &[Token]) -> Option<Cut> {
    let lower: Vec<String> = tokens
        .iter()
        .map(|t| bare(&t.text).to_lowercase())
        .collect();
    let mut best: Option<(usize, usize, &str)> = None;
    for start in 0..tokens.len() {
        for r in RELATIONS {
            let words = r.split(' ').count();
            let Some(run) = lower.get(start..start + words) else {
                continue;
            };
            let run = run.join(" ");
            // Read with other marks or a letter off, a relation must end the cell: "Chủ
            // nhiệm" holds no "Chú".
            let at_end = start + words == tokens.len();
            let near = at_end && close(&fold(&run), &fold(r));
            if run == r.to_lowercase() || near {
                let longer = best.is_none_or(|(_, n, b)| r.len() > b.len() || start >= n);
                if longer {
                    best = Some((start, start + words, r));
                }
                break;
            }
        }
    }
    let (start, end, r) = best?;
    Some(Cut {
        value: r.to_string(),
        range: tokens[start].range.start..tokens[end - 1].range.end,
    })
}

/// A token without the punctuation that may close a cell or a line.
fn bare(token: &str) -> &str {
    token.trim_end_matches([',', '.', ';', ':'])
}

/// Equal, or one letter apart in a relation of five letters or more (its spaces aside).
fn close(read: &str, relation: &str) -> bool {
    if read == relation {
        return true;
    }
    let (a, b): (Vec<char>, Vec<char>) = (read.chars().collect(), relation.chars().collect());
    b.iter().filter(|c| !c.is_whitespace()).count() >= 5
        && a.len() == b.len()
        && a.iter().zip(&b).filter(|(x, y)| x != y).count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<String> {
        let mut at = 0;
        let tokens: Vec<Token> = text
            .split(' ')
            .map(|t| {
                let n = t.chars().count();
                let tok = Token {
                    text: t.to_string(),
                    range: at..at + n,
                };
                at += n + 1;
                tok
            })
            .collect();
        relation(&tokens).map(|c| c.value)
    }

    #[test]
    fn a_relation_is_spelled_as_the_list_spells_it() {
        assert_eq!(read("Còn").as_deref(), Some("Con"));
        assert_eq!(read("CHỦ HỘ").as_deref(), Some("Chủ hộ"));
        assert_eq!(read("Chú h2").as_deref(), Some("Chủ hộ"));
        assert_eq!(read("Con dâu").as_deref(), Some("Con dâu"));
    }

    #[test]
    fn what_spilt_over_from_other_columns_is_left_out() {
        assert_eq!(read("0707/2005 Nữ Con").as_deref(), Some("Con"));
        assert_eq!(read("ˆ Nữ Chủ hộ").as_deref(), Some("Chủ hộ"));
    }

    #[test]
    fn a_cell_without_a_relation_gives_none() {
        assert_eq!(read("Nữ 12"), None);
        assert_eq!(read("Chủ nhiệm"), None);
    }
}
