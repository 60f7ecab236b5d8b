//! The labelled fields of a form on a page: every label of the form (and its stop phrases)
//! is looked for, a capitalised label only where it is printed with its capital (or right
//! after its item number, "4. số định danh": a capital read small); where
//! finds overlap the longest label wins, so "Họ, chữ đệm và tên chủ hộ" is not also "Họ,
//! chữ đệm và tên". A value runs from its label to the next label or the end of its line,
//! and on to following lines as far as the field allows while they continue it (a line
//! that starts in lower case, or after a comma).

use std::ops::Range;

use super::forms::{FieldDef, FormDef, ValueKind};
use super::text::PageText;
use super::values::{cut, is_item_number, tokens, Cut};
use crate::model::BoxedField;

/// One accepted find of a label: the field it belongs to (`None` for a stop phrase).
#[derive(Debug, Clone)]
struct Mark {
    field: Option<usize>,
    range: Range<usize>,
    /// The label as the definition spells it.
    label: Option<String>,
    /// Its place among its field's labels: the first a definition lists is preferred.
    rank: usize,
}

/// The labels of `form` as they stand on the page, in page order.
fn marks(page: &PageText, form: &FormDef) -> Vec<Mark> {
    let mut finds: Vec<(usize, Mark)> = Vec::new();
    let labels = form
        .fields
        .iter()
        .enumerate()
        .flat_map(|(i, f)| f.labels.iter().enumerate().map(move |l| (Some(i), l)))
        .chain(form.stops.iter().map(|s| (None, (0, s))));
    for (field, (rank, label)) in labels {
        let capital = label.chars().next().is_some_and(char::is_uppercase);
        for f in page.find(label) {
            // A label printed with a capital is a label only where it is so printed: the
            // same words in running text ("do thay đổi họ, chữ đệm và tên") are the value.
            let initial = page.chars[f.start];
            if capital && initial.is_lowercase() && !opens_item(page, f.start) {
                continue;
            }
            let len = label.chars().count();
            finds.push((
                len,
                Mark {
                    field,
                    range: f.start..f.end,
                    label: Some(label.clone()),
                    rank,
                },
            ));
        }
    }
    // Longest labels first; a shorter one inside an accepted find is part of it.
    finds.sort_by_key(|(len, m)| (std::cmp::Reverse(*len), m.range.start));
    let mut kept: Vec<Mark> = Vec::new();
    for (_, m) in finds {
        let overlaps = kept
            .iter()
            .any(|k| m.range.start < k.range.end && k.range.start < m.range.end);
        if !overlaps {
            kept.push(m);
        }
    }
    kept.sort_by_key(|m| m.range.start);
    kept
}

/// Whether only a form's item number ("4.") stands before `at` on its line: a label there
/// is a label even where the engine read its capital as a small letter ("4. số định danh").
fn opens_item(page: &PageText, at: usize) -> bool {
    let start = page.chars[..at]
        .iter()
        .rposition(|&c| c == '\n')
        .map_or(0, |i| i + 1);
    let before: String = page.chars[start..at].iter().collect();
    let mut tokens = before.split_whitespace();
    tokens.next().is_some_and(is_item_number) && tokens.next().is_none()
}

/// A value read from where it stands rather than from the text: an ID in a comb of boxes,
/// which the text gives on a line of its own.
#[derive(Debug, Clone)]
pub enum Read {
    Text(Cut),
    Boxed(BoxedField),
}

/// The values of the form's labelled fields, each with its field's index.
pub fn read(page: &PageText, form: &FormDef, boxed: &[BoxedField]) -> Vec<(usize, Read)> {
    let marks = marks(page, form);
    let mut out: Vec<(usize, Read)> = Vec::new();
    for (i, def) in form.fields.iter().enumerate() {
        let within = match &def.with {
            Some(with) => match clause_after(page, form, with, &out) {
                Some(r) => r,
                None => continue,
            },
            None => 0..page.chars.len(),
        };
        let mut mine: Vec<&Mark> = marks
            .iter()
            .filter(|m| m.field == Some(i) && within.contains(&m.range.start))
            .collect();
        if def.last {
            mine.reverse();
        }
        // Stable: within one label, page order (or the reverse, for `last`) stays.
        mine.sort_by_key(|m| m.rank);
        let found = mine.iter().find_map(|m| {
            if def.below {
                below(page, def, m, &marks).map(Read::Text)
            } else {
                let text = after(page, def, m, &marks).map(Read::Text);
                text.or_else(|| in_boxes(page, def, m, boxed).map(Read::Boxed))
            }
        });
        if let Some(c) = found {
            out.push((i, c));
        }
    }
    out
}

