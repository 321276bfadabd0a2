//! `cargo bench --bench cas_network`: the gradient claims a computer-algebra
//! system prints for scalar-expanded networks (issue 16), verified on one
//! thread, each task in a process of its own so that its CPU time and peak
//! memory are its own. Prints one row per task: claims, proved, held,
//! other verdicts, CPU seconds, peak memory.
//!
//! The tasks: ∂CE/∂z of softmax + cross-entropy over n classes
//! (`ce50`, `ce100`, `ce200`, `ce1000`: one claim per z_k), and the
//! one-hidden-layer network (sigmoid hidden layer, softmax + cross-entropy)
//! `mlp-A-B-C` with A inputs, B hidden units and C classes: one claim per
//! parameter and per input (`∂L/∂x1`, `∂L/∂W1_3_2`, `∂L/∂b2_7`, …), the
//! right sides expanded into flat sums as a CAS prints them.
//!
//! Options (after `--`): `--print TASK` prints a task's derivation text
//! (to time the release binary on it); `--only TASK,TASK` runs some
//! tasks; `--timeout SECS` (default 120) stops a task that runs longer;
//! `--group` writes each hidden unit's terms of an ∂L/∂x claim in
//! parentheses (for a parser that limits how many terms a flat sum may have).

/// The allocator the command line uses (see the `mimalloc` feature).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use derivcheck::{verify_source, Options, Verdict};
use std::fmt::Write;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Every task, in the order of the table.
const TASKS: [&str; 8] = [
    "ce50",
    "ce100",
    "ce200",
    "ce1000",
    "mlp-2-3-2",
    "mlp-4-8-3",
    "mlp-8-16-10",
    "mlp-16-32-10",
];

/// `a1 + a2 + … ` of the given terms.
fn sum(terms: impl IntoIterator<Item = String>) -> String {
    terms.into_iter().collect::<Vec<_>>().join(" + ")
}

/// The derivation text of a task, or `None` for an unknown name.
fn task_text(name: &str, group: bool) -> Option<String> {
    if let Some(n) = name.strip_prefix("ce") {
        return Some(ce_text(n.parse().ok()?));
    }
    let sizes: Vec<usize> = name
        .strip_prefix("mlp-")?
        .split('-')
        .map(|s| s.parse().ok())
        .collect::<Option<_>>()?;
    match sizes[..] {
        [a, b, c] => Some(mlp_text(a, b, c, group)),
        _ => None,
    }
}

/// Softmax + cross-entropy over `n` classes, and ∂CE/∂z_k for every k as a
/// CAS prints it over a common denominator:
/// `(y1 exp(zk) + … + yn exp(zk)) / (exp(z1) + … + exp(zn)) - yk`.
fn ce_text(n: usize) -> String {
    let mut t = String::new();
    let zs = (1..=n).map(|i| format!("z{i}"));
    let ys = (1..=n).map(|i| format!("y{i}"));
    writeln!(
        t,
        "{} : real\n",
        zs.chain(ys).collect::<Vec<_>>().join(", ")
    )
    .unwrap();
    let s = sum((1..=n).map(|i| format!("exp(z{i})")));
    writeln!(t, "let S = {s}").unwrap();
    let ce = sum((1..=n).map(|i| format!("y{i} log(exp(z{i}) / S)")));
    writeln!(t, "let CE = -({ce})\n").unwrap();
    for k in 1..=n {
        let num = sum((1..=n).map(|i| format!("y{i} exp(z{k})")));
        writeln!(t, "claim dCE_dz{k}: ∂CE/∂z{k} = ({num}) / ({s}) - y{k}").unwrap();
    }
    t
}

/// The network with `a` inputs, `b` sigmoid hidden units and `c` softmax
/// classes, its cross-entropy loss `L`, and one gradient claim per input
/// and parameter, each right side expanded into a flat sum of products.
fn mlp_text(a: usize, b: usize, c: usize, group: bool) -> String {
    let mut t = String::new();
    let mut names: Vec<String> = (1..=a).map(|k| format!("x{k}")).collect();
    for j in 1..=b {
        names.extend((1..=a).map(|k| format!("W1_{j}_{k}")));
        names.push(format!("b1_{j}"));
    }
    for i in 1..=c {
        names.extend((1..=b).map(|j| format!("W2_{i}_{j}")));
        names.push(format!("b2_{i}"));
        names.push(format!("y{i}"));
    }
    writeln!(t, "{} : real\n", names.join(", ")).unwrap();
    for j in 1..=b {
        let pre = sum((1..=a).map(|k| format!("W1_{j}_{k} x{k}")));
        writeln!(t, "let h{j} = sigmoid({pre} + b1_{j})").unwrap();
    }
    for i in 1..=c {
        let pre = sum((1..=b).map(|j| format!("W2_{i}_{j} h{j}")));
        writeln!(t, "let z{i} = {pre} + b2_{i}").unwrap();
    }
    let s = sum((1..=c).map(|i| format!("exp(z{i})")));
    writeln!(t, "let S = {s}").unwrap();
    let loss = sum((1..=c).map(|i| format!("y{i} log(exp(z{i}) / S)")));
    writeln!(t, "let L = -({loss})\n").unwrap();
    // ∂L/∂z_i = exp(z_i) Σ_l y_l / S − y_i, its first part expanded.
    let softmax_part = |i: usize| {
        let num = sum((1..=c).map(|l| format!("y{l} exp(z{i})")));
        format!("({num}) / S")
    };
    // The terms of ∂L/∂pre_j · `factor`: Σ_i W2_i_j (h_j − h_j²) ∂L/∂z_i,
    // multiplied out.
    let hidden_terms = |j: usize, factor: &str| -> Vec<String> {
        (1..=c)
            .flat_map(|i| {
                let w = format!("{factor}W2_{i}_{j}");
                let e = softmax_part(i);
                [
                    format!("{w} h{j} {e}"),
                    format!("-{w} h{j}^2 {e}"),
                    format!("-{w} h{j} y{i}"),
                    format!("{w} h{j}^2 y{i}"),
                ]
            })
            .collect()
    };
    let claim = |t: &mut String, var: &str, terms: Vec<String>| {
        let rhs = terms.join(" + ").replace("+ -", "- ");
        writeln!(t, "claim d_{var}: ∂L/∂{var} = {rhs}").unwrap();
    };
    for i in 1..=c {
        claim(
            &mut t,
            &format!("b2_{i}"),
            vec![softmax_part(i), format!("-y{i}")],
        );
        for j in 1..=b {
            let e = softmax_part(i);
            let terms = vec![format!("h{j} {e}"), format!("-h{j} y{i}")];
            claim(&mut t, &format!("W2_{i}_{j}"), terms);
        }
    }
    for j in 1..=b {
        claim(&mut t, &format!("b1_{j}"), hidden_terms(j, ""));
        for k in 1..=a {
            let terms = hidden_terms(j, &format!("x{k} "));
            claim(&mut t, &format!("W1_{j}_{k}"), terms);
        }
    }
    for k in 1..=a {
        let terms = (1..=b)
            .flat_map(|j| {
                let terms = hidden_terms(j, &format!("W1_{j}_{k} "));
                match group {
                    true => vec![format!("({})", terms.join(" + ").replace("+ -", "- "))],
                    false => terms,
                }
            })
            .collect();
        claim(&mut t, &format!("x{k}"), terms);
    }
    t
}

