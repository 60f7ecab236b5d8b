//! Letters the Vietnamese alphabet does not have, written by the engine for its own: the
//! Icelandic eth Ð (U+00D0) for Đ (U+0110), which looks the same but is another character to
//! search, sort and compare, and often stands doubled after a Đ it repeats ("QĐÐ-UBND" for
//! "QĐ-UBND"). Both are put right in every word, so text, search and records agree.

use crate::model::Word;

/// Write Đ for every eth in `words`, once where the engine repeated it.
pub fn mend(words: &mut [Word]) {
    for w in words.iter_mut().filter(|w| w.text.contains(['Ð', 'ð'])) {
        w.text = mended(&w.text);
    }
}

fn mended(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let repeat = matches!((out.chars().last(), c), (Some('Đ'), 'Ð') | (Some('đ'), 'ð'));
        match c {
            _ if repeat => {}
            'Ð' => out.push('Đ'),
            'ð' => out.push('đ'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_eth_becomes_the_vietnamese_d_with_stroke_and_a_repeated_one_goes() {
        assert_eq!(mended("QĐÐ-UBND"), "QĐ-UBND");
        assert_eq!(mended("(CÐS)"), "(CĐS)");
        assert_eq!(mended("ðường"), "đường");
        assert_eq!(mended("ĐĐ"), "ĐĐ", "two real Đ are left as read");
        assert_eq!(mended("Đà Nẵng"), "Đà Nẵng");
    }
}
