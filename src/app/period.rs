//! Days, months and years as people type them on the command line, the same forms for
//! `search --born` and `report --since/--until`: `2026`, `2026-11` or `11/2026`,
//! `2026-11-01` or `01/11/2026`. A month or a year stands for all its days, so
//! `--since 2026-11 --until 2026-11` is November.

use chrono::{Datelike, NaiveDate};

/// A year, a month or a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Year(i32),
    Month(i32, u32),
    Day(NaiveDate),
}

impl Period {
    /// Parse one of the forms above; `None` for anything else, a 31 February too.
    pub fn parse(text: &str) -> Option<Period> {
        let text = text.trim();
        let parts: Vec<&str> = text.split(['-', '/']).collect();
        let slash = text.contains('/');
        if slash && text.contains('-') {
            return None;
        }
        let (y, m, d) = match (slash, parts.as_slice()) {
            (false, [y]) => (*y, None, None),
            (false, [y, m]) => (*y, Some(*m), None),
            (true, [m, y]) => (*y, Some(*m), None),
            (false, [y, m, d]) | (true, [d, m, y]) => (*y, Some(*m), Some(*d)),
            _ => return None,
        };
        let year = number(y, 4..=4)? as i32;
        let Some(m) = m else {
            return Some(Period::Year(year));
        };
        let month = number(m, 1..=2)?;
        let Some(d) = d else {
            return NaiveDate::from_ymd_opt(year, month, 1).map(|_| Period::Month(year, month));
        };
        NaiveDate::from_ymd_opt(year, month, number(d, 1..=2)?).map(Period::Day)
    }

    pub fn first(self) -> NaiveDate {
        match self {
            Period::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1),
            Period::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1),
            Period::Day(d) => Some(d),
        }
        .expect("checked when parsed")
    }

    pub fn last(self) -> NaiveDate {
        match self {
            Period::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31).expect("a year's last day"),
            Period::Month(y, m) => {
                let next = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
                NaiveDate::from_ymd_opt(next.0, next.1, 1).expect("a month's next")
                    - chrono::Days::new(1)
            }
            Period::Day(d) => d,
        }
    }

    /// As the catalog stores dates of birth, a prefix of `YYYY-MM-DD`.
    pub fn prefix(self) -> String {
        match self {
            Period::Year(y) => format!("{y:04}"),
            Period::Month(y, m) => format!("{y:04}-{m:02}"),
            Period::Day(d) => format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day()),
        }
    }
}

/// ASCII digits only, as many as `len` allows.
fn number(s: &str, len: std::ops::RangeInclusive<usize>) -> Option<u32> {
    (len.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// `--since`: the first day of the period.
pub fn since(text: &str) -> Result<NaiveDate, String> {
    Period::parse(text)
        .map(Period::first)
        .ok_or_else(|| refused(text))
}

/// `--until`: the last day of the period.
pub fn until(text: &str) -> Result<NaiveDate, String> {
    Period::parse(text)
        .map(Period::last)
        .ok_or_else(|| refused(text))
}

fn refused(text: &str) -> String {
    format!("{text:?} is not a year (2026), a month (2026-11 or 11/2026) or a day (2026-11-01 or 01/11/2026)")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_form_gives_its_first_and_last_day() {
        for (text, first, last) in [
            ("2026", "2026-01-01", "2026-12-31"),
            ("2026-11", "2026-11-01", "2026-11-30"),
            ("11/2026", "2026-11-01", "2026-11-30"),
            ("2/2028", "2028-02-01", "2028-02-29"),
            ("2026-12", "2026-12-01", "2026-12-31"),
            ("2026-11-05", "2026-11-05", "2026-11-05"),
            ("05/11/2026", "2026-11-05", "2026-11-05"),
            ("5/11/2026", "2026-11-05", "2026-11-05"),
        ] {
            assert_eq!(since(text), Ok(day(first)), "{text}");
            assert_eq!(until(text), Ok(day(last)), "{text}");
        }
    }

    #[test]
    fn other_text_is_refused_with_the_forms() {
        for text in [
            "",
            "26",
            "2026-13",
            "31/02/2026",
            "2026/11/05",
            "11-2026",
            "2026-11-05x",
            "hôm nay",
            "01/11-2026",
        ] {
            let err = since(text).unwrap_err();
            assert!(
                err.contains("a month (2026-11 or 11/2026)"),
                "{text}: {err}"
            );
        }
    }

    #[test]
    fn prefixes_are_as_dates_of_birth_are_stored() {
        let p = |t: &str| Period::parse(t).unwrap().prefix();
        assert_eq!(p("1985"), "1985");
        assert_eq!(p("11/1985"), "1985-11");
        assert_eq!(p("1/11/1985"), "1985-11-01");
    }
}
