//! The query grammar: what each accepted query becomes in FTS5, and the message for each
//! refused one.

use super::*;

fn fts(q: &str) -> String {
    parse(q, Match::Folded)
        .map(|q| q.to_fts())
        .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn accepted_queries_become_quoted_fts() {
    let cases = [
        ("nguyen van luong", "(\"nguyen\" AND \"van\" AND \"luong\")"),
        ("Đồng Nai", "(\"dong\" AND \"nai\")"),
        ("\"Nguyễn Văn\"", "\"nguyen van\""),
        ("luo*", "\"luo\"*"),
        ("a OR b", "(\"a\" OR \"b\")"),
        ("a AND b", "(\"a\" AND \"b\")"),
        ("luong NOT tran", "((\"luong\") NOT \"tran\")"),
        ("(a OR b) c", "((\"a\" OR \"b\") AND \"c\")"),
        ("CT-2023-0001", "\"ct 2023 0001\""),
        (
            "x\"); DROP TABLE page; --\"",
            "(\"x\" AND \"drop table page\")",
        ),
    ];
    for (q, want) in cases {
        assert_eq!(fts(q), want, "{q}");
    }
}

#[test]
fn malformed_queries_are_refused_with_a_reason() {
    let cases = [
        ("", QueryError::Empty),
        ("   ", QueryError::Empty),
        ("\"nguyen van", QueryError::UnclosedQuote),
        ("AND", QueryError::LoneOperator { op: "AND" }),
        ("OR luong", QueryError::LoneOperator { op: "OR" }),
        ("luong OR", QueryError::LoneOperator { op: "OR" }),
        ("luong AND", QueryError::LoneOperator { op: "AND" }),
        ("luong NOT", QueryError::LoneOperator { op: "NOT" }),
        ("NOT luong", QueryError::OnlyNot),
        ("(luong", QueryError::UnclosedParen),
        ("luong)", QueryError::StrayParen),
        ("text:luong", QueryError::Syntax { found: ":".into() }),
        (
            "NEAR(a b)",
            QueryError::Syntax {
                found: "NEAR".into(),
            },
        ),
        ("^luong", QueryError::Syntax { found: "^".into() }),
        ("lu*ong", QueryError::Syntax { found: "*".into() }),
        ("--", QueryError::NoWord { text: "--".into() }),
    ];
    for (q, want) in cases {
        assert_eq!(parse(q, Match::Folded), Err(want), "{q:?}");
    }
}

#[test]
fn nesting_is_limited_before_parsing() {
    let nested = |n: usize| format!("{}luong{}", "(".repeat(n), ")".repeat(n));
    assert!(parse(&nested(16), Match::Folded).is_ok());
    let too_deep = Err(QueryError::TooDeep { max: 16 });
    assert_eq!(parse(&nested(17), Match::Folded), too_deep);
    // Thousands of levels would overflow the recursive parser's stack if it saw them.
    assert_eq!(parse(&"(".repeat(15_000), Match::Folded), too_deep);
}

#[test]
fn plain_words_make_a_phrase_to_rank_first() {
    let together = |q: &str| {
        parse(q, Match::Folded)
            .ok()
            .and_then(|q| q.together())
            .map(|t| t.to_fts())
    };
    assert_eq!(together("Lê Văn Đức").as_deref(), Some("\"le van duc\""));
    assert_eq!(together("ha noi NOT phi").as_deref(), Some("\"ha noi\""));
    assert_eq!(
        together("nguyen van lu*").as_deref(),
        Some("\"nguyen van lu\"*")
    );
    assert_eq!(
        together("\"ha noi\" 2023").as_deref(),
        Some("\"ha noi 2023\"")
    );
    for alone in [
        "luong",
        "\"le van\"",
        "a OR b",
        "ngu* van",
        "(a OR b) c",
        "luong NOT tran",
    ] {
        assert_eq!(together(alone), None, "{alone}");
    }
}
