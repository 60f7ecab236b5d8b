//! Debian's Chromium, headless, as the report's reader: a screenshot to check a page is not
//! blank, and the boxes the browser laid out for the chart's labels, measured by a script
//! added to a copy of the page (the page itself carries none), to check none overlaps.

use std::path::Path;
use std::time::Duration;

use crate::common;

/// Run Chromium headless on a page; returns its stdout.
pub fn chromium(work: &Path, args: &[&str], page: &Path) -> Vec<u8> {
    let profile = tempfile::tempdir_in(work).unwrap();
    let child = std::process::Command::new("/usr/bin/chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=1240,1754",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(format!("file://{}", page.display()))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("/usr/bin/chromium: install it with scripts/setup");
    let out = common::wait_with_limit(child, Duration::from_secs(120));
    assert!(out.status.success(), "chromium: {}", common::describe(&out));
    out.stdout
}

/// Share of a screenshot's pixels that are not near-white.
pub fn ink_fraction(png: &Path) -> f64 {
    let img = image::open(png).expect("decode screenshot").to_rgb8();
    let ink = img
        .pixels()
        .filter(|p| p.0.iter().any(|&v| v < 230))
        .count();
    ink as f64 / (img.width() * img.height()) as f64
}

/// A laid-out box, in CSS pixels of the page.
#[derive(Debug, Clone)]
pub struct Boxed {
    pub text: String,
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

impl Boxed {
    fn of(v: &serde_json::Value) -> Boxed {
        let f = |k: &str| v[k].as_f64().unwrap_or(f64::NAN);
        Boxed {
            text: v["text"].as_str().unwrap_or_default().to_string(),
            left: f("left"),
            top: f("top"),
            right: f("right"),
            bottom: f("bottom"),
        }
    }

    /// Whether two boxes share more than a hair (half a pixel either way).
    pub fn overlaps(&self, other: &Boxed) -> bool {
        let e = 0.5;
        self.left + e < other.right
            && other.left + e < self.right
            && self.top + e < other.bottom
            && other.top + e < self.bottom
    }

    pub fn inside(&self, outer: &Boxed) -> bool {
        let e = 0.5;
        self.left + e >= outer.left
            && self.right <= outer.right + e
            && self.top + e >= outer.top
            && self.bottom <= outer.bottom + e
    }

    pub fn width(&self) -> f64 {
        self.right - self.left
    }
}

/// One chart as laid out: its drawing's box and the boxes of its labels.
#[derive(Debug)]
pub struct Chart {
    pub frame: Boxed,
    pub labels: Vec<Boxed>,
}

/// What the browser laid out: every chart, and the filled part of every progress bar.
#[derive(Debug)]
pub struct Layout {
    pub charts: Vec<Chart>,
    pub bars: Vec<Boxed>,
}

const MEASURE: &str = r#"<script>
const box = (e, text) => { const r = e.getBoundingClientRect();
  return { text, left: r.left, top: r.top, right: r.right, bottom: r.bottom }; };
const layout = {
  charts: [...document.querySelectorAll('svg')].map(svg => ({
    frame: box(svg, 'svg'),
    labels: [...svg.querySelectorAll('text')].map(t => box(t, t.textContent)) })),
  bars: [...document.querySelectorAll('.bar div')].map(b => box(b, b.className)),
};
const out = document.createElement('pre');
out.id = 'layout';
out.textContent = JSON.stringify(layout);
document.body.appendChild(out);
</script>"#;

/// Lay out a copy of `page` with the measuring script and read back what it measured.
pub fn layout(work: &Path, page: &Path) -> Layout {
    let html = std::fs::read_to_string(page).expect("read the page");
    let copy = work.join("measured.html");
    std::fs::write(&copy, html.replace("</body>", &format!("{MEASURE}</body>"))).unwrap();
    let dom = String::from_utf8(chromium(work, &["--dump-dom"], &copy)).unwrap();
    let start = dom.find("<pre id=\"layout\">").expect("the script ran") + 17;
    let end = start + dom[start..].find("</pre>").unwrap();
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    let v: serde_json::Value = serde_json::from_str(&json).expect("layout JSON");
    let all = |v: &serde_json::Value| v.as_array().unwrap().iter().map(Boxed::of).collect();
    Layout {
        charts: v["charts"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| Chart {
                frame: Boxed::of(&c["frame"]),
                labels: all(&c["labels"]),
            })
            .collect(),
        bars: all(&v["bars"]),
    }
}
