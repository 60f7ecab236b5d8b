//! Per-step cost of page preparation outside the engine, in milliseconds per page (median
//! over the pages given): decoding, the blank check, the skew measure, cleaning.
//!
//!   cargo run --release --example prep_costs -- FILE...

use std::time::Instant;

use sohoa::decode::{self, DecodeLimits, PageImage};
use sohoa::prep::{self, Gray};

fn main() {
    let mut steps: Vec<(&str, Vec<f64>)> = ["decode", "blank", "skew", "clean"]
        .into_iter()
        .map(|s| (s, Vec::new()))
        .collect();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("readable file");
        let mut pages: Vec<PageImage> = Vec::new();
        let t = Instant::now();
        let _ = decode::for_each_page(&bytes, &DecodeLimits::default(), |p| pages.push(p));
        let per = ms(t) / pages.len().max(1) as f64;
        for page in &pages {
            steps[0].1.push(per);
            let t = Instant::now();
            std::hint::black_box(sohoa::blank::is_blank(
                &page.pixels,
                page.width,
                page.height,
            ));
            steps[1].1.push(ms(t));
            let t = Instant::now();
            std::hint::black_box(prep::measure_skew(page));
            steps[2].1.push(ms(t));
            let g = Gray {
                pixels: &page.pixels,
                width: page.width as usize,
                height: page.height as usize,
            };
            let t = Instant::now();
            std::hint::black_box(prep::clean(g, prep::px_per_mm(page.dpi.map(|d| d.min()))));
            steps[3].1.push(ms(t));
        }
    }
    for (name, mut v) in steps {
        v.sort_by(f64::total_cmp);
        let median = v.get(v.len() / 2).copied().unwrap_or(0.0);
        let total: f64 = v.iter().sum();
        println!(
            "{name:<8} median {median:7.2} ms/page  total {total:8.1} ms  ({} pages)",
            v.len()
        );
    }
}

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}
