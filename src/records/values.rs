//! Cutting a value of a given kind out of the text that follows its label: the name's
//! capitalised words, the first date, the ID's twelve digits (letters the engine confuses
//! with digits repaired), and so on. Each value is given as it is meant (dates `DD/MM/YYYY`,
//! names in title case with their marks) with the characters it was read from.

use std::ops::Range;

use super::forms::ValueKind;
use super::text::PageText;
use crate::search::fold::fold;

/// A value and where on the page text it was read.
#[derive(Debug, Clone, PartialEq)]
pub struct Cut {
    pub value: String,
    pub range: Range<usize>,
}

/// A whitespace-separated token of the page text.
#[derive(Debug, Clone)]
pub struct Token {
    pub text: String,
    pub range: Range<usize>,
}

/// The tokens of `range`, footnote marks and colons after a label left out.
pub fn tokens(page: &PageText, range: Range<usize>) -> Vec<Token> {
    let mut out = Vec::new();
    let mut start = None;
    for i in range.start..=range.end {
        let space = i == range.end || page.chars[i].is_whitespace();
        match (space, start) {
            (true, Some(s)) => {
                if let Some(t) = clean(page, s..i) {
                    out.push(t);
                }
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    while let Some(first) = out.first_mut() {
        let trimmed = strip_lead(&first.text);
        if trimmed.is_empty() {
            out.remove(0);
            continue;
        }
        let cut = first.text.chars().count() - trimmed.chars().count();
        first.range.start += cut;
        first.text = trimmed.to_string();
        break;
    }
    out
}

/// Characters the engine reads from table rulings and specks at a word's edge.
const EDGE_JUNK: [char; 8] = ['|', '"', '\'', '‘', '’', '“', '”', '`'];

/// The token of `range` without ruling and speck marks at its edges; none when nothing
/// else is left, or only punctuation.
fn clean(page: &PageText, range: Range<usize>) -> Option<Token> {
    let chars = &page.chars[range.clone()];
    let lead = chars.iter().take_while(|c| EDGE_JUNK.contains(c)).count();
    let trail = chars[lead..]
        .iter()
        .rev()
        .take_while(|c| EDGE_JUNK.contains(c))
        .count();
    let range = range.start + lead..range.end - trail;
    let text = page.slice(range.clone());
    text.chars()
        .any(char::is_alphanumeric)
        .then_some(Token { text, range })
}

/// A token without what may stand between a label and its value: `:`, `(1)`, dots.
fn strip_lead(token: &str) -> &str {
    let mut t = token.trim_start_matches([':', '.', '-', ';']);
    if let Some(rest) = t.strip_prefix('(') {
        if let Some(close) = rest.find(')').filter(|&c| c <= 3) {
            t = rest[close + 1..].trim_start_matches([':', '.']);
        }
    }
    t
}

/// The value of `kind` at the start of `tokens`, if there is one.
pub fn cut(kind: ValueKind, tokens: &[Token]) -> Option<Cut> {
    match kind {
        ValueKind::Name => name(tokens),
        ValueKind::Date => first(tokens, 3, date),
        ValueKind::Gender => first(tokens, 1, gender),
        ValueKind::Id => digits(tokens, 12..=12),
        ValueKind::Phone => phone(tokens),
        ValueKind::Email => first(tokens, 2, email),
        ValueKind::Code => first(tokens, 3, |t| {
            let t = trim_end(t);
            (t.contains('/') && t.chars().any(|c| c.is_ascii_digit())).then(|| t.to_string())
        }),
        ValueKind::Amount => first(tokens, 8, amount),
        ValueKind::Relation => super::relation::relation(tokens).or_else(|| text(tokens)),
        ValueKind::Text => text(tokens),
    }
}

/// The first of the first `within` tokens that `read` makes a value of.
fn first(tokens: &[Token], within: usize, read: impl Fn(&str) -> Option<String>) -> Option<Cut> {
    tokens.iter().take(within).find_map(|t| {
        read(&t.text).map(|value| Cut {
            value,
            range: t.range.clone(),
        })
    })
}

fn trim_end(t: &str) -> &str {
    t.trim_end_matches([',', '.', ';', ':', ')'])
}

/// A digit, or a letter the engine reads for one.
pub fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        'O' | 'o' | 'D' => Some('0'),
        'l' | 'I' | '|' | 'i' => Some('1'),
        'B' => Some('8'),
        'S' => Some('5'),
        _ => None,
    }
}

/// An address `user@host.tld`, with the `@` the engine reads as `(@` or `(` given back.
fn email(token: &str) -> Option<String> {
    let t = trim_end(token).to_lowercase();
    let t = if t.contains('@') {
        t.replace("(@", "@").replace("@(", "@")
    } else {
        t.replacen(['(', '©'], "@", 1)
    };
    let (user, host) = t.split_once('@')?;
    let ok = !user.is_empty() && host.contains('.') && !host.contains('@');
    ok.then(|| format!("{user}@{}", provider(host).unwrap_or(host)))
}

/// Mail providers most addresses on residence forms are at.
const PROVIDERS: [&str; 14] = [
    "gmail.com",
    "yahoo.com",
    "yahoo.com.vn",
    "outlook.com",
    "outlook.com.vn",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "mail.com",
    "ymail.com",
    "msn.com",
    "protonmail.com",
    "zoho.com",
    "aol.com",
];

/// The provider a host misread by a letter or two is ("2gmail.com", "gmai].com",
/// "ouilook.com.vn"): the one nearest, when no other is as near. A host of its own, far
/// from every provider, is kept as read.
fn provider(host: &str) -> Option<&'static str> {
    if PROVIDERS.contains(&host) {
        return None;
    }
    let mut near: Vec<(usize, &'static str)> = PROVIDERS
        .iter()
        .map(|p| (strsim::osa_distance(host, p), *p))
        .filter(|&(d, _)| d <= 2)
        .collect();
    near.sort();
    match near[..] {
        [(d, p), (e, _), ..] if d < e => Some(p),
        [(_, p)] => Some(p),
        _ => None,
    }
}

/// `D/M/YYYY` with `/`, `.`, `-` or `:` between, as `DD/MM/YYYY`.
pub fn date(token: &str) -> Option<String> {
    let t = trim_end(token);
    // A slash is at times read as a colon ("05:07/2010"); a time has no year part.
    let parts: Vec<&str> = t.split(['/', '.', '-', ':']).collect();
    let [d, m, y] = parts[..] else { return None };
    let num = |s: &str| -> Option<String> { s.chars().map(digit).collect() };
    let (d, m, y) = (num(d)?, num(m)?, num(y)?);
    let ok = (1..=2).contains(&d.len()) && (1..=2).contains(&m.len()) && y.len() == 4;
    ok.then(|| format!("{d:0>2}/{m:0>2}/{y}"))
}

fn gender(token: &str) -> Option<String> {
    match fold(trim_end(token)).as_str() {
        "nam" => Some("Nam".to_string()),
        "nu" => Some("Nữ".to_string()),
        _ => None,
    }
}

/// A sum of money as printed, `360.000`: groups of three digits after the first.
fn amount(token: &str) -> Option<String> {
    let t = trim_end(token).replace(',', ".");
    let groups: Vec<&str> = t.split('.').collect();
    let ok = groups.len() >= 2
        && (1..=3).contains(&groups[0].len())
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()))
        && groups[1..].iter().all(|g| g.len() == 3);
    ok.then_some(t)
}

