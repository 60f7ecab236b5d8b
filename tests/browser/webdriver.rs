//! A minimal WebDriver client for Debian's `chromedriver`: just the commands the review
//! tests use (open a page, find an element, click, type, screenshot), over a tiny HTTP/1.1
//! client on a plain socket, one request per connection.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

/// WebDriver's name for an element reference in JSON.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// Keys as WebDriver spells them.
pub const ENTER: &str = "\u{E007}";
pub const CONTROL: &str = "\u{E009}";
pub const RELEASE: &str = "\u{E000}";
pub const SHIFT: &str = "\u{E008}";
pub const ALT: &str = "\u{E00A}";
pub const HOME: &str = "\u{E011}";
pub const RIGHT: &str = "\u{E014}";

/// One HTTP request; returns the status and the body.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(180)))
        .expect("timeout");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        request.push_str(&format!("{k}: {v}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    stream.write_all(request.as_bytes()).expect("send");
    // Read up to the end of the body its length announces: not every server closes the
    // connection when asked to.
    let mut raw = Vec::new();
    let mut buf = [0u8; 65536];
    let (split, head) = loop {
        let n = stream.read(&mut buf).expect("receive");
        assert!(n > 0, "connection closed before the response's head");
        raw.extend_from_slice(&buf[..n]);
        if let Some(split) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            break (split, String::from_utf8_lossy(&raw[..split]).to_string());
        }
    };
    let length = head
        .lines()
        .find_map(|l| {
            l.to_ascii_lowercase()
                .strip_prefix("content-length:")
                .map(|v| v.trim().to_string())
        })
        .and_then(|v| v.parse::<usize>().ok());
    match length {
        Some(length) => {
            while raw.len() < split + 4 + length {
                let n = stream.read(&mut buf).expect("receive");
                assert!(n > 0, "connection closed before the response's end");
                raw.extend_from_slice(&buf[..n]);
            }
        }
        None => {
            stream.read_to_end(&mut raw).expect("receive");
        }
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    let mut body = raw[split + 4..].to_vec();
    if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        body = unchunk(&body);
    }
    (status, body)
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(end) = data.windows(2).position(|w| w == b"\r\n") {
        let size =
            usize::from_str_radix(std::str::from_utf8(&data[..end]).unwrap_or("0").trim(), 16)
                .unwrap_or(0);
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[end + 2..end + 2 + size]);
        data = &data[end + 2 + size + 2..];
    }
    out
}

/// A free local port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

/// A headless Chromium driven by chromedriver; both end when this is dropped.
pub struct Browser {
    driver: Child,
    port: u16,
    session: String,
    _profile: tempfile::TempDir,
}

impl Browser {
    pub fn start() -> Browser {
        let port = free_port();
        let driver = Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("/usr/bin/chromedriver: install chromium-driver with scripts/setup");
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        let profile = tempfile::tempdir().expect("profile");
        let caps = json!({"capabilities": {"alwaysMatch": {"browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1400,900",
                "--disable-background-networking", "--disable-component-update", "--no-first-run",
                format!("--user-data-dir={}", profile.path().display())]}}}});
        let mut browser = Browser {
            driver,
            port,
            session: String::new(),
            _profile: profile,
        };
        let created = browser.call("POST", "/session", &caps);
        browser.session = created["sessionId"].as_str().expect("session").to_string();
        browser
    }

    fn call(&self, method: &str, path: &str, body: &Value) -> Value {
        let text = if method == "GET" {
            String::new()
        } else {
            body.to_string()
        };
        let (status, out) = http(
            self.port,
            method,
            path,
            &[("Content-Type", "application/json")],
            &text,
        );
        let value: Value = serde_json::from_slice(&out).expect("WebDriver JSON");
        assert_eq!(status, 200, "{method} {path}: {value}");
        value["value"].clone()
    }

    fn session(&self, method: &str, path: &str, body: Value) -> Value {
        self.call(method, &format!("/session/{}{path}", self.session), &body)
    }

    pub fn open(&self, url: &str) {
        self.session("POST", "/url", json!({ "url": url }));
    }

    /// The element `css` selects, waiting up to 30 s for it to appear.
    pub fn find(&self, css: &str) -> String {
        let start = Instant::now();
        loop {
            let (status, out) = http(
                self.port,
                "POST",
                &format!("/session/{}/element", self.session),
                &[("Content-Type", "application/json")],
                &json!({"using": "css selector", "value": css}).to_string(),
            );
            if status == 200 {
                let value: Value = serde_json::from_slice(&out).expect("JSON");
                let id = value["value"][ELEMENT].as_str();
                return id
                    .unwrap_or_else(|| panic!("element {css}: {value}"))
                    .to_string();
            }
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no element {css}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    pub fn click(&self, element: &str) {
        self.session("POST", &format!("/element/{element}/click"), json!({}));
    }

    /// Type `text` into `element` as a keyboard would.
    pub fn keys(&self, element: &str, text: &str) {
        self.session(
            "POST",
            &format!("/element/{element}/value"),
            json!({ "text": text }),
        );
    }

    /// A PNG of the window.
    pub fn screenshot(&self) -> Vec<u8> {
        let b64 = self.session("GET", "/screenshot", json!({}));
        base64(b64.as_str().expect("base64"))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let path = format!("/session/{}", self.session);
            let _ = http(self.port, "DELETE", &path, &[], "");
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn base64(text: &str) -> Vec<u8> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        _ => 63,
    };
    let clean: Vec<u8> = text
        .bytes()
        .filter(|c| c.is_ascii_alphanumeric() || *c == b'+' || *c == b'/')
        .collect();
    let mut out = Vec::with_capacity(clean.len() * 3 / 4);
    for chunk in clean.chunks(4) {
        let n = chunk.iter().enumerate().fold(0u32, |acc, (i, c)| {
            acc | (u32::from(value(*c)) << (18 - 6 * i))
        });
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}
