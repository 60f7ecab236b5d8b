//! Which days a scanning centre works: Monday to Friday, less the holidays of `[calendar]
//! holidays` (Tết, 30/4, 2/9 …), plus the weekend days worked to make up for a bridged
//! holiday (`[calendar] make_up_days`, "ngày làm bù"), as the government announces them
//! each year. The ETA and the working days left before a deadline count these days.

use std::collections::BTreeSet;

use chrono::{Datelike, NaiveDate, Weekday};

/// The working days of the offices.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    holidays: BTreeSet<NaiveDate>,
    make_up_days: BTreeSet<NaiveDate>,
}

/// Tết can last a fortnight: a range is bounded so a typo in a year does not make thousands.
const LONGEST_RANGE_DAYS: i64 = 366;

impl Calendar {
    /// Monday to Friday, no holidays: the calendar when `[calendar]` says nothing.
    pub const fn weekdays() -> Calendar {
        Calendar {
            holidays: BTreeSet::new(),
            make_up_days: BTreeSet::new(),
        }
    }

    /// A calendar from the entries of `[calendar] holidays` and `make_up_days`: each a day
    /// (`2027-02-05` or `05/02/2027`) or an inclusive range of days (`2027-02-05..2027-02-11`).
    ///
    /// # Errors
    /// An entry that is not a day or a range of at most a year, named with its key.
    pub fn new(holidays: &[String], make_up_days: &[String]) -> Result<Calendar, String> {
        Ok(Calendar {
            holidays: days_of("[calendar] holidays", holidays)?,
            make_up_days: days_of("[calendar] make_up_days", make_up_days)?,
        })
    }

    pub fn is_working(&self, day: NaiveDate) -> bool {
        let weekday = !matches!(day.weekday(), Weekday::Sat | Weekday::Sun);
        self.make_up_days.contains(&day) || (weekday && !self.holidays.contains(&day))
    }
}

fn days_of(key: &str, entries: &[String]) -> Result<BTreeSet<NaiveDate>, String> {
    let mut days = BTreeSet::new();
    for entry in entries {
        let (first, last) = match entry.split_once("..") {
            Some((a, b)) => (day(key, entry, a)?, day(key, entry, b)?),
            None => (day(key, entry, entry)?, day(key, entry, entry)?),
        };
        let span = (last - first).num_days();
        if !(0..LONGEST_RANGE_DAYS).contains(&span) {
            return Err(format!(
                "{key}: {entry:?} must run forwards and last at most a year"
            ));
        }
        days.extend(first.iter_days().take_while(|d| *d <= last));
    }
    Ok(days)
}

fn day(key: &str, entry: &str, text: &str) -> Result<NaiveDate, String> {
    ["%Y-%m-%d", "%d/%m/%Y"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text.trim(), format).ok())
        .ok_or_else(|| {
            format!("{key}: {entry:?} is not a day like 2027-02-05 or 05/02/2027, or a range like 2027-02-05..2027-02-11")
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn holidays_and_make_up_days_change_the_working_week() {
        let plain = Calendar::default();
        assert!(plain.is_working(d("2027-02-08")) && !plain.is_working(d("2027-02-06")));
        let tet = Calendar::new(
            &strings(&["2027-02-05..2027-02-11", "30/04/2027"]),
            &strings(&["2027-01-30"]),
        )
        .unwrap();
        assert!(!tet.is_working(d("2027-02-08")));
        assert!(!tet.is_working(d("2027-04-30")));
        assert!(tet.is_working(d("2027-02-12")));
        assert!(
            tet.is_working(d("2027-01-30")),
            "a Saturday worked to make up"
        );
    }

    #[test]
    fn bad_entries_are_named_with_their_key() {
        let bad = |h: &[&str]| Calendar::new(&strings(h), &[]).unwrap_err();
        assert!(bad(&["Tết"]).contains("[calendar] holidays: \"Tết\" is not a day"));
        assert!(bad(&["2027-02-11..2027-02-05"]).contains("must run forwards"));
        assert!(bad(&["2027-01-01..2029-01-01"]).contains("at most a year"));
        assert!(bad(&["2027-02-30"]).contains("is not a day"));
    }
}
