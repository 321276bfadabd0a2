//! A structured fuzzer on the stable toolchain (cargo-fuzz needs nightly):
//! random inputs for the parser alone and for the whole pipeline, each
//! checked for the three promises every input is owed — no panic, an
//! answer within a time bound, and an exit code of 0, 1 or 2.
//!
//! ```text
//! cargo run --release --example fuzz -- [--seconds S] [--seed N] [--corpus DIR]
//!     [--findings DIR] [--max-millis MS] [--keep N]
//! ```
//!
//! Inputs come from a seedable generator (the same seed gives the same
//! inputs), in four families: random bytes, grammar-shaped derivation files
//! (declarations, definitions, lets, claims with chains), those mutated
//! (bytes flipped, tokens inserted, lines cut), and mutations of the corpus
//! files. Markdown and LaTeX readers get a share through `.md` and `.tex`
//! names. An input whose outcome has a signature not seen before in this
//! run or the corpus (the verdicts of its links, the first words of its
//! messages) is kept in the corpus folder, at most `--keep` per run; a
//! panic or an input over the time bound is written to the findings
//! folder, and ends the run with exit code 1 after the report; the
//! slowest input is written there too. `scripts/fuzz.sh` runs it.

use derivcheck::outcome::{FileOutcome, Summary};
use derivcheck::{verify_source, Options};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// xorshift64*: small, seedable and the same everywhere.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SCALARS: &[&str] = &["x", "y", "p", "t"];
const FUNCS: &[&str] = &[
    "exp", "log", "sin", "cos", "tanh", "sigmoid", "sqrt", "σ", "tan",
];
const TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "+",
    "-",
    "*",
    "/",
    "^",
    "=",
    ",",
    ":",
    ":=",
    "Σ_i",
    "sum(i, ",
    "d/dx",
    "∂/∂x",
    "δ(i, j)",
    "0",
    "1",
    "2",
    "1/2",
    "x",
    "v[i]",
    "claim",
    "let",
    "\n",
    " # why\n",
    "…",
    "ᵀ",
    "²",
    "\u{0}",
    "\u{feff}",
    "1e308",
    "99999999999999999999",
];

/// A random scalar expression over the declared names, `depth` deep at most.
fn expr(rng: &mut Rng, depth: u32) -> String {
    if depth == 0 || rng.chance(25) {
        return match rng.below(6) {
            0 => format!("{}", rng.below(5)),
            1 => "v[i]".to_string(),
            2 => format!("{}/{}", 1 + rng.below(9), 1 + rng.below(9)),
            _ => rng.pick(SCALARS).to_string(),
        };
    }
    let a = expr(rng, depth - 1);
    match rng.below(9) {
        0 => format!("{a} + {}", expr(rng, depth - 1)),
        1 => format!("{a} - {}", expr(rng, depth - 1)),
        2 => format!("{a} {}", expr(rng, depth - 1)),
        3 => format!("({a}) / ({})", expr(rng, depth - 1)),
        4 => format!("({a})^{}", rng.below(4)),
        5 => format!("{}({a})", rng.pick(FUNCS)),
        6 => format!("d/d{} ({a})", rng.pick(SCALARS)),
        7 => format!("Σ_i ({a}) v[i]"),
        _ => format!("-({a})"),
    }
}

/// A derivation file in the language's grammar, true or false claims alike.
fn derivation(rng: &mut Rng) -> String {
    let mut s = String::from("x, y, t : real\np : positive\nn : dim\nv : vector[n]\n");
    if rng.chance(50) {
        s.push_str(&format!("f(a) := {}\n", expr(rng, 2).replace('x', "a")));
    }
    if rng.chance(50) {
        s.push_str(&format!("let z = {}\n", expr(rng, 3)));
    }
    for k in 0..1 + rng.below(3) {
        let first = expr(rng, 3);
        s.push_str(&format!("claim c{k}: {first}"));
        let links = rng.below(3);
        if links == 0 {
            s.push_str(&format!(" = {}\n", expr(rng, 3)));
        } else {
            s.push('\n');
            for _ in 0..links {
                s.push_str(&format!("  = {}\n", expr(rng, 3)));
            }
        }
    }
    s
}

