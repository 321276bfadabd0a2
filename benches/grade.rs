//! `cargo bench --bench grade`: times `derivcheck grade` on a class of 50
//! submissions × 4 goals, reading included, on 2 threads — the issue asks
//! for under 2 s.
//!
//! The class is examples/class/submissions copied round-robin into a
//! temporary folder under 50 names (each file's path, hence its sampling
//! seed, is its own). Each run reads the files, reads and verifies every
//! display and grades it; the median and minimum of a few runs are printed.

/// The allocator the command line uses (see the `mimalloc` feature).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use derivcheck::{grade, Options};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const STUDENTS: usize = 50;
const RUNS: usize = 5;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/class");
    let mut examples: Vec<PathBuf> = std::fs::read_dir(root.join("submissions"))
        .expect("examples/class/submissions")
        .map(|e| e.expect("an entry").path())
        .collect();
    examples.sort();
    let dir = std::env::temp_dir().join(format!("derivcheck-bench-grade-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let paths: Vec<PathBuf> = (0..STUDENTS)
        .map(|k| {
            let from = &examples[k % examples.len()];
            let ext = from.extension().and_then(|e| e.to_str()).unwrap_or("md");
            let to = dir.join(format!("student{k:02}.{ext}"));
            std::fs::copy(from, &to).expect("a copy");
            to
        })
        .collect();
    let context = std::fs::read_to_string(root.join("assignment.deriv")).expect("the assignment");

    let mut options = Options::default();
    options.threads = 2;
    options.context = vec![("assignment.deriv".to_string(), context)];

    let mut times: Vec<Duration> = Vec::new();
    let mut goals = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        let grades = grade::grade_files(&paths, &options);
        times.push(start.elapsed());
        goals = grades.goals.len();
        assert_eq!(grades.docs.len(), STUDENTS);
    }
    times.sort();
    println!(
        "grade: {STUDENTS} submissions × {goals} goals on 2 threads: median {:.3} s, min {:.3} s ({RUNS} runs)",
        times[RUNS / 2].as_secs_f64(),
        times[0].as_secs_f64()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