/// Where a field `with` another may stand: from the end of that field's value to the end
/// of its clause (a `;`, a full stop before a capital, or a line starting a list item).
fn clause_after(
    page: &PageText,
    form: &FormDef,
    with: &str,
    found: &[(usize, Read)],
) -> Option<Range<usize>> {
    let start = found.iter().find_map(|(i, r)| match r {
        Read::Text(c) if form.fields[*i].name == with => Some(c.range.end),
        _ => None,
    })?;
    let chars = &page.chars;
    let mut end = start;
    while end < chars.len() {
        let next = chars.get(end + 1).copied().unwrap_or(' ');
        let after = chars.get(end + 2).copied().unwrap_or('A');
        let stop = match chars[end] {
            ';' => true,
            // A sentence ends where the next starts with a capital; a comma misread as a
            // full stop ("Lê Gia Tùng. số định danh") does not end it.
            '.' => next.is_whitespace() && after.is_uppercase(),
            '\n' => next == '-' || next == '+',
            _ => false,
        };
        if stop {
            break;
        }
        end += 1;
    }
    Some(start..end)
}

/// The value after a label, up to the next label, over as many lines as the field allows.
/// A stop phrase ends the value's part of a line but not the value: in a two-column header
/// read as one, "ỦY BAN NHÂN DÂN CỘNG HÒA XÃ HỘI …" goes on with "THÀNH PHỐ THANH HÓA" on
/// the next line.
fn after(page: &PageText, def: &FieldDef, mark: &Mark, marks: &[Mark]) -> Option<Cut> {
    let start = if def.keep_label {
        mark.range.start
    } else {
        mark.range.end
    };
    let mut part = start..part_end(page, marks, mark.range.end);
    // A label that ends its line (a sentence wrapped after "sinh ngày") has its value at
    // the start of the next one.
    let bare = tokens(page, mark.range.end..part.end).is_empty();
    if bare && !def.keep_label && ends_line(page, part.end) && part.end < page.chars.len() {
        part = part.end + 1..part_end(page, marks, part.end + 1);
    }
    let mut parts = vec![part];
    while parts.len() < def.lines {
        let last = parts[parts.len() - 1].end;
        let at = page.line_end(last);
        let by_label = !ends_line(page, last)
            && marks
                .iter()
                .any(|m| m.range.start == last && m.field.is_some());
        if by_label || at >= page.chars.len() {
            break;
        }
        let next = at + 1..part_end(page, marks, at + 1);
        if !continues(page, &parts, &next) {
            break;
        }
        parts.push(next);
    }
    let words: Vec<_> = parts.iter().flat_map(|p| tokens(page, p.clone())).collect();
    let mut c = cut(def.kind, &words)?;
    if def.keep_label {
        c.value = spelled(page, mark, &c.value);
    }
    Some(c)
}

/// Where the part of a value from `at` ends: the next label or stop, or the line's end.
fn part_end(page: &PageText, marks: &[Mark], at: usize) -> usize {
    let next_mark = marks
        .iter()
        .map(|m| m.range.start)
        .find(|&s| s >= at)
        .unwrap_or(page.chars.len());
    page.line_end(at).min(next_mark)
}

fn ends_line(page: &PageText, at: usize) -> bool {
    at >= page.chars.len() || page.chars[at] == '\n'
}

