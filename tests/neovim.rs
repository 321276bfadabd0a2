//! End to end with a real editor: Neovim's built-in LSP client, run
//! headless with the setup shipped in editors/neovim, starts `derivcheck
//! lsp` for a derivation with a false step,
//! waits for the diagnostics and writes them to a file, which this test
//! reads. Neovim is required (`.ci/run` installs it): without it the test
//! fails, it does not skip. Neovim's own process group is killed at the
//! end whatever happens.

use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
const DEADLINE: Duration = Duration::from_secs(120);

const TEXT: &str = "\
# σ'(x) with a sign lost
ŷ : real
claim lost: σ(ŷ) (1 - σ(ŷ)) = σ(ŷ) (σ(ŷ) - 1)
";

/// The PATH with the built binary's folder first, so that the shipped
/// setup's `derivcheck` is the one under test.
fn path_with_bin() -> std::ffi::OsString {
    let dir = std::path::Path::new(BIN)
        .parent()
        .expect("the binary's folder");
    let rest = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![dir.to_path_buf()];
    paths.extend(std::env::split_paths(&rest));
    std::env::join_paths(paths).expect("a PATH")
}

#[test]
fn neovim_shows_the_false_step() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("neovim");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("lost.deriv");
    std::fs::write(&file, TEXT).unwrap();
    let out = dir.join("diagnostics.txt");
    let mut child = Command::new("nvim")
        .args(["--headless", "--clean", "-u", "NONE", "-n", "-c"])
        .arg(format!("luafile {ROOT}/tests/neovim/diagnostics.lua"))
        .env("DERIVCHECK_ROOT", ROOT)
        .env("PATH", path_with_bin())
        .env("DERIVCHECK_FILE", &file)
        .env("DERIVCHECK_OUT", &out)
        .current_dir(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .expect("nvim runs: install Neovim (apt-get install neovim), as .ci/run does");
    let end = Instant::now() + DEADLINE;
    let status = loop {
        if let Ok(Some(status)) = child.try_wait() {
            break Some(status);
        }
        if Instant::now() > end {
            break None;
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
    assert!(status.is_some(), "nvim did not finish within {DEADLINE:?}");
    let written = std::fs::read_to_string(&out).expect("nvim wrote the diagnostics");
    let lines: Vec<&str> = written.lines().collect();
    assert_eq!(lines.len(), 1, "{written}");
    // Neovim's columns are bytes, converted from the server's UTF-16:
    // the whole claim line, to its last byte.
    let line = TEXT.lines().nth(2).unwrap();
    let fields: Vec<&str> = lines[0].splitn(6, ':').collect();
    assert_eq!(
        fields[..5],
        ["2", "0", "2", &line.len().to_string(), "1"],
        "{written}"
    );
    assert!(
        fields[5].starts_with("false: σ(ŷ) (1 - σ(ŷ)) = σ(ŷ) (σ(ŷ) - 1) — counterexample"),
        "{written}"
    );
}
