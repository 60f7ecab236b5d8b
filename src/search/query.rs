//! The user's query language and its translation to a safe FTS5 expression. User text never
//! reaches MATCH as typed: every term is re-built from its tokens (alphanumeric only) inside
//! double quotes, and only this grammar's operators pass through.
//!
//! Grammar: `query := or; or := and (OR and)*; and := item ((AND)? item)*;
//! item := NOT? atom; atom := WORD | WORD* | "PHRASE" | ( or )`. Operators are upper case
//! (lower-case "and", "or", "not" are words). A NOT needs a positive term in its group:
//! FTS5 cannot list every page without one. Characters that are FTS5 syntax and mean nothing
//! here (`: ^ { } +`, `NEAR`) are refused with a message rather than silently dropped.
//! Called by the catalog's search and by snippets (for the terms to highlight).

use super::fold::{tokens, Match};

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// Consecutive tokens (one token for a word); `prefix` on the last one.
    Terms {
        tokens: Vec<String>,
        prefix: bool,
    },
    And(Vec<Query>),
    Or(Vec<Query>),
    Not(Box<Query>),
}

/// Why a query was refused, said so that the person who typed it can fix it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    #[error("the query is empty")]
    Empty,
    #[error("a quote is not closed: add the closing \"")]
    UnclosedQuote,
    #[error("a parenthesis is not closed: add the closing )")]
    UnclosedParen,
    #[error("a ) has no matching (")]
    StrayParen,
    #[error("{op} needs a term on each side")]
    LoneOperator { op: &'static str },
    #[error("NOT needs a term to exclude from, as in `luong NOT tran`")]
    OnlyNot,
    #[error("{text:?} has no letters or digits to search for")]
    NoWord { text: String },
    #[error("parentheses nest deeper than {max}: write the query with fewer levels")]
    TooDeep { max: usize },
    #[error("{found:?} is not part of the query language: use words, \"phrases\", prefix*, AND, OR, NOT and ( )")]
    Syntax { found: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Lex {
    Word(String),
    Phrase(String),
    And,
    Or,
    Not,
    Open,
    Close,
}

fn lex(input: &str) -> Result<Vec<Lex>, QueryError> {
    let mut out = Vec::new();
    let mut chars = input.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        match c {
            c if c.is_whitespace() => {
                chars.next();
            }
            '"' => {
                chars.next();
                let rest = &input[i + 1..];
                let end = rest.find('"').ok_or(QueryError::UnclosedQuote)?;
                out.push(Lex::Phrase(rest[..end].to_string()));
                while chars.peek().is_some_and(|&(j, _)| j <= i + 1 + end) {
                    chars.next();
                }
            }
            '(' | ')' => {
                chars.next();
                out.push(if c == '(' { Lex::Open } else { Lex::Close });
            }
            _ => {
                let mut end = input.len();
                while let Some(&(j, d)) = chars.peek() {
                    if d.is_whitespace() || matches!(d, '"' | '(' | ')') {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                out.push(word(&input[i..end])?);
            }
        }
    }
    Ok(out)
}

fn word(text: &str) -> Result<Lex, QueryError> {
    if let Some(bad) = text
        .chars()
        .find(|c| matches!(c, ':' | '^' | '{' | '}' | '+'))
    {
        return Err(QueryError::Syntax {
            found: bad.to_string(),
        });
    }
    Ok(match text {
        "AND" => Lex::And,
        "OR" => Lex::Or,
        "NOT" => Lex::Not,
        "NEAR" => {
            return Err(QueryError::Syntax {
                found: text.to_string(),
            })
        }
        _ => Lex::Word(text.to_string()),
    })
}

/// Parse `input`; terms are normalised for `mode`.
///
/// # Errors
/// A [`QueryError`] naming what is wrong.
pub fn parse(input: &str, mode: Match) -> Result<Query, QueryError> {
    let lexed = lex(input)?;
    if lexed.is_empty() {
        return Err(QueryError::Empty);
    }
    if depth(&lexed) > MAX_DEPTH {
        return Err(QueryError::TooDeep { max: MAX_DEPTH });
    }
    let mut p = Parser { lexed, at: 0, mode };
    let q = p.or()?;
    match p.peek() {
        None => Ok(q),
        Some(Lex::Close) => Err(QueryError::StrayParen),
        Some(_) => Err(QueryError::LoneOperator { op: "AND" }),
    }
}

/// Deepest nesting of parentheses accepted. The parser recurses once per level and FTS5's
/// own expression parser gives up well before a stack would, with an error of its own; no
/// one searching an archive needs more than a few levels.
const MAX_DEPTH: usize = 16;

/// How deep the parentheses of `lexed` nest, counted before parsing so that a query of
/// thousands of `(` never reaches the recursive parser.
fn depth(lexed: &[Lex]) -> usize {
    let (mut now, mut most) = (0usize, 0usize);
    for l in lexed {
        match l {
            Lex::Open => {
                now += 1;
                most = most.max(now);
            }
            Lex::Close => now = now.saturating_sub(1),
            _ => {}
        }
    }
    most
}

struct Parser {
    lexed: Vec<Lex>,
    at: usize,
    mode: Match,
}

impl Parser {
    fn peek(&self) -> Option<&Lex> {
        self.lexed.get(self.at)
    }

    fn or(&mut self) -> Result<Query, QueryError> {
        let mut parts = vec![self.and()?];
        while self.peek() == Some(&Lex::Or) {
            self.at += 1;
            parts.push(self.and()?);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::Or(parts)
        })
    }

    fn and(&mut self) -> Result<Query, QueryError> {
        let mut parts = Vec::new();
        loop {
            match self.peek() {
                None | Some(Lex::Close) => break,
                Some(Lex::Or) if parts.is_empty() => {
                    return Err(QueryError::LoneOperator { op: "OR" })
                }
                Some(Lex::Or) => break,
                Some(Lex::And) if parts.is_empty() => {
                    return Err(QueryError::LoneOperator { op: "AND" })
                }
                Some(Lex::And) => {
                    self.at += 1;
                    if matches!(self.peek(), None | Some(Lex::Or | Lex::Close | Lex::And)) {
                        return Err(QueryError::LoneOperator { op: "AND" });
                    }
                }
                Some(_) => parts.push(self.item()?),
            }
        }
        if parts.is_empty() {
            let op = if self.at == 0 { "AND" } else { "OR" };
            return Err(match self.peek() {
                Some(Lex::Close) if self.at == 0 => QueryError::StrayParen,
                None if self.at == 0 => QueryError::Empty,
                _ => QueryError::LoneOperator { op },
            });
        }
        if parts.iter().all(|p| matches!(p, Query::Not(_))) {
            return Err(QueryError::OnlyNot);
        }
        Ok(if parts.len() == 1 {
            parts.remove(0)
        } else {
            Query::And(parts)
        })
    }

    fn item(&mut self) -> Result<Query, QueryError> {
        if self.peek() == Some(&Lex::Not) {
            self.at += 1;
            if matches!(
                self.peek(),
                None | Some(Lex::Or | Lex::And | Lex::Close | Lex::Not)
            ) {
                return Err(QueryError::LoneOperator { op: "NOT" });
            }
            return Ok(Query::Not(Box::new(self.atom()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Query, QueryError> {
        let lexed = self.lexed.get(self.at).cloned();
        self.at += 1;
        match lexed {
            Some(Lex::Word(w)) => self.terms(&w, true),
            Some(Lex::Phrase(p)) => self.terms(&p, false),
            Some(Lex::Open) => {
                let inner = self.or()?;
                if self.peek() != Some(&Lex::Close) {
                    return Err(QueryError::UnclosedParen);
                }
                self.at += 1;
                Ok(inner)
            }
            Some(Lex::Close) => Err(QueryError::StrayParen),
            _ => Err(QueryError::LoneOperator { op: "NOT" }),
        }
    }

    /// A word (which may end in `*`) or a phrase, as its tokens.
    fn terms(&self, text: &str, may_prefix: bool) -> Result<Query, QueryError> {
        let (body, prefix) = match text.strip_suffix('*') {
            Some(body) if may_prefix => (body, true),
            _ => (text, false),
        };
        if body.contains('*') || (!may_prefix && text.contains('*')) {
            return Err(QueryError::Syntax {
                found: "*".to_string(),
            });
        }
        let found: Vec<String> = tokens(body, self.mode)
            .into_iter()
            .map(|t| t.norm)
            .collect();
        if found.is_empty() {
            return Err(QueryError::NoWord {
                text: text.to_string(),
            });
        }
        Ok(Query::Terms {
            tokens: found,
            prefix,
        })
    }
}

impl Query {
    /// The query's words as one phrase, for queries of two or more plain words ("le van
    /// duc", "ha noi", with or without a `NOT`): the pages where they stand together, in
    /// order, are what such a query means, so they are ranked first. `None` for one word,
    /// a phrase already, an `OR`, or a prefix before the last word.
    pub fn together(&self) -> Option<Query> {
        let Query::And(parts) = self else { return None };
        let positive: Vec<&Query> = parts
            .iter()
            .filter(|p| !matches!(p, Query::Not(_)))
            .collect();
        if positive.len() < 2 {
            return None;
        }
        let mut joined = Vec::new();
        let mut last_prefix = false;
        for (n, part) in positive.iter().enumerate() {
            let Query::Terms { tokens, prefix } = part else {
                return None;
            };
            if *prefix && n + 1 < positive.len() {
                return None;
            }
            joined.extend(tokens.iter().cloned());
            last_prefix = *prefix;
        }
        Some(Query::Terms {
            tokens: joined,
            prefix: last_prefix,
        })
    }

    /// The FTS5 expression: every term quoted, `NOT` attached to the positive part.
    pub fn to_fts(&self) -> String {
        match self {
            Query::Terms { tokens, prefix } => {
                format!("\"{}\"{}", tokens.join(" "), if *prefix { "*" } else { "" })
            }
            Query::Or(parts) => {
                let inner: Vec<String> = parts.iter().map(Query::to_fts).collect();
                format!("({})", inner.join(" OR "))
            }
            Query::And(parts) => {
                let (neg, pos): (Vec<&Query>, Vec<&Query>) =
                    parts.iter().partition(|p| matches!(p, Query::Not(_)));
                let pos: Vec<String> = pos.iter().map(|p| p.to_fts()).collect();
                let mut out = format!("({})", pos.join(" AND "));
                for n in neg {
                    out = format!("({out} {})", n.to_fts());
                }
                out
            }
            Query::Not(inner) => format!("NOT {}", inner.to_fts()),
        }
    }

    /// The positive terms, to highlight: (tokens, prefix).
    pub fn highlights(&self) -> Vec<(Vec<String>, bool)> {
        match self {
            Query::Terms { tokens, prefix } => vec![(tokens.clone(), *prefix)],
            Query::And(parts) | Query::Or(parts) => {
                parts.iter().flat_map(Query::highlights).collect()
            }
            Query::Not(_) => Vec::new(),
        }
    }
}

#[cfg(test)]
#[path = "query_tests.rs"]
mod tests;
