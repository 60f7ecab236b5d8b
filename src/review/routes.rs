//! The station's requests: the page and its script, the queue and one page as JSON, a
//! page's image as PNG (by the page's catalog id only), and decisions (POST). Every request
//! is checked by `auth.rs` first; anything else is 404.

use std::io::{Cursor, Read};

use chrono::Utc;
use serde::Deserialize;
use serde_json::{json, Value};
use tiny_http::{Header, Method, Request, Response};

use super::auth::{Tokens, COOKIE, CSRF_HEADER};
use crate::catalog::{Catalog, CatalogError, NewReview, QueueFilter, ReviewAction, ReviewPage};
use crate::content::ContentId;
use crate::decode::{page_png, DecodeLimits};
use crate::store::ObjectStore;

/// Widest image sent: enough to read a form on a desktop screen, far less than a 300 dpi scan.
const IMAGE_WIDTH: u32 = 1400;

/// Largest decision body read: a page's whole corrected text, many times over.
const MAX_BODY: u64 = 256 * 1024;

const PAGE_HTML: &str = include_str!("../../assets/review/index.html");
const SCRIPT: &str = include_str!("../../assets/review/review.js");
const STYLE: &str = include_str!("../../assets/review/review.css");

/// What the handlers share: the catalog connection and what decisions need.
pub(super) struct State {
    pub catalog: Catalog,
    pub store: ObjectStore,
    pub reviewer: String,
    pub sure: f32,
}

type Reply = Response<Cursor<Vec<u8>>>;

/// Answer one request; a failed answer (the browser went away) is not the station's problem.
pub(super) fn handle(state: &mut State, tokens: &Tokens, mut request: Request) {
    let reply = route(state, tokens, &mut request);
    let _ = request.respond(reply);
}

fn route(state: &mut State, tokens: &Tokens, request: &mut Request) -> Reply {
    let (path, query) = match request.url().split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (request.url().to_string(), String::new()),
    };
    let query_token = param(&query, "token");
    let cookie = header(request, "Cookie");
    if !tokens.admits(query_token.as_deref(), cookie.as_deref()) {
        return text(
            403,
            "forbidden: open the address sohoa review printed, token included",
        );
    }
    let method = request.method().clone();
    if method == Method::Post && !tokens.csrf_ok(header(request, CSRF_HEADER).as_deref()) {
        return text(
            403,
            "forbidden: this request does not come from the review page",
        );
    }
    let outcome = match (method, path.as_str()) {
        (Method::Get, "/") => Ok(page(tokens, query_token.is_some())),
        (Method::Get, "/review.js") => Ok(bytes(200, SCRIPT.into(), "text/javascript")),
        (Method::Get, "/review.css") => Ok(bytes(200, STYLE.into(), "text/css")),
        (Method::Get, "/api/queue") => queue(state, &query),
        (Method::Get, p) if p.starts_with("/api/page/") => {
            page_json(state, &p["/api/page/".len()..])
        }
        (Method::Get, p) if p.starts_with("/image/") => image(state, &p["/image/".len()..]),
        (Method::Post, "/api/review") => decide(state, request),
        _ => Ok(not_found()),
    };
    outcome.unwrap_or_else(|e| text(500, &format!("{e}")))
}

/// The page, with the CSRF token for its script; the first visit also leaves the access
/// token as a cookie so the address bar can drop it.
fn page(tokens: &Tokens, first_visit: bool) -> Reply {
    let html = PAGE_HTML.replace("{{csrf}}", tokens.csrf());
    let mut reply = bytes(200, html.into_bytes(), "text/html; charset=utf-8");
    if first_visit {
        let cookie = format!(
            "{COOKIE}={}; HttpOnly; SameSite=Strict; Path=/",
            tokens.access()
        );
        if let Ok(h) = Header::from_bytes("Set-Cookie", cookie) {
            reply = reply.with_header(h);
        }
    }
    reply
}

fn queue(state: &State, query: &str) -> Result<Reply, CatalogError> {
    let filter = QueueFilter {
        collection: param(query, "collection").filter(|v| !v.is_empty()),
        reason: param(query, "reason").filter(|v| !v.is_empty()),
        operator: param(query, "operator").filter(|v| !v.is_empty()),
    };
    let all = state.catalog.review_queue(&QueueFilter::default())?;
    let chosen = state.catalog.review_queue(&filter)?;
    let mut collections: Vec<&str> = all.iter().map(|d| d.collection.as_str()).collect();
    let mut operators: Vec<&str> = all.iter().filter_map(|d| d.operator.as_deref()).collect();
    let mut reasons: Vec<&str> = all
        .iter()
        .flat_map(|d| {
            d.pages
                .iter()
                .flat_map(|p| p.flags.iter().map(String::as_str))
        })
        .collect();
    for list in [&mut collections, &mut operators, &mut reasons] {
        list.sort_unstable();
        list.dedup();
    }
    Ok(json_reply(&json!({
        "reviewer": state.reviewer,
        "dossiers": chosen,
        "collections": collections,
        "reasons": reasons,
        "operators": operators,
    })))
}

fn page_json(state: &State, id: &str) -> Result<Reply, CatalogError> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(not_found());
    };
    match state.catalog.review_page(id)? {
        Some(page) => Ok(json_reply(&page_value(&page, state.sure))),
        None => Ok(not_found()),
    }
}

