//! Robustness: corpus files with bytes overwritten at deterministic pseudo-random places
//! must give pages or an error, never a panic or a hang.

use super::*;

/// Deterministic byte mutations of small corpus files: any outcome but a panic or a hang.
#[test]
fn mutated_corpus_files_never_panic() {
    let mut seed: u64 = 0x5EED;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    for name in [
        "viet.tif",
        "12.tif",
        "multipage_single_frame_loop.tiff",
        "basn6a16.png",
        "truncated_jpeg.jpg",
    ] {
        let original = read(name);
        for _ in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..=next() % 4 {
                let at = next() % bytes.len();
                bytes[at] = next() as u8;
            }
            let _ = decode_all(&bytes);
            let _ = probe(&bytes, &DecodeLimits::default());
        }
    }
}
