//! Checks of the values read from a form, each failure a stable code that puts the page in
//! *needs review*. A personal ID number (số định danh cá nhân, Thông tư 07/2016/TT-BCA) is
//! three digits of the province of birth registration, one of century and sex (0/1 the
//! 1900s, 2/3 the 2000s, 4/5 the 2100s, 6/7 the 2200s, 8/9 the 1800s; even for men), two of
//! the birth year and six of serial: so a person's ID must agree with their date of birth and
//! gender, which catches most misread digits.

use chrono::{Datelike, NaiveDate};

/// The province codes of personal ID numbers: the 63 provinces and cities.
const PROVINCES: [u16; 63] = [
    1, 2, 4, 6, 8, 10, 11, 12, 14, 15, 17, 19, 20, 22, 24, 25, 26, 27, 30, 31, 33, 34, 35, 36, 37,
    38, 40, 42, 44, 45, 46, 48, 49, 51, 52, 54, 56, 58, 60, 62, 64, 66, 67, 68, 70, 72, 74, 75, 77,
    79, 80, 82, 83, 84, 86, 87, 89, 91, 92, 93, 94, 95, 96,
];

/// Earliest birth year taken for a real date of birth on a residence record.
const FIRST_YEAR: i32 = 1880;

/// Why a date is not a date of birth: `bad-date` when it is no calendar date or lies outside
/// the years people on a record can be born in.
pub fn date(value: &str, today: NaiveDate) -> Option<&'static str> {
    match parse_date(value) {
        Some(d) if d.year() >= FIRST_YEAR && d <= today => None,
        _ => Some("bad-date"),
    }
}

/// `DD/MM/YYYY` as a date.
pub fn parse_date(value: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(value, "%d/%m/%Y").ok()
}

/// What is wrong with a 12-digit ID, on its own and against the person's date of birth
/// and gender when the record gives them.
pub fn id(value: &str, born: Option<&str>, gender: Option<&str>) -> Option<&'static str> {
    let digits: Vec<u32> = value.chars().filter_map(|c| c.to_digit(10)).collect();
    if digits.len() != 12 || value.len() != 12 {
        return Some("id-length");
    }
    let province = (digits[0] * 100 + digits[1] * 10 + digits[2]) as u16;
    if !PROVINCES.contains(&province) {
        return Some("id-province");
    }
    let code = digits[3];
    if let Some(year) = born.and_then(parse_date).map(|d| d.year()) {
        if century_code(year) != Some(code / 2 * 2) {
            return Some("id-century");
        }
        if (year % 100) as u32 != digits[4] * 10 + digits[5] {
            return Some("id-birth-year");
        }
    }
    let female = code % 2 == 1;
    match gender {
        Some("Nam") if female => Some("id-sex"),
        Some("Nữ") if !female => Some("id-sex"),
        _ => None,
    }
}

/// The even (male) century code of a birth year.
fn century_code(year: i32) -> Option<u32> {
    match year {
        1800..=1899 => Some(8),
        1900..=1999 => Some(0),
        2000..=2099 => Some(2),
        2100..=2199 => Some(4),
        2200..=2299 => Some(6),
        _ => None,
    }
}

/// `not-a-name` unless every word is letters (an apostrophe inside: `H'Lan`) and there are
/// two to seven of them.
pub fn name(value: &str) -> Option<&'static str> {
    let words: Vec<&str> = value.split_whitespace().collect();
    let wordy = words
        .iter()
        .all(|w| w.chars().all(|c| c.is_alphabetic() || c == '\''));
    (!(wordy && (2..=7).contains(&words.len()))).then_some("not-a-name")
}

/// `bad-phone` unless a Vietnamese number: ten digits from 0 (eleven for old landlines).
pub fn phone(value: &str) -> Option<&'static str> {
    let ok = value.starts_with('0') && (10..=11).contains(&value.len());
    (!ok).then_some("bad-phone")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_agrees_with_its_holders_birth_and_sex() {
        assert_eq!(id("027045115971", Some("13/09/1945"), Some("Nam")), None);
        assert_eq!(id("030322503300", Some("08/05/2022"), Some("Nữ")), None);
        assert_eq!(
            id("027045115971", Some("13/09/1946"), Some("Nam")),
            Some("id-birth-year")
        );
        assert_eq!(id("027045115971", None, Some("Nữ")), Some("id-sex"));
        assert_eq!(
            id("027245115971", Some("13/09/1945"), None),
            Some("id-century")
        );
        assert_eq!(id("003045115971", None, None), Some("id-province"));
        assert_eq!(id("02704511597", None, None), Some("id-length"));
    }

    #[test]
    fn dates_must_be_real_and_past() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap();
        assert_eq!(date("29/02/2024", today), None);
        assert_eq!(date("29/02/2023", today), Some("bad-date"));
        assert_eq!(date("01/01/2030", today), Some("bad-date"));
        assert_eq!(date("31/13/1990", today), Some("bad-date"));
    }

    #[test]
    fn names_and_phones() {
        assert_eq!(name("Kpă H'Lan"), None);
        assert_eq!(name("Lê"), Some("not-a-name"));
        assert_eq!(name("Lê V4n An"), Some("not-a-name"));
        assert_eq!(phone("0985288179"), None);
        assert_eq!(phone("985288179"), Some("bad-phone"));
    }
}