/// The page as the script reads it: each value also says whether it is still unsure.
fn page_value(page: &ReviewPage, sure: f32) -> Value {
    let mut value = json!(page);
    if let Some(fields) = value["fields"].as_array_mut() {
        for (json, field) in fields.iter_mut().zip(&page.fields) {
            json["unsure"] = json!(is_unsure(field, sure));
        }
    }
    value
}

fn is_unsure(field: &crate::catalog::ReviewField, sure: f32) -> bool {
    field.decision.is_none() && (field.doubt.is_some() || field.confidence < f64::from(sure))
}

/// Page `id`'s image from the archive's own object, checked against its checksum first.
fn image(state: &State, id: &str) -> Result<Reply, CatalogError> {
    let Ok(id) = id.parse::<i64>() else {
        return Ok(not_found());
    };
    let Some(found) = state.catalog.page_object(id)? else {
        return Ok(not_found());
    };
    let Ok(data) = std::fs::read(state.store.path_of(&found.object)) else {
        return Ok(text(
            500,
            "the page's original is missing from the archive: run sohoa verify",
        ));
    };
    if ContentId::of_bytes(&data) != found.object {
        return Ok(text(
            500,
            "the page's original does not match its checksum: run sohoa verify",
        ));
    }
    Ok(
        match page_png(
            &data,
            found.page_index,
            &DecodeLimits::default(),
            IMAGE_WIDTH,
        ) {
            Ok(Some(png)) => bytes(200, png, "image/png"),
            Ok(None) => not_found(),
            Err(e) => text(500, &format!("cannot show the page: {e}")),
        },
    )
}

/// A decision as the script posts it.
#[derive(Debug, Deserialize)]
struct Decision {
    page: i64,
    /// `accept`, `correct`, `text` (the page's whole corrected text in `value`) or `done`.
    action: String,
    field: Option<i64>,
    value: Option<String>,
}

fn decide(state: &mut State, request: &mut Request) -> Result<Reply, CatalogError> {
    let mut body = Vec::new();
    if request
        .as_reader()
        .take(MAX_BODY)
        .read_to_end(&mut body)
        .is_err()
    {
        return Ok(text(400, "unreadable request"));
    }
    let Ok(decision) = serde_json::from_slice::<Decision>(&body) else {
        return Ok(text(400, "not a decision"));
    };
    let actions = match actions(state, &decision)? {
        Some(actions) => actions,
        None => return Ok(text(400, "not a decision")),
    };
    for action in actions {
        let review = NewReview {
            page: decision.page,
            action,
            reviewer: &state.reviewer,
            at: Utc::now(),
        };
        match state.catalog.record_review(&review) {
            Ok(_) => {}
            Err(e @ CatalogError::NotReviewable { .. }) => return Ok(text(409, &e.to_string())),
            Err(e) => return Err(e),
        }
    }
    page_json(state, &decision.page.to_string())
}

/// The decisions a posted one stands for: `done` accepts every value still unsure (the
/// reviewer saw them and left them) and then clears the page.
fn actions(state: &State, d: &Decision) -> Result<Option<Vec<ReviewAction>>, CatalogError> {
    Ok(match (d.action.as_str(), d.field, &d.value) {
        ("accept", Some(field), _) => Some(vec![ReviewAction::Accept { field }]),
        ("correct", Some(field), Some(value)) => Some(vec![ReviewAction::Correct {
            field,
            value: value.trim().to_string(),
        }]),
        // Browsers give a textarea's lines with CRLF in forms; the catalog keeps LF, as read.
        ("text", None, Some(text)) => Some(vec![ReviewAction::Text {
            text: text.replace("\r\n", "\n"),
        }]),
        ("done", None, _) => {
            let Some(page) = state.catalog.review_page(d.page)? else {
                return Ok(None);
            };
            let mut actions: Vec<ReviewAction> = page
                .fields
                .iter()
                .filter(|f| is_unsure(f, state.sure))
                .map(|f| ReviewAction::Accept { field: f.id })
                .collect();
            if !page.cleared && !page.flags.is_empty() {
                actions.push(ReviewAction::Clear);
            }
            Some(actions)
        }
        _ => None,
    })
}

fn header(request: &Request, name: &'static str) -> Option<String> {
    request
        .headers()
        .iter()
        .find(|h| h.field.equiv(name))
        .map(|h| h.value.as_str().to_string())
}

/// A query parameter, percent-decoded (`+` is a space, as forms send it).
fn param(query: &str, name: &str) -> Option<String> {
    query
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| percent_decode(v))
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn bytes(status: u16, body: Vec<u8>, content_type: &str) -> Reply {
    let mut reply = Response::from_data(body).with_status_code(status);
    for (name, value) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        (
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self'; frame-ancestors 'none'",
        ),
    ] {
        if let Ok(h) = Header::from_bytes(name, value) {
            reply = reply.with_header(h);
        }
    }
    reply
}

fn text(status: u16, message: &str) -> Reply {
    bytes(
        status,
        message.as_bytes().to_vec(),
        "text/plain; charset=utf-8",
    )
}

fn json_reply(value: &Value) -> Reply {
    bytes(200, value.to_string().into_bytes(), "application/json")
}

fn not_found() -> Reply {
    text(404, "not found")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded() {
        let q = "collection=cu-tru&operator=Nguy%E1%BB%85n+Hoa&reason=";
        assert_eq!(param(q, "collection").as_deref(), Some("cu-tru"));
        assert_eq!(param(q, "operator").as_deref(), Some("Nguyễn Hoa"));
        assert_eq!(param(q, "reason").as_deref(), Some(""));
        assert_eq!(param(q, "token"), None);
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }
}
