//! `cargo bench`: times `verify` on the four example derivations.
//!
//! A plain harness (no external bench framework): each case is run a few
//! times to warm up, then timed over repeated runs; the median and the
//! minimum are printed. Numbers depend on the machine; compare runs on the
//! same machine only.

/// The allocator the command line uses (see the `mimalloc` feature).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use derivcheck::{verify_source, Options};
use std::time::{Duration, Instant};

const EXAMPLES: [&str; 4] = [
    "derivations/sigmoid.txt",
    "derivations/softmax.txt",
    "derivations/cross_entropy.txt",
    "derivations/backprop.txt",
];

fn main() {
    let root = env!("CARGO_MANIFEST_DIR");
    let files: Vec<(String, String)> = EXAMPLES
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(format!("{root}/{p}"))
                .unwrap_or_else(|e| panic!("cannot read {p}: {e}"));
            (p.to_string(), text)
        })
        .collect();
    let options = Options::default();

    let mut all = Vec::new();
    for (path, text) in &files {
        let times = time(|| {
            let report = verify_source(path, text, &options);
            assert!(report.verified(), "{path} is not verified");
        });
        print_row(path, &times);
        all.push(times);
    }
    // As `derivcheck verify` checks several files: on one pool, biggest
    // file first, a thread done with the small files helping with the big.
    let sources: Vec<(&str, &str)> = files
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    let total = time(|| {
        let reports = derivcheck::verify_sources(&sources, &options);
        assert!(reports.iter().all(|r| r.verified()));
    });
    print_row("all four files", &total);
    let one_by_one = time(|| {
        for (path, text) in &files {
            verify_source(path, text, &options);
        }
    });
    print_row("the four one after another", &one_by_one);
    // Medians of 5 runs: one run is at the mercy of other load.
    let mut runs: Vec<(Duration, Duration)> = (0..5).map(|_| split(&files)).collect();
    runs.sort_by_key(|r| r.0);
    let symbolic = runs[2].0;
    runs.sort_by_key(|r| r.1);
    let numeric = runs[2].1;
    println!(
        "  of which (every link, median of 5): symbolic witness {:.2} ms, numeric witness {:.2} ms",
        symbolic.as_secs_f64() * 1e3,
        numeric.as_secs_f64() * 1e3
    );
}

/// Each witness timed on its own over every link of every file, so that a
/// regression can be placed.
fn split(files: &[(String, String)]) -> (Duration, Duration) {
    files
        .iter()
        .map(|(_, text)| common::witness_split(text))
        .fold((Duration::ZERO, Duration::ZERO), |(s, n), (ds, dn)| {
            (s + ds, n + dn)
        })
}

/// Runs `f` 3 times to warm up, then 15 times timed.
fn time(mut f: impl FnMut()) -> Vec<Duration> {
    for _ in 0..3 {
        f();
    }
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort();
    times
}

fn print_row(name: &str, times: &[Duration]) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    println!(
        "verify {name:<32} median {:>8.2} ms   min {:>8.2} ms   ({} runs, 256 samples per link)",
        ms(times[times.len() / 2]),
        ms(times[0]),
        times.len()
    );
}