/// `text` changed at a few random places.
fn mutate(rng: &mut Rng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..1 + rng.below(4) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(4) {
            0 if !bytes.is_empty() => {
                let at = at.min(bytes.len() - 1);
                bytes[at] ^= 1 << rng.below(8);
            }
            1 => {
                let token = rng.pick(TOKENS).as_bytes().to_vec();
                bytes.splice(at..at, token);
            }
            2 => {
                let end = (at + rng.below(16)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                // A repeated run: long chains and deep nesting.
                let token = rng.pick(TOKENS);
                let run = token.repeat(1 + rng.below(400));
                bytes.splice(at..at, run.into_bytes());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One input and the name it is checked under (which picks its reader).
fn input(rng: &mut Rng, corpus: &[String]) -> (String, String) {
    let name = match rng.below(10) {
        0 => "fuzz.md",
        1 => "fuzz.tex",
        _ => "fuzz.txt",
    };
    let text = match rng.below(6) {
        0 => {
            let len = rng.below(200);
            let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
        1 | 2 => derivation(rng),
        3 => {
            let d = derivation(rng);
            mutate(rng, &d)
        }
        _ if !corpus.is_empty() => {
            let c = &corpus[rng.below(corpus.len())];
            mutate(rng, c)
        }
        _ => derivation(rng),
    };
    let text = if name == "fuzz.md" {
        format!("# Fuzz\n\n$$\n{text}\n$$\n")
    } else if name == "fuzz.tex" {
        format!("\\begin{{align}}\n{text}\n\\end{{align}}\n")
    } else {
        text
    };
    (name.to_string(), text)
}

/// What a run did, for telling inputs apart: the verdicts of its links and
/// its messages up to their first quoted part (names vary; wordings count).
fn signature(outcome: &FileOutcome) -> String {
    let FileOutcome::Checked { report, .. } = outcome else {
        return "unreadable".into();
    };
    let mut parts: Vec<String> = Vec::new();
    for claim in &report.claims {
        for step in &claim.steps {
            let mut p = step.verdict.as_str().to_string();
            if let Some(d) = &step.diagnostic {
                p.push(':');
                p.push_str(&wording(&d.message));
            }
            parts.push(p);
        }
    }
    for e in &report.errors {
        parts.push(wording(&e.diagnostic.message));
    }
    parts.sort();
    parts.dedup();
    parts.join("|")
}

/// A message's first three words, without digits: its kind, not its
/// particulars, so that the corpus keeps one input per kind.
fn wording(message: &str) -> String {
    message
        .split_whitespace()
        .take(3)
        .map(|w| {
            w.chars()
                .filter(|c| !c.is_ascii_digit())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Args {
    seconds: u64,
    seed: u64,
    corpus: PathBuf,
    findings: PathBuf,
    max_millis: u64,
    keep: u64,
}

fn args() -> Args {
    let mut a = Args {
        seconds: 60,
        seed: 1,
        corpus: PathBuf::from("fuzz/corpus"),
        findings: PathBuf::from("fuzz/findings"),
        max_millis: 10_000,
        keep: 20,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--seconds" => a.seconds = value.parse().expect("--seconds N"),
            "--seed" => a.seed = value.parse().expect("--seed N"),
            "--corpus" => a.corpus = value.into(),
            "--findings" => a.findings = value.into(),
            "--max-millis" => a.max_millis = value.parse().expect("--max-millis MS"),
            "--keep" => a.keep = value.parse().expect("--keep N"),
            other => panic!("unknown option {other}"),
        }
    }
    a
}

/// The corpus files as (name to check them under, text), in name order.
fn read_corpus(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .filter_map(|p| {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("txt");
            let text = std::fs::read_to_string(p).ok()?;
            Some((format!("fuzz.{ext}"), text))
        })
        .collect()
}

/// The worker's answer on one input: its outcome's signature and exit
/// code, or the panic's message.
type Answer = Result<(String, u8), String>;

fn main() {
    let a = args();
    let mut replay = read_corpus(&a.corpus);
    let at_start = replay.len();
    let mut corpus: Vec<String> = replay.iter().map(|(_, t)| t.clone()).collect();
    // The corpus is checked first, in order: a regression suite, and what
    // its inputs do is not new.
    replay.reverse();
    std::fs::create_dir_all(&a.corpus).expect("create the corpus folder");
    // Silence the default panic message: panics are counted and reported.
    std::panic::set_hook(Box::new(|_| {}));

    let (to_worker, inputs) = mpsc::channel::<(String, String)>();
    let (to_main, answers) = mpsc::channel::<Answer>();
    std::thread::Builder::new()
        .stack_size(derivcheck_stack())
        .spawn(move || {
            let mut options = Options::default();
            options.threads = 1;
            options.samples = 64;
            for (name, text) in inputs {
                let answer = std::panic::catch_unwind(|| {
                    let report = verify_source(&name, &text, &options);
                    let outcome = FileOutcome::Checked {
                        source: text.clone(),
                        report,
                    };
                    let code = Summary::of(std::slice::from_ref(&outcome)).exit_code();
                    (signature(&outcome), code)
                })
                .map_err(|p| {
                    p.downcast_ref::<&str>()
                        .map(|s| s.to_string())
                        .or_else(|| p.downcast_ref::<String>().cloned())
                        .unwrap_or_else(|| "unknown panic".into())
                });
                if to_main.send(answer).is_err() {
                    return;
                }
            }
        })
        .expect("start the worker");

    let mut rng = Rng(a.seed.max(1) ^ 0x9e37_79b9_7f4a_7c15);
    let mut seen: HashSet<String> = HashSet::new();
    let (mut runs, mut panics, mut kept, mut bad_codes) = (0u64, 0u64, 0u64, 0u64);
    let mut slowest = (Duration::ZERO, String::new(), String::new());
    let start = Instant::now();
    let limit = Duration::from_millis(a.max_millis);
    let mut hung = false;
    while start.elapsed() < Duration::from_secs(a.seconds) {
        let from_corpus = !replay.is_empty();
        let (name, text) = match replay.pop() {
            Some(entry) => entry,
            None => input(&mut rng, &corpus),
        };
        let began = Instant::now();
        to_worker
            .send((name.clone(), text.clone()))
            .expect("worker alive");
        let answer = match answers.recv_timeout(limit) {
            Ok(answer) => answer,
            Err(_) => {
                // The worker cannot be stopped: record it and end the run.
                finding(&a.findings, "slow", &name, &text);
                hung = true;
                slowest = (limit, name, text);
                break;
            }
        };
        let took = began.elapsed();
        runs += 1;
        if took > slowest.0 {
            slowest = (took, name.clone(), text.clone());
        }
        match answer {
            Err(message) => {
                panics += 1;
                eprintln!("panic: {message}");
                finding(&a.findings, "panic", &name, &text);
            }
            Ok((sig, code)) => {
                if code > 2 {
                    bad_codes += 1;
                    finding(&a.findings, "exit-code", &name, &text);
                }
                let sig = format!("{name}:{sig}");
                if seen.insert(sig) && !from_corpus && text.len() <= 4096 && kept < a.keep {
                    let ext = Path::new(&name).extension().and_then(|e| e.to_str());
                    let file =
                        a.corpus
                            .join(format!("{:016x}.{}", fnv(&text), ext.unwrap_or("txt")));
                    if !file.exists() && std::fs::write(&file, &text).is_ok() {
                        kept += 1;
                        corpus.push(text);
                    }
                }
            }
        }
    }
    let secs = start.elapsed().as_secs_f64();
    println!("fuzz: seed {}", a.seed);
    println!("fuzz: inputs        {runs}");
    println!(
        "fuzz: per minute    {:.0}",
        runs as f64 * 60.0 / secs.max(1e-9)
    );
    println!("fuzz: panics        {panics}");
    println!("fuzz: exit codes >2 {bad_codes}");
    println!(
        "fuzz: over {} ms    {}",
        a.max_millis,
        if hung { 1 } else { 0 }
    );
    println!(
        "fuzz: slowest       {:.3} s ({} bytes, kept as {})",
        slowest.0.as_secs_f64(),
        slowest.2.len(),
        finding(&a.findings, "slowest", &slowest.1, &slowest.2).display()
    );
    println!("fuzz: corpus        {at_start} at start, {kept} kept");
    if panics > 0 || bad_codes > 0 || hung {
        std::process::exit(1);
    }
}

/// The verifying thread's stack: as big as derivcheck's own threads', so
/// that what the command line survives, the fuzzer does.
fn derivcheck_stack() -> usize {
    256 << 20
}

/// Writes an input to the findings folder, named by its kind and hash.
fn finding(dir: &Path, kind: &str, name: &str, text: &str) -> PathBuf {
    let _ = std::fs::create_dir_all(dir);
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("txt");
    let file = dir.join(format!("{kind}-{:016x}.{ext}", fnv(text)));
    let _ = std::fs::write(&file, text);
    if kind != "slowest" {
        eprintln!("fuzz: {kind}: kept in {}", file.display());
    }
    file
}
