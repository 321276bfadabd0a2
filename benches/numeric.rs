//! `cargo bench --bench numeric`: the numeric witness alone over every link
//! of the four example derivations (256 samples per link, links sampled in
//! the groups `verify` uses), for profiling and comparing evaluator changes.
//!
//! - no arguments: times the witness (median and minimum of 15 runs);
//! - `-- --once`: one pass, nothing printed (for `valgrind --tool=callgrind`,
//!   whose instruction counts are repeatable under load);
//! - `-- --dump`: prints every link's outcome over the examples, the
//!   mistakes and the claim suites at several seeds, so that two builds can
//!   be diffed for identical verdicts, counterexamples and shrunk values;
//! - `--no-recheck` (with the above): no double-double re-checks, to see
//!   what they cost (profiling only: it weakens the witness).

use derivcheck::internals::{check_link, check_links_with, Limits, SampleConfig};
use std::time::{Duration, Instant};

/// The allocator the command line uses (see the `mimalloc` feature).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXAMPLES: [&str; 4] = [
    "derivations/sigmoid.txt",
    "derivations/softmax.txt",
    "derivations/cross_entropy.txt",
    "derivations/backprop.txt",
];

/// Every link of a file: the lowered file and (lhs, rhs, free) per link.
fn links(
    text: &str,
) -> (
    derivcheck::internals::Lowered,
    Vec<derivcheck::internals::Link>,
) {
    let lowered = derivcheck::internals::lower_file(&derivcheck::internals::parse_file(text));
    let links = lowered
        .claims
        .iter()
        .flat_map(|c| c.checkable())
        .cloned()
        .collect();
    (lowered, links)
}

fn read(rel: &str) -> String {
    let path = format!("{}/{rel}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn pass(
    files: &[(
        derivcheck::internals::Lowered,
        Vec<derivcheck::internals::Link>,
    )],
    seed: u64,
    limits: &Limits,
) {
    let config = SampleConfig { samples: 256, seed };
    for (lowered, _) in files {
        for range in derivcheck::internals::sampling_groups(&lowered.claims) {
            let sides = derivcheck::internals::group_sides(&lowered.claims[range]);
            std::hint::black_box(check_links_with(
                &lowered.store,
                &lowered.symbols,
                &sides,
                &config,
                limits,
            ));
        }
    }
}

fn dump() {
    let mut paths: Vec<String> = EXAMPLES.iter().map(|s| s.to_string()).collect();
    let mut mistakes: Vec<String> = std::fs::read_dir(format!(
        "{}/derivations/mistakes",
        env!("CARGO_MANIFEST_DIR")
    ))
    .map(|d| {
        d.flatten()
            .map(|e| format!("derivations/mistakes/{}", e.file_name().to_string_lossy()))
            .collect()
    })
    .unwrap_or_default();
    mistakes.sort();
    paths.extend(mistakes);
    paths.push("tests/claims/false_claims.txt".into());
    paths.push("tests/claims/true_claims.txt".into());
    for path in &paths {
        let (lowered, links) = links(&read(path));
        for seed in [1, 2, 3] {
            let config = SampleConfig { samples: 256, seed };
            for (k, link) in links.iter().enumerate() {
                let o = check_link(
                    &lowered.store,
                    &lowered.symbols,
                    link.lhs,
                    link.rhs,
                    &link.free,
                    &config,
                );
                println!("{path} seed {seed} link {k}: {o:?}");
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.iter().any(|a| a == "--dump") {
        dump();
        return;
    }
    let files: Vec<_> = EXAMPLES.iter().map(|p| links(&read(p))).collect();
    let mut limits = Limits::default();
    if args.iter().any(|a| a == "--no-recheck") {
        // Profiling only: how much of the time the double-double re-checks take.
        limits.precise_rechecks = 0;
    }
    if args.iter().any(|a| a == "--once") {
        pass(&files, 1, &limits);
        return;
    }
    for _ in 0..3 {
        pass(&files, 1, &limits);
    }
    let mut times: Vec<Duration> = (0..15)
        .map(|_| {
            let start = Instant::now();
            pass(&files, 1, &limits);
            start.elapsed()
        })
        .collect();
    times.sort();
    let n: usize = files.iter().map(|f| f.1.len()).sum();
    println!(
        "numeric witness, {n} links, 256 samples: median {:.2} ms   min {:.2} ms   (15 runs)",
        times[7].as_secs_f64() * 1e3,
        times[0].as_secs_f64() * 1e3
    );
}