/// A value that starts with its label, the label spelled as the definition does (the
/// engine drops marks from headings: ỦY BAN NHÂN DẪN), in capitals where it was printed so.
fn spelled(page: &PageText, mark: &Mark, value: &str) -> String {
    let Some(label) = &mark.label else {
        return value.to_string();
    };
    let printed = page.slice(mark.range.clone());
    let len = printed.chars().count();
    let rest: String = value.chars().skip(len).collect();
    let capitals = !printed.chars().any(char::is_lowercase);
    let label = if capitals {
        label.to_uppercase()
    } else {
        label.clone()
    };
    format!("{label}{rest}")
}

/// The comb of boxes level with the label and right of it, for an ID field whose text
/// holds no value after its label.
fn in_boxes(
    page: &PageText,
    def: &FieldDef,
    mark: &Mark,
    boxed: &[BoxedField],
) -> Option<BoxedField> {
    if def.kind != ValueKind::Id {
        return None;
    }
    let (_, [left, top, width, height]) = page.evidence(mark.range.clone())?;
    let middle = top + height / 2;
    boxed
        .iter()
        .filter(|b| b.kind == "id" && b.left + b.width / 2 > left + width)
        .filter(|b| b.top <= middle + height && middle <= b.top + b.height + height)
        .min_by_key(|b| b.top.abs_diff(top) * 4 + b.left.abs_diff(left + width))
        .cloned()
}

/// Whether the line part `next` continues the value made of `parts`: it does not start a
/// new item (a number, a label with its colon), the value so far does not end a sentence,
/// and it is in capitals when the value is (a heading of two lines) and not otherwise (the
/// heading that follows a subject).
fn continues(page: &PageText, parts: &[Range<usize>], next: &Range<usize>) -> bool {
    let line = tokens(page, next.clone());
    let Some(first) = line.first() else {
        return false;
    };
    let so_far: Vec<char> = parts
        .iter()
        .flat_map(|p| page.chars[p.clone()].to_vec())
        .collect();
    let before = so_far.iter().rev().find(|c| !c.is_whitespace());
    let ended = before.is_some_and(|c| matches!(c, '.' | ';' | ':'));
    let labelled = line.iter().take(6).any(|t| t.text.ends_with(':'));
    let capitals = |s: &[char]| {
        let letters = s.iter().filter(|c| c.is_alphabetic());
        let (upper, all) = letters.fold((0, 0), |(u, a), c| {
            (u + usize::from(c.is_uppercase()), a + 1)
        });
        all > 0 && upper * 10 >= all * 8
    };
    let same_case = capitals(&so_far) == capitals(&page.chars[next.clone()]);
    !ended && !labelled && !is_item_number(&first.text) && same_case
}

/// The first of the next few lines under the label that is wholly a value of the field's
/// kind (a signer's name under the title above the signature).
fn below(page: &PageText, def: &FieldDef, mark: &Mark, marks: &[Mark]) -> Option<Cut> {
    let mut at = page.line_end(mark.range.end);
    for _ in 0..LINES_BELOW {
        if at >= page.chars.len() {
            return None;
        }
        let end = page.line_end(at + 1);
        // A line with a label is a title, not the value (PHÓ CHỦ TỊCH under KT. CHỦ TỊCH).
        if marks
            .iter()
            .any(|m| m.range.start > at && m.range.start < end)
        {
            at = end;
            continue;
        }
        let line = tokens(page, at + 1..end);
        if let Some(c) = cut(def.kind, &line) {
            let whole = line.last().is_some_and(|t| t.range.end <= c.range.end + 1);
            if whole {
                return Some(c);
            }
        }
        at = end;
    }
    None
}

/// How far under its label a value may stand: a title of two lines, a seal or a
/// signature read as a stray line or two.
const LINES_BELOW: usize = 5;

#[cfg(test)]
mod tests {
    use super::super::forms::Forms;
    use super::super::text::tests::words;
    use super::*;

    fn values(form: &str, lines: &[&str]) -> Vec<(String, String)> {
        let forms = Forms::built_in();
        let def = forms.forms.iter().find(|f| f.id == form).unwrap();
        let w = words(lines);
        let page = PageText::new(&w);
        read(&page, def, &[])
            .into_iter()
            .map(|(i, r)| match r {
                Read::Text(c) => (def.fields[i].name.clone(), c.value),
                Read::Boxed(b) => (def.fields[i].name.clone(), b.value),
            })
            .collect()
    }

