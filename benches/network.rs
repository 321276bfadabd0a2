//! `cargo bench --bench network`: the one-hidden-layer network written out
//! in scalar variables (8 inputs, 16 hidden units, 10 classes; names like
//! `x1`, `W1_3_2`, `b2_7`), differentiated by every input, with the claimed
//! elementwise gradients proved. Prints the time and the peak memory.
//!
//! The derivation text is generated here so the sizes can be changed; run
//! with `-- --print` to see it.

/// The allocator the command line uses (see the `mimalloc` feature).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod common;

use derivcheck::{verify_source, Options, Verdict};
use std::fmt::Write;
use std::time::Instant;

const INPUTS: usize = 8;
const HIDDEN: usize = 16;
const CLASSES: usize = 10;

/// The network and one gradient claim per input:
/// ∂L/∂x_k = Σ_j W1_j_k h_j (1 − h_j) Σ_i W2_i_j (ŷ_i Σ_l y_l − y_i).
fn network_text(inputs: usize, hidden: usize, classes: usize) -> String {
    let mut t = String::new();
    let join = |parts: Vec<String>, sep: &str| parts.join(sep);
    let mut names: Vec<String> = (1..=inputs).map(|k| format!("x{k}")).collect();
    for j in 1..=hidden {
        names.extend((1..=inputs).map(|k| format!("W1_{j}_{k}")));
        names.push(format!("b1_{j}"));
    }
    for i in 1..=classes {
        names.extend((1..=hidden).map(|j| format!("W2_{i}_{j}")));
        names.push(format!("b2_{i}"));
        names.push(format!("y{i}"));
    }
    writeln!(t, "{} : real\n", names.join(", ")).unwrap();
    for j in 1..=hidden {
        let pre = join(
            (1..=inputs).map(|k| format!("W1_{j}_{k} x{k}")).collect(),
            " + ",
        );
        writeln!(t, "let h{j} = sigmoid({pre} + b1_{j})").unwrap();
    }
    for i in 1..=classes {
        let pre = join(
            (1..=hidden).map(|j| format!("W2_{i}_{j} h{j}")).collect(),
            " + ",
        );
        writeln!(t, "let z{i} = {pre} + b2_{i}").unwrap();
    }
    let s = join((1..=classes).map(|i| format!("exp(z{i})")).collect(), " + ");
    writeln!(t, "let S = {s}").unwrap();
    for i in 1..=classes {
        writeln!(t, "let yhat{i} = exp(z{i}) / S").unwrap();
    }
    let loss = join(
        (1..=classes)
            .map(|i| format!("y{i} log(yhat{i})"))
            .collect(),
        " + ",
    );
    writeln!(t, "let L = -({loss})\n").unwrap();
    let ysum = join((1..=classes).map(|i| format!("y{i}")).collect(), " + ");
    for k in 1..=inputs {
        let terms: Vec<String> = (1..=hidden)
            .map(|j| {
                let back = join(
                    (1..=classes)
                        .map(|i| format!("W2_{i}_{j} (yhat{i} ({ysum}) - y{i})"))
                        .collect(),
                    " + ",
                );
                format!("W1_{j}_{k} h{j} (1 - h{j}) ({back})")
            })
            .collect();
        writeln!(t, "claim grad_x{k}: ∂L/∂x{k} = {}", terms.join(" + ")).unwrap();
    }
    t
}

/// Peak resident memory of this process (Linux), in MiB.
fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let text = network_text(INPUTS, HIDDEN, CLASSES);
    if std::env::args().any(|a| a == "--print") {
        print!("{text}");
        return;
    }
    let before = peak_mib();
    let start = Instant::now();
    let report = verify_source("network.txt", &text, &Options::default());
    let elapsed = start.elapsed();
    let steps: Vec<_> = report.claims.iter().flat_map(|c| &c.steps).collect();
    let proved = steps
        .iter()
        .filter(|s| s.verdict == Verdict::Proved)
        .count();
    println!(
        "network {INPUTS}-{HIDDEN}-{CLASSES}: {} gradient claims, {proved} proved, in {:.1} ms (symbolic + 256 numeric samples each); peak memory {} MiB (before: {} MiB)",
        steps.len(),
        elapsed.as_secs_f64() * 1e3,
        peak_mib().map_or("?".into(), |m| format!("{m:.1}")),
        before.map_or("?".into(), |m| format!("{m:.1}")),
    );
    // The same links again, each witness timed on its own.
    let (symbolic, numeric) = common::witness_split(&text);
    println!(
        "  of which: symbolic witness {:.1} ms, numeric witness {:.1} ms",
        symbolic.as_secs_f64() * 1e3,
        numeric.as_secs_f64() * 1e3
    );
    for s in steps.iter().filter(|s| s.verdict != Verdict::Proved) {
        println!(
            "  line {}: {} {}",
            s.line,
            s.verdict.as_str(),
            s.reason().unwrap_or("")
        );
    }
}