/// This process's CPU time (user + system) and peak resident memory in
/// MiB, from /proc (Linux).
fn cpu_and_peak() -> (Option<f64>, Option<f64>) {
    let cpu = std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // Fields after the command's closing parenthesis; utime and stime
            // are the 14th and 15th fields of the line, in clock ticks (100/s).
            let rest = &s[s.rfind(')')? + 2..];
            let f: Vec<&str> = rest.split_whitespace().collect();
            let ticks: f64 = f.get(11)?.parse::<f64>().ok()? + f.get(12)?.parse::<f64>().ok()?;
            Some(ticks / 100.0)
        });
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
            line.split_whitespace().nth(1)?.parse::<f64>().ok()
        })
        .map(|kb| kb / 1024.0);
    (cpu, peak)
}

/// Verifies one task here, on one thread, and prints its row.
fn run_task(name: &str, group: bool) {
    let Some(text) = task_text(name, group) else {
        eprintln!("unknown task {name}");
        std::process::exit(2);
    };
    let mut options = Options::default();
    options.threads = 1;
    let start = Instant::now();
    let report = verify_source(&format!("{name}.txt"), &text, &options);
    let wall = start.elapsed();
    let steps: Vec<_> = report.claims.iter().flat_map(|c| &c.steps).collect();
    let count = |v: Verdict| steps.iter().filter(|s| s.verdict == v).count();
    let (proved, held) = (count(Verdict::Proved), count(Verdict::Holds));
    let exact = steps
        .iter()
        .filter(|s| s.witness == Some("exact-random"))
        .count();
    let (cpu, peak) = cpu_and_peak();
    println!(
        "{name:<14} {:>6} {proved:>6} {exact:>6} {held:>6} {:>6} {:>9} {:>8.2} {:>9}",
        report.claims.len(),
        steps.len() - proved - held,
        cpu.map_or("?".into(), |c| format!("{c:.2}")),
        wall.as_secs_f64(),
        peak.map_or("?".into(), |m| format!("{m:.0}")),
    );
    if !report.errors.is_empty() {
        println!("  first error: {}", report.errors[0].message());
    }
    if let Some(s) = steps
        .iter()
        .find(|s| !matches!(s.verdict, Verdict::Proved | Verdict::Holds))
    {
        println!(
            "  line {}: {} {}",
            s.line,
            s.verdict.as_str(),
            s.reason().unwrap_or("")
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|k| args.get(k + 1).cloned())
    };
    let group = args.iter().any(|a| a == "--group");
    if let Some(name) = value("--print") {
        match task_text(&name, group) {
            Some(text) => print!("{text}"),
            None => {
                eprintln!("unknown task {name}; tasks: {}", TASKS.join(", "));
                std::process::exit(2);
            }
        }
        return;
    }
    if let Some(name) = value("--task") {
        run_task(&name, group);
        return;
    }
    let only: Vec<String> = value("--only").map_or_else(
        || TASKS.iter().map(|s| s.to_string()).collect(),
        |s| s.split(',').map(str::to_string).collect(),
    );
    let timeout = Duration::from_secs(
        value("--timeout")
            .and_then(|s| s.parse().ok())
            .unwrap_or(120),
    );
    println!(
        "{:<14} {:>6} {:>6} {:>6} {:>6} {:>6} {:>9} {:>8} {:>9}",
        "task", "claims", "proved", "exact", "held", "other", "cpu s", "wall s", "peak MiB"
    );
    let exe = std::env::current_exe().expect("the bench's own path");
    for name in &only {
        // A process per task: its CPU time and peak memory are its own.
        let mut child = Command::new(&exe)
            .args(["--task", name])
            .args(group.then_some("--group"))
            .stdout(Stdio::inherit())
            .spawn()
            .expect("run the task");
        let start = Instant::now();
        loop {
            if child.try_wait().expect("wait for the task").is_some() {
                break;
            }
            if start.elapsed() > timeout {
                let _ = child.kill();
                let _ = child.wait();
                println!("{name:<14} stopped after {} s", timeout.as_secs());
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}