/// Digits from the first token on, over tokens made only of digits (a number printed in
/// groups, `0928 157 160`), when their count is in `len`.
fn digits(tokens: &[Token], len: std::ops::RangeInclusive<usize>) -> Option<Cut> {
    let start = tokens
        .iter()
        .take(3)
        .position(|t| t.text.chars().any(|c| c.is_ascii_digit()))?;
    let mut value = String::new();
    let mut range = tokens[start].range.clone();
    for (n, t) in tokens[start..].iter().enumerate() {
        // `… 0993663055 6. Email`: the next item's number is not part of the value.
        if n > 0 && is_item_number(&t.text) {
            break;
        }
        let Some(d) = trim_end(&t.text)
            .chars()
            .map(digit)
            .collect::<Option<String>>()
        else {
            break;
        };
        if value.len() + d.len() > *len.end() {
            break;
        }
        value.push_str(&d);
        range.end = t.range.end;
    }
    len.contains(&value.len()).then_some(Cut { value, range })
}

/// A phone number: ten digits from 0, or eleven for a landline of the old plan (02…).
fn phone(tokens: &[Token]) -> Option<Cut> {
    let c = digits(tokens, 9..=11)?;
    let ok = c.value.len() == 10 || (c.value.len() == 11 && c.value.starts_with("02"));
    ok.then_some(c)
}

/// Capitalised words from the first on, up to a comma or a word that is not capitalised.
fn name(tokens: &[Token]) -> Option<Cut> {
    let mut words = Vec::new();
    let mut range = tokens.first()?.range.clone();
    for t in tokens.iter().take(7) {
        let word = trim_end(&t.text);
        let capital = word.chars().next().is_some_and(char::is_uppercase);
        if !capital || !word.chars().all(|c| c.is_alphabetic() || c == '\'') {
            break;
        }
        words.push(title_case(word));
        range.end = t.range.start + word.chars().count();
        if word.len() != t.text.len() {
            break;
        }
    }
    (words.len() >= 2).then(|| Cut {
        value: words.join(" "),
        range,
    })
}

