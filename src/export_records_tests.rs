use super::*;
use crate::model::FormRecord;

fn value(name: &str, value: &str, confidence: f32, doubt: Option<&str>) -> FieldValue {
    FieldValue {
        name: name.into(),
        value: value.into(),
        confidence,
        doubt: doubt.map(str::to_string),
        left: 1,
        top: 2,
        width: 3,
        height: 4,
    }
}

fn ct01(rel_path: &str, dossier: &str) -> FormPage {
    FormPage {
        collection: "cu-tru".into(),
        dossier: dossier.into(),
        rel_path: rel_path.into(),
        page_index: 0,
        page_count: 1,
        form: FormRecord {
            form: "ct01".into(),
            fields: vec![
                value("name", "Nguyễn Văn An", 96.0, None),
                value("dob", "31/02/1990", 60.0, Some("bad-date")),
                value("id_number", "001090012345", 97.5, None),
                value("head_of_household", "Trần Thị Bích, Hà", 88.0, None),
                value("permanent_address", "Số 1, phố Huế", 90.0, None),
            ],
            members: vec![vec![
                value("name", "Nguyễn Văn Bình", 91.0, None),
                value("relation", "Con", 93.0, None),
            ]],
        },
    }
}

#[test]
fn the_file_is_named_relative_to_its_dossier() {
    assert_eq!(
        file_in_dossier(&ct01("HS-1/trang-1.jpg", "HS-1")),
        "trang-1.jpg"
    );
    assert_eq!(
        file_in_dossier(&ct01("a/HS-1/b/p.tif", "a/HS-1")),
        "b/p.tif"
    );
    assert_eq!(file_in_dossier(&ct01("QD-7.tif", "QD-7")), "QD-7.tif");
    assert_eq!(file_in_dossier(&ct01("HS-10/p.jpg", "HS-1")), "p.jpg");
}

#[test]
fn a_json_line_holds_the_fields_by_name_and_the_members() {
    let line = json_line(&ct01("HS-1/trang-1.jpg", "HS-1"));
    assert!(line.ends_with('\n') && !line.trim_end().contains('\n'));
    let doc: Value = serde_json::from_str(&line).unwrap();
    assert_eq!(doc["file"], "trang-1.jpg");
    assert_eq!(doc["page_index"], 1);
    assert_eq!(doc["form"], "ct01");
    assert_eq!(doc["fields"]["name"]["value"], "Nguyễn Văn An");
    assert_eq!(doc["fields"]["id_number"]["confidence"], 97.5);
    assert_eq!(doc["fields"]["dob"]["doubt"], "bad-date");
    assert!(doc["fields"]["name"]["doubt"].is_null());
    assert_eq!(doc["fields"]["members"][0]["relation"]["value"], "Con");
}

#[test]
fn csv_gives_one_row_per_person_with_its_least_confidence_and_doubts() {
    let rows = csv_rows(&ct01("HS-1/trang-1.jpg", "HS-1"));
    assert_eq!(
        rows,
        [
            "HS-1,trang-1.jpg,1,ct01,declarant,Nguyễn Văn An,31/02/1990,,001090012345,,60,\
             dob:bad-date\r\n",
            "HS-1,trang-1.jpg,1,ct01,head,\"Trần Thị Bích, Hà\",,,,,88,\r\n",
            "HS-1,trang-1.jpg,1,ct01,member,Nguyễn Văn Bình,,,,Con,91,\r\n",
        ]
    );
}

#[test]
fn a_form_without_people_has_no_csv_rows() {
    let mut page = ct01("QD-7.tif", "QD-7");
    page.form.form = "quyet-dinh".into();
    page.form.fields = vec![value("decision_number", "12/QĐ-UBND", 90.0, None)];
    page.form.members.clear();
    assert!(csv_rows(&page).is_empty());
}
