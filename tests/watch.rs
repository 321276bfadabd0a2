//! `derivcheck watch` through the built binary: start it on a file in its
//! own process group, change the file, and read what it prints. The
//! process group is killed whatever happens.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");
const DEADLINE: Duration = Duration::from_secs(60);
const READY: &str = "watching for changes (Ctrl-C to stop)";

struct Watching {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl Watching {
    fn start(args: &[&str]) -> Watching {
        let mut child = Command::new(BIN)
            .arg("watch")
            .args(args)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("derivcheck watch starts");
        let stdout = child.stdout.take().expect("piped");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Watching { child, lines }
    }

    /// The lines up to and including the next `READY` line.
    fn next_run(&self) -> Vec<String> {
        let end = Instant::now() + DEADLINE;
        let mut out = Vec::new();
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(line) if line == READY => return out,
                Ok(line) => out.push(line),
                Err(_) => panic!("no run within {DEADLINE:?}; so far: {out:?}"),
            }
        }
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("watch_{name}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    dir
}

const GOOD: &str =
    "x : real\nclaim c: (x + 1)^2 = x^2 + 2 x + 1\n    (x + 1)^2\n  = x^2 + 2 x + 1\n";

#[test]
fn a_save_reruns_and_names_the_link_that_changed() {
    let dir = scratch_dir("file");
    let file = dir.join("w.txt");
    std::fs::write(&file, GOOD).unwrap();
    let watching = Watching::start(&[file.to_str().unwrap()]);
    let first = watching.next_run();
    assert!(first.iter().any(|l| l.starts_with("✓ 1 file")), "{first:?}");
    assert!(
        !first.iter().any(|l| l.starts_with("changed:")),
        "{first:?}"
    );

    // An editor's save: a new file renamed over the old one.
    let broken = GOOD.replace("  = x^2 + 2 x + 1", "  = x^2 + 2 x + 2");
    let temp = dir.join(".w.txt.swp");
    std::fs::write(&temp, &broken).unwrap();
    std::fs::rename(&temp, &file).unwrap();
    let second = watching.next_run();
    assert!(
        second.iter().any(|l| l.starts_with("✗ 1 file")),
        "{second:?}"
    );
    let changed: Vec<&String> = second
        .iter()
        .filter(|l| l.starts_with("changed:"))
        .collect();
    assert_eq!(changed.len(), 1, "{second:?}");
    assert!(
        changed[0].ends_with(":4 claim `c`, link 1: proved → false"),
        "{changed:?}"
    );

    // A plain write back: the link changes again.
    std::fs::write(&file, GOOD).unwrap();
    let third = watching.next_run();
    assert!(
        third.iter().any(|l| l.ends_with("link 1: false → proved")),
        "{third:?}"
    );
}

#[test]
fn a_folder_is_watched_with_its_new_files() {
    let dir = scratch_dir("folder");
    std::fs::write(dir.join("a.txt"), GOOD).unwrap();
    let watching = Watching::start(&[dir.to_str().unwrap()]);
    let first = watching.next_run();
    assert!(first.iter().any(|l| l.starts_with("✓ 1 file")), "{first:?}");
    std::fs::write(dir.join("b.md"), "$$\n(x + 1)^2 = x^2 + 1\n$$\n").unwrap();
    let second = watching.next_run();
    assert!(
        second.iter().any(|l| l.starts_with("✗ 2 files")),
        "{second:?}"
    );
    assert!(
        second
            .iter()
            .any(|l| l == "no link changed verdict since the last run"),
        "{second:?}"
    );
}

#[test]
fn a_path_that_does_not_exist_cannot_be_watched() {
    let out = Command::new(BIN)
        .args(["watch", "/no/such/dir/x.txt"])
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("error: cannot watch /no/such/dir/x.txt"),
        "{err}"
    );
}