    fn get<'a>(v: &'a [(String, String)], name: &str) -> Option<&'a str> {
        v.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    #[test]
    fn a_label_read_in_small_letters_after_its_item_number_is_a_label_and_in_prose_is_not() {
        let v = values(
            "ct01",
            &[
                "1. Họ, chữ đệm và tên: LÊ XUÂN QUYẾT",
                "4. số định danh cá nhân: 026069028401",
                "10. Nội dung đề nghị(2): Điều chỉnh thông tin do thay đổi số định danh cá nhân",
            ],
        );
        assert_eq!(get(&v, "id_number"), Some("026069028401"));
        assert_eq!(
            get(&v, "request"),
            Some("Điều chỉnh thông tin do thay đổi số định danh cá nhân")
        );
    }

    #[test]
    fn overlapping_labels_give_each_field_its_own_value() {
        let v = values(
            "ct01",
            &[
                "1. Họ, chữ đệm và tên: LÊ XUÂN QUYẾT",
                "2. Ngày, tháng, năm sinh: 13/09/1945 3. Giới tính: Nam",
                "7. Họ, chữ đệm và tên chủ hộ: Trần Thị Ánh",
                "9. Số định danh cá nhân của chủ hộ: 027148433134",
                "10. Nội dung đề nghị(2): Đăng ký thường trú vào hộ tại Số 115,",
                "phường Hàng Bạc, quận Hoàn Kiếm.",
                "11. Những thành viên",
            ],
        );
        assert_eq!(get(&v, "name"), Some("Lê Xuân Quyết"));
        assert_eq!(get(&v, "dob"), Some("13/09/1945"));
        assert_eq!(get(&v, "gender"), Some("Nam"));
        assert_eq!(get(&v, "head_of_household"), Some("Trần Thị Ánh"));
        assert_eq!(get(&v, "head_id_number"), Some("027148433134"));
        assert_eq!(get(&v, "id_number"), None);
        assert_eq!(
            get(&v, "request"),
            Some("Đăng ký thường trú vào hộ tại Số 115, phường Hàng Bạc, quận Hoàn Kiếm")
        );
    }

    #[test]
    fn a_decisions_person_keeps_their_own_date_and_id_not_a_relatives() {
        let v = values(
            "quyet-dinh",
            &[
                "Điều 1. Xóa đăng ký thường trú đối với công dân NGUYỄN QUỐC SƠN, số",
                "định danh cá nhân 048055615254, tại Số 202 đường Trần Phú.",
                "- Huỳnh Thị Ngọc, sinh ngày 04/11/1952, số định danh 048152698617;",
            ],
        );
        assert_eq!(get(&v, "name"), Some("Nguyễn Quốc Sơn"));
        assert_eq!(get(&v, "id_number"), Some("048055615254"));
        assert_eq!(get(&v, "dob"), None);
        let v = values(
            "quyet-dinh",
            &[
                "Điều 1. Điều chỉnh thông tin của công dân TRẦN MINH LƯỢNG, sinh ngày",
                "24/04/1961, số định danh cá nhân 075061369399, trong Cơ sở dữ liệu.",
            ],
        );
        assert_eq!(get(&v, "dob"), Some("24/04/1961"));
        assert_eq!(get(&v, "id_number"), Some("075061369399"));
    }

    #[test]
    fn a_signer_is_the_name_under_the_last_title() {
        let v = values(
            "quyet-dinh",
            &[
                "CHỦ TỊCH ỦY BAN NHÂN DÂN HUYỆN SÓC SƠN",
                "Nơi nhận:",
                "KT. CHỦ TỊCH",
                "PHÓ CHỦ TỊCH",
                "Trần Thị Thủy",
            ],
        );
        assert_eq!(get(&v, "signer"), Some("Trần Thị Thủy"));
    }
}
