//! Marks given back to the words of free text from a list of administrative phrases
//! (`assets/phrases.txt`): the engine misreads a mark far more often than a letter ("bố sung",
//! "thay đối", "chỉ phí"), and a run of words whose unmarked letters are those of a known
//! phrase is that phrase. A word alone is never changed: "đình" and "đỉnh" are both words,
//! "gia đình" is the phrase. Case and punctuation around each word are kept.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::search::fold::fold;

const PHRASES: &str = include_str!("../../assets/phrases.txt");

/// Phrases by their unmarked letters, a key of two phrases left out; and the most words any
/// phrase has.
struct Lexicon {
    by_key: HashMap<String, Vec<String>>,
    longest: usize,
}

fn lexicon() -> &'static Lexicon {
    static LEXICON: OnceLock<Lexicon> = OnceLock::new();
    LEXICON.get_or_init(|| parse(PHRASES))
}

fn parse(text: &str) -> Lexicon {
    let mut found: HashMap<String, Vec<Vec<String>>> = HashMap::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let words: Vec<String> = line
            .split_whitespace()
            .map(|w| core(w).to_string())
            .collect();
        if words.len() >= 2 {
            found.entry(key(&words)).or_default().push(words);
        }
    }
    let by_key: HashMap<String, Vec<String>> = found
        .into_iter()
        .filter(|(_, p)| p.len() == 1)
        .map(|(k, mut p)| (k, p.remove(0)))
        .collect();
    let longest = by_key.values().map(Vec::len).max().unwrap_or(0);
    Lexicon { by_key, longest }
}

/// The unmarked letters of a run of words.
fn key<S: AsRef<str>>(words: &[S]) -> String {
    let folded: Vec<String> = words.iter().map(|w| fold(w.as_ref())).collect();
    folded.join(" ")
}

/// A word without the punctuation around it.
fn core(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric())
}

/// `text` with every run of words that is a known phrase but for its marks spelled as the
/// phrase spells it; the longest phrase wins where two start at one word.
pub fn mend(text: &str) -> String {
    let lex = lexicon();
    let mut words: Vec<String> = text.split(' ').map(str::to_string).collect();
    let mut at = 0;
    while at < words.len() {
        let most = lex.longest.min(words.len() - at);
        let hit = (2..=most).rev().find_map(|n| {
            let run: Vec<&str> = words[at..at + n].iter().map(|w| core(w)).collect();
            (run.iter().all(|w| !w.is_empty()))
                .then(|| lex.by_key.get(&key(&run)))
                .flatten()
                .map(|p| (n, p))
        });
        match hit {
            Some((n, phrase)) => {
                for (w, right) in words[at..at + n].iter_mut().zip(phrase) {
                    *w = respelled(w, right);
                }
                at += n;
            }
            None => at += 1,
        }
    }
    words.join(" ")
}

/// `word` with its letters spelled as `right` spells them, in the word's own case and with
/// its own punctuation.
fn respelled(word: &str, right: &str) -> String {
    let body = core(word);
    let Some(start) = word.find(body) else {
        return word.to_string();
    };
    let upper = body.chars().count() > 1 && body.chars().all(|c| !c.is_lowercase());
    let capital = body.chars().next().is_some_and(char::is_uppercase);
    let mut spelled: String = if upper {
        right.to_uppercase()
    } else if capital {
        let mut c = right.chars();
        c.next()
            .map(|f| f.to_uppercase().chain(c).collect())
            .unwrap_or_default()
    } else {
        right.to_lowercase()
    };
    if fold(&spelled) != fold(body) {
        spelled = body.to_string();
    }
    format!(
        "{}{}{}",
        &word[..start],
        spelled,
        &word[start + body.len()..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_are_given_back_to_known_phrases() {
        assert_eq!(
            mend("Xác nhận thông tìn về cư trú để bố sung hồ sơ vay vốn"),
            "Xác nhận thông tin về cư trú để bổ sung hồ sơ vay vốn"
        );
        assert_eq!(mend("do thay đối họ, chữ đệm"), "do thay đổi họ, chữ đệm");
        assert_eq!(
            mend("Về việc hỗ trợ chỉ phí mai táng."),
            "Về việc hỗ trợ chi phí mai táng."
        );
        assert_eq!(mend("CHUYÊN ĐẾN nơi ở mới"), "CHUYỂN ĐẾN nơi ở mới");
    }

    #[test]
    fn a_word_alone_or_another_phrase_is_left_as_read() {
        // "đỉnh" is a word; only "gia đình" says which mark it takes.
        assert_eq!(mend("đỉnh núi"), "đỉnh núi");
        assert_eq!(mend("kể từ đó"), "kể từ đó");
        assert_eq!(mend("các công nhân"), "các công nhân");
        assert_eq!(mend("Ủy ban, Uỷ ban"), "Ủy ban, Uỷ ban");
    }

    #[test]
    fn phrases_sharing_their_unmarked_letters_are_left_out() {
        let lex = parse("thay đổi\nthay đôi\ngia đình\n");
        assert!(!lex.by_key.contains_key("thay doi"));
        assert!(lex.by_key.contains_key("gia dinh"));
    }

    #[test]
    fn every_phrase_of_the_list_is_used() {
        let lines = PHRASES
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        assert_eq!(
            lexicon().by_key.len(),
            lines,
            "two phrases share their letters"
        );
    }
}
