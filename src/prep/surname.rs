//! Marks of the commonest surnames, restored where a person's name is written. The engine's
//! Vietnamese model loses tone marks on capitals more than anywhere: NGUYỄN comes out as
//! NGUYÊN, TRẦN as TRÂN, HUỲNH as HUYNH, and a search or a record keeps the wrong name.
//!
//! A name is recognised by its shape: two to five words, each set in capitals or with a
//! capital initial, of letters only. When its first word is one of [`SURNAMES`] without
//! (or with other) marks, it is written with that surname's marks, in the word's own case,
//! and is as sure as the rest of the name.
//! Only surnames whose unmarked form starts no common phrase of these documents are here
//! (not Đặng: ĐĂNG KÝ; not Hồ: HỘ KHẨU; not Phạm: PHẨM CHẤT), and a word after NGUYÊN that
//! makes it a word of its own (NGUYÊN QUÁN, NGUYÊN ĐƠN) keeps it.

use crate::model::Word;
use crate::search::fold;

/// Surnames whose marks are restored: about half of all Vietnamese carry one of them.
const SURNAMES: [&str; 3] = ["Nguyễn", "Trần", "Huỳnh"];
/// Words that make NGUYÊN a word rather than a surname misread.
const NOT_A_NAME: [&str; 8] = ["quán", "đơn", "nhân", "tắc", "giá", "liệu", "vọng", "trạng"];

/// Restore the marks of surnames at the start of names among `words` (in reading order).
pub fn restore(words: &mut [Word]) {
    for i in 0..words.len() {
        let run = name_run(words, i);
        if run < 2
            || (i > 0 && starts_name(&words[i - 1].text) && same_line(&words[i - 1], &words[i]))
        {
            continue;
        }
        let Some(surname) = SURNAMES.iter().find(|s| fold(s) == fold(&words[i].text)) else {
            continue;
        };
        let next = words[i + 1].text.to_lowercase();
        if NOT_A_NAME.contains(&next.as_str()) {
            continue;
        }
        words[i].text = in_case_of(surname, &words[i].text);
        // The engine's doubt about such a word is its marks (it gives NGUYÊN a confidence
        // of 0 where the letters are plain), and the surname settles them: the word is as
        // sure as the rest of the name.
        let rest = words[i + 1..i + run].iter().map(|w| w.confidence);
        let rest = rest.fold(f32::INFINITY, f32::min);
        words[i].confidence = words[i].confidence.max(rest);
    }
}

/// How many words from `i` on look like the words of a name, on one line.
fn name_run(words: &[Word], i: usize) -> usize {
    let mut n = 0;
    while i + n < words.len()
        && n < 5
        && starts_name(&words[i + n].text)
        && (n == 0 || same_line(&words[i + n - 1], &words[i + n]))
    {
        n += 1;
    }
    n
}

fn same_line(a: &Word, b: &Word) -> bool {
    (a.block, a.paragraph, a.line) == (b.block, b.paragraph, b.line)
}

/// A word of letters with a capital first letter.
fn starts_name(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(char::is_uppercase) && text.chars().all(char::is_alphabetic)
}

/// `surname` in the case of `read`: all capitals, or a capital initial.
fn in_case_of(surname: &str, read: &str) -> String {
    if read.chars().skip(1).any(char::is_uppercase) {
        surname.to_uppercase()
    } else {
        surname.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(text: &str) -> Vec<Word> {
        text.split(' ')
            .enumerate()
            .map(|(i, t)| Word {
                text: t.into(),
                confidence: 90.0,
                left: 100 * i as u32,
                top: 10,
                width: 90,
                height: 30,
                block: 1,
                paragraph: 1,
                line: 1,
            })
            .collect()
    }

    fn restored(text: &str) -> String {
        let mut words = line(text);
        restore(&mut words);
        words
            .iter()
            .map(|w| w.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_capital_surname_gets_its_marks_back() {
        assert_eq!(restored("tên: NGUYÊN VĂN HƯNG"), "tên: NGUYỄN VĂN HƯNG");
        assert_eq!(restored("chủ hộ: TRÂN THỊ HOA"), "chủ hộ: TRẦN THỊ HOA");
        assert_eq!(restored("1 Huynh Mỹ Vy 1975"), "1 Huỳnh Mỹ Vy 1975");
    }

    #[test]
    fn a_surname_unsure_of_its_marks_is_as_sure_as_the_rest_of_its_name() {
        let mut words = line("tên: NGUYÊN VĂN HƯNG");
        words[1].confidence = 0.0;
        words[3].confidence = 85.0;
        restore(&mut words);
        assert_eq!(words[1].text, "NGUYỄN");
        assert_eq!(words[1].confidence, 85.0);
    }

    #[test]
    fn words_that_are_no_names_keep_theirs() {
        assert_eq!(restored("Nguyên quán: Hà Nội"), "Nguyên quán: Hà Nội");
        assert_eq!(restored("NGUYÊN ĐƠN"), "NGUYÊN ĐƠN");
        assert_eq!(restored("nguyên tắc chung"), "nguyên tắc chung");
        assert_eq!(restored("Nguyên"), "Nguyên");
        // Inside a name, not at its start: a given name Nguyên stays.
        assert_eq!(restored("Lê Nguyên Vũ"), "Lê Nguyên Vũ");
    }
}
