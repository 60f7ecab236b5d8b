//! The page text rebuilt from its words, after completion changed them: words of one line
//! joined by spaces in left-to-right order, lines by a line break, paragraphs by an empty
//! line, as the engine renders a page. Lines added by completion go where they stand on the
//! page: after the nearest line above them.

use crate::model::Word;

/// One line of words and its vertical extent.
struct Line {
    key: (u32, u32, u32),
    top: u32,
    bottom: u32,
    words: Vec<Word>,
}

fn lines_of(words: &[Word]) -> Vec<Line> {
    let mut lines: Vec<Line> = Vec::new();
    for w in words {
        let key = (w.block, w.paragraph, w.line);
        match lines.iter_mut().rev().find(|l| l.key == key) {
            Some(l) => {
                l.top = l.top.min(w.top);
                l.bottom = l.bottom.max(w.top + w.height);
                l.words.push(w.clone());
            }
            None => lines.push(Line {
                key,
                top: w.top,
                bottom: w.top + w.height,
                words: vec![w.clone()],
            }),
        }
    }
    lines
}

/// The words in reading order with `added` words (each group one line, of its own block)
/// placed after the last line whose middle is above theirs.
pub fn merge(words: &[Word], added: Vec<Vec<Word>>) -> Vec<Word> {
    let mut lines = lines_of(words);
    for group in added {
        let new = lines_of(&group);
        for line in new {
            let middle = (line.top + line.bottom) / 2;
            // After the nearest line above (blocks need not run top to bottom).
            let at = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| (l.top + l.bottom) / 2 < middle)
                .max_by_key(|(_, l)| (l.top + l.bottom) / 2)
                .map_or(0, |(i, _)| i + 1);
            lines.insert(at, line);
        }
    }
    lines
        .into_iter()
        .flat_map(|mut l| {
            l.words.sort_by_key(|w| w.left);
            l.words
        })
        .collect()
}

/// The text of `words` as the engine renders it.
pub fn render(words: &[Word]) -> String {
    let mut out = String::new();
    let mut last: Option<(u32, u32, u32)> = None;
    for w in words {
        let key = (w.block, w.paragraph, w.line);
        match last {
            Some(k) if k == key => out.push(' '),
            Some(k) if (k.0, k.1) == (key.0, key.1) => out.push('\n'),
            Some(_) => out.push_str("\n\n"),
            None => {}
        }
        out.push_str(&w.text);
        last = Some(key);
    }
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str, block: u32, line: u32, left: u32, top: u32) -> Word {
        Word {
            text: text.into(),
            confidence: 90.0,
            left,
            top,
            width: 40,
            height: 20,
            block,
            paragraph: 1,
            line,
        }
    }

    #[test]
    fn an_added_line_goes_between_the_lines_around_it() {
        let words = vec![
            word("Họ", 1, 1, 10, 10),
            word("tên", 1, 1, 60, 10),
            word("Nam", 2, 1, 10, 100),
        ];
        let added = vec![vec![word("038196283717", 9, 1, 10, 50)]];
        let text = render(&merge(&words, added));
        assert_eq!(text, "Họ tên\n\n038196283717\n\nNam\n");
    }
}
