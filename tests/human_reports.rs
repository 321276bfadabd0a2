//! What the reports meant for people (the text report and GitHub
//! annotations) show of the input, through the binary: text from the file
//! can never act on the terminal, and every row and annotation stands at
//! the right place, once.

use pretty_assertions::assert_eq;
use std::path::PathBuf;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");

/// Runs the binary from the crate root without colour; returns the exit
/// code and standard output.
fn run(args: &[&str]) -> (i32, String) {
    let out = Command::new(BIN)
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("NO_COLOR", "1")
        .env_remove("TERM")
        .output()
        .expect("the binary runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).expect("stdout is UTF-8"),
    )
}

/// A scratch file for this test only (hostile bytes are better written by
/// the test than kept in the repository).
fn scratch(name: &str, text: &str) -> String {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("human-reports");
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, text).expect("scratch file");
    path.to_string_lossy().into_owned()
}

/// Characters that act on a terminal or change how a line reads: control
/// characters other than the line break, and the invisible formatting
/// characters (bidi overrides and isolates, zero-width spaces).
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n')
        || matches!(
            c,
            '\u{00ad}'
                | '\u{061c}'
                | '\u{200b}'..='\u{200f}'
                | '\u{2028}'..='\u{202e}'
                | '\u{2060}'..='\u{2069}'
                | '\u{feff}'
        )
}

fn assert_safe(out: &str) {
    let bad: Vec<String> = out
        .chars()
        .filter(|&c| is_unsafe(c))
        .map(|c| format!("U+{:04X}", c as u32))
        .collect();
    assert!(bad.is_empty(), "{bad:?} in\n{out}");
}

/// The line after the one containing `needle`.
fn line_under<'a>(out: &'a str, needle: &str) -> &'a str {
    let mut lines = out.lines();
    lines
        .by_ref()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{out}"));
    lines.next().unwrap_or("")
}

/// The whole line of `out` containing `needle`.
fn line_with<'a>(out: &'a str, needle: &str) -> &'a str {
    out.lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{out}"))
}

/// The display column (in characters) where `needle` starts in `line`.
fn column(line: &str, needle: &str) -> usize {
    let byte = line
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in {line:?}"));
    line[..byte].chars().count()
}

#[test]
fn escape_sequences_in_a_false_step_do_not_reach_the_terminal() {
    let path = scratch(
        "evil_comment.txt",
        "x : real\nclaim a: x = x + 1  # evil \u{1b}]0;pwned\u{7} \u{1b}[2J \u{202e}dlrow\n",
    );
    for format in ["text", "github"] {
        let (code, out) = run(&["verify", "--format", format, &path]);
        assert_eq!(code, 1, "{out}");
        assert_safe(&out);
    }
    let (_, out) = run(&["verify", &path]);
    // The snippet shows the escapes as the chain row does.
    assert!(
        out.contains(
            "│ claim a: x = x + 1  # evil \\u{1b}]0;pwned\\u{7} \\u{1b}[2J \\u{202e}dlrow\n"
        ),
        "{out}"
    );
    assert!(
        out.contains("# evil \\u{1b}]0;pwned\\u{7} \\u{1b}[2J \\u{202e}dlrow\n"),
        "{out}"
    );
}

#[test]
fn an_invisible_character_is_escaped_and_underlined() {
    for (c, shown) in [
        ('\u{1b}', "\\u{1b}"),
        ('\u{202e}', "\\u{202e}"),
        ('\u{200b}', "\\u{200b}"),
    ] {
        let path = scratch(
            &format!("invisible_{:x}.txt", c as u32),
            &format!("x : real\nclaim a: x = x + 1 {c} z\n"),
        );
        let (code, out) = run(&["verify", &path]);
        assert_eq!(code, 2, "{out}");
        assert_safe(&out);
        // The location still counts characters of the file.
        assert!(out.contains(&format!("{path}:2:20")), "{out}");
        let source = format!("│ claim a: x = x + 1 {shown} z");
        assert!(out.contains(&source), "{out}");
        // The caret stands under the escaped character, as wide as it.
        let carets = line_under(&out, &source);
        assert_eq!(
            column(carets, "^"),
            column(line_with(&out, &source), shown),
            "{out}"
        );
        assert_eq!(carets.trim_end().matches('^').count(), shown.len(), "{out}");
        let (_, github) = run(&["verify", "--format", "github", &path]);
        assert_safe(&github);
        assert!(github.contains(&format!("U+{:04X}", c as u32)), "{github}");
    }
}

#[test]
fn rows_of_links_in_error_name_their_own_step() {
    // The rows give each step's line and column, as for links that could
    // be checked; the diagnostic beneath points at the error itself.
    let (code, out) = run(&["verify", "derivations/mistakes/missing_transpose.txt"]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("    17:3  = (W2 (yhat - y)) ⊙ h ⊙ (1 - h)"),
        "{out}"
    );
    assert!(
        out.contains("    18:3  = (W2ᵀ (yhat - y)) ⊙ h ⊙ (1 - h)"),
        "{out}"
    );
    assert!(
        out.contains("┌─ derivations/mistakes/missing_transpose.txt:17:8"),
        "{out}"
    );

    let (code, out) = run(&["verify", "derivations/mistakes/bound_index_reused.txt"]);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("    11:3  = -Σ_j y[j] (δ(j, j) - ŷ[j])"),
        "{out}"
    );
    assert!(out.contains("    12:3  = ŷ[j] - y[j]"), "{out}");
    assert!(!out.contains("11:8  ="), "{out}");
}

#[test]
fn links_sharing_one_error_are_annotated_each_at_its_own_step() {
    // The typo on line 6 keeps both links that touch the line from being
    // checked: one annotation for each, on its step's line; the error is
    // told once, and the next link says why it is not checked.
    let path = scratch(
        "typo_in_chain.txt",
        "x : real\n\nclaim c: x + x = 2 x\n    x + x\n  = 2 x\n  = 2 * xx   # typo\n  = 2 x\n",
    );
    let (code, out) = run(&["verify", "--format", "github", &path]);
    assert_eq!(code, 2, "{out}");
    let errors: Vec<&str> = out.lines().filter(|l| l.starts_with("::error")).collect();
    let places: Vec<&str> = errors
        .iter()
        .map(|e| e.split(",title=").next().unwrap_or(""))
        .collect();
    assert_eq!(
        places,
        [
            format!("::error file={path},line=6,col=3,endLine=6,endColumn=10"),
            format!("::error file={path},line=7,col=3,endLine=7,endColumn=7"),
        ],
        "{out}"
    );
    assert!(errors[0].contains("unknown name `xx`"), "{out}");
    assert!(!errors[1].contains("unknown name `xx`"), "{out}");
    assert!(
        errors[1].contains("not checked: its left side (line 6) has the error reported there"),
        "{out}"
    );
}