/// `NGUYỄN` and `Nguyễn` as `Nguyễn`; `H'LAN` as `H'Lan`.
pub fn title_case(word: &str) -> String {
    let mut out = String::new();
    let mut upper = true;
    for c in word.chars() {
        if upper {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        upper = c == '\'';
    }
    out
}

/// Every token, joined by single spaces, without a trailing item number (`… Nam 3.`) or
/// trailing punctuation, known phrases given their marks.
fn text(tokens: &[Token]) -> Option<Cut> {
    // `Kinh 6. Tôn giáo: Không`: an item number starts the next item.
    let mut end = (1..tokens.len())
        .find(|&i| is_item_number(&tokens[i].text))
        .unwrap_or(tokens.len());
    while end > 0 && is_item_number(&tokens[end - 1].text) {
        end -= 1;
    }
    let kept = &tokens[..end];
    let joined = kept
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ");
    // Free text is where the engine's misread marks stay unnoticed by any check.
    let value = super::phrases::mend(joined.trim_end_matches([',', '.', ';', ':']));
    (!value.is_empty()).then(|| Cut {
        value,
        range: kept[0].range.start..kept[end - 1].range.end,
    })
}

/// `3.` or `3)`: the number of the next item of a form.
pub fn is_item_number(token: &str) -> bool {
    let body = token.trim_end_matches(['.', ')']);
    body.len() < token.len() && !body.is_empty() && body.chars().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::super::text::tests::words;
    use super::*;

    fn read(kind: ValueKind, line: &str) -> Option<String> {
        let w = words(&[line]);
        let page = PageText::new(&w);
        cut(kind, &tokens(&page, 0..page.chars.len())).map(|c| c.value)
    }

    #[test]
    fn values_are_cut_as_they_are_meant() {
        use ValueKind::*;
        assert_eq!(
            read(Name, ": LÊ XUÂN QUYẾT").as_deref(),
            Some("Lê Xuân Quyết")
        );
        assert_eq!(
            read(Name, "Bùi Diệu Hương, sinh năm").as_deref(),
            Some("Bùi Diệu Hương")
        );
        assert_eq!(read(Name, "KPĂ H'LAN").as_deref(), Some("Kpă H'Lan"));
        assert_eq!(read(Date, ": 4/O9/1945 3.").as_deref(), Some("04/09/1945"));
        assert_eq!(read(Gender, ": Nữ").as_deref(), Some("Nữ"));
        assert_eq!(
            read(Id, "(2): 0270 4511 597l").as_deref(),
            Some("027045115971")
        );
        assert_eq!(read(Phone, ": 0928 157 160").as_deref(), Some("0928157160"));
        assert_eq!(
            read(Code, ": 2723/QĐ-UBND").as_deref(),
            Some("2723/QĐ-UBND")
        );
        assert_eq!(
            read(Amount, ": 7.200.000 đồng").as_deref(),
            Some("7.200.000")
        );
        assert_eq!(read(Text, ": Chủ hộ 9.").as_deref(), Some("Chủ hộ"));
        assert_eq!(
            read(Text, ": Kinh 6. Tôn giáo: Không").as_deref(),
            Some("Kinh")
        );
        assert_eq!(read(Text, "| \"Cháu |").as_deref(), Some("Cháu"));
        assert_eq!(
            read(Email, ": an66(@yahoo.com").as_deref(),
            Some("an66@yahoo.com")
        );
        assert_eq!(
            read(Email, ": an71(gmail.com").as_deref(),
            Some("an71@gmail.com")
        );
        assert_eq!(
            read(Email, ": an71@2gmail.com").as_deref(),
            Some("an71@gmail.com")
        );
        assert_eq!(
            read(Email, ": an72@ouilook.com.vn").as_deref(),
            Some("an72@outlook.com.vn")
        );
        // An office's own host, and one as near to two providers, are kept as read.
        assert_eq!(
            read(Email, ": vp@ubnd.gialai.gov.vn").as_deref(),
            Some("vp@ubnd.gialai.gov.vn")
        );
        assert_eq!(
            read(Email, ": an73@email.com").as_deref(),
            Some("an73@email.com")
        );
        assert_eq!(
            read(Phone, ": 0993663055 6. Email").as_deref(),
            Some("0993663055")
        );
    }

    #[test]
    fn what_is_not_a_value_of_its_kind_is_refused() {
        use ValueKind::*;
        assert_eq!(read(Name, ": Ngày tháng"), None);
        assert_eq!(read(Id, ": 02704511597"), None);
        assert_eq!(read(Date, ": 13/09/45"), None);
    }
}
