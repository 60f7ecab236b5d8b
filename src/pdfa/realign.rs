//! A reviewer's correction of a page's text carried onto the recognised words' boxes, so the
//! PDF's invisible layer finds what the page now reads (`text_align.rs` pairs the words):
//! a replaced word takes the box of the word it replaces, several new words for fewer old
//! ones share the last old box, inserted words join the box of the word before them (or
//! after, at the start), deleted words lose theirs. The correction gives no positions of
//! its own: words it adds to a page with no recognised words have nowhere to stand.

use crate::model::Word;
use crate::text_align::changes;

/// `words` (in reading order) as a page whose current text is `text` holds them.
pub(super) fn realign(words: &[Word], text: &str) -> Vec<Word> {
    let words: Vec<&Word> = words.iter().filter(|w| !w.text.trim().is_empty()).collect();
    let old: Vec<&str> = words.iter().map(|w| w.text.trim()).collect();
    let new: Vec<&str> = text.split_whitespace().collect();
    let mut out: Vec<Word> = Vec::with_capacity(new.len());
    let mut at = 0;
    let mut pending: Vec<&str> = Vec::new();
    for change in changes(&old, &new)
        .into_iter()
        .chain([end(old.len(), new.len())])
    {
        out.extend(words[at..change.old.start].iter().map(|w| (*w).clone()));
        let added = &new[change.new.clone()];
        let boxes = &words[change.old.clone()];
        if boxes.is_empty() && !added.is_empty() {
            match out.last_mut() {
                Some(before) => before.text = format!("{} {}", before.text, added.join(" ")),
                None => pending.extend(added),
            }
        }
        for (i, w) in boxes.iter().enumerate().take(added.len()) {
            let mut word = (*w).clone();
            let last = i + 1 == boxes.len().min(added.len());
            word.text = if last {
                added[i..].join(" ")
            } else {
                added[i].to_string()
            };
            out.push(word);
        }
        at = change.old.end;
    }
    if let (false, Some(first)) = (pending.is_empty(), out.first_mut()) {
        first.text = format!("{} {}", pending.join(" "), first.text);
    }
    out
}

/// An empty change past the last words, so the loop copies the unchanged tail.
fn end(old: usize, new: usize) -> crate::text_align::Change {
    crate::text_align::Change {
        old: old..old,
        new: new..new,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, left: u32) -> Word {
        Word {
            text: text.into(),
            confidence: 90.0,
            left,
            top: 0,
            width: 10,
            height: 10,
            block: 1,
            paragraph: 1,
            line: 1,
        }
    }

    fn placed(words: &[Word]) -> Vec<(String, u32)> {
        words.iter().map(|w| (w.text.clone(), w.left)).collect()
    }

    #[test]
    fn corrected_words_take_the_boxes_of_the_words_they_replace() {
        let read = [
            word("xã", 0),
            word("Hòa", 10),
            word("Binh", 20),
            word("huyện", 30),
        ];
        let text = "mới xã Hòa Bình huyện Đông Anh";
        let want = [
            ("mới xã", 0),
            ("Hòa", 10),
            ("Bình", 20),
            ("huyện Đông Anh", 30),
        ];
        let want: Vec<(String, u32)> = want.iter().map(|(t, l)| (t.to_string(), *l)).collect();
        assert_eq!(placed(&realign(&read, text)), want);
        let fewer = placed(&realign(&read, "xã Hòa huyện"));
        assert_eq!(fewer.len(), 3, "a deleted word loses its box: {fewer:?}");
        assert!(realign(&[], "chữ mới").is_empty());
    }
}
