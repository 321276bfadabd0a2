//! Bad and large input: no panic, no hang, and maps that still hold; and a
//! property test over generated Markdown.

use std::time::{Duration, Instant};

use proptest::prelude::*;

use super::{assert_document_maps, texts};
use crate::document::{read_markdown, read_tex};

/// Reads `source` both ways and checks the maps; returns how long it took.
fn read_both(source: &str) -> Duration {
    let start = Instant::now();
    let md = read_markdown(source, true);
    let tex = read_tex(source, true);
    let took = start.elapsed();
    assert_document_maps(source, &md);
    assert_document_maps(source, &tex);
    took
}

/// A small deterministic generator, so the junk is the same on every run.
fn junk(len: usize, alphabet: &[&str], seed: u64) -> String {
    let mut state = seed;
    let mut out = String::with_capacity(len + 8);
    while out.len() < len {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        out.push_str(alphabet[(state >> 33) as usize % alphabet.len()]);
    }
    out
}

const DELIMS: &[&str] = &[
    "$",
    "$$",
    "\\[",
    "\\]",
    "\\(",
    "\\)",
    "\\begin{align}",
    "\\end{align}",
    "\\begin{verbatim}",
    "\\end{verbatim}",
    "\\verb|",
    "%",
    "%:",
    "\\\\",
    "\\",
    "\n",
    "\r\n",
    "\n\n",
    "> ",
    "- ",
    "1. ",
    "    ",
    "\t",
    "```",
    "~~~",
    "```derivcheck\n",
    "`",
    "<a>",
    "*",
    "_",
    "#",
    "x",
    "= ",
    "&",
    "{",
    "}",
    "\\section{",
    "é",
    "∂",
    "\u{0}",
];

#[test]
fn junk_does_not_panic() {
    for seed in 0..40 {
        read_both(&junk(2_000, DELIMS, seed));
    }
    // Bytes that were never text, as a lossy decoding makes them.
    let bytes: Vec<u8> = (0..20_000u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    read_both(&String::from_utf8_lossy(&bytes));
}

#[test]
fn ten_megabytes_in_linear_time() {
    let doc = junk(10_000_000, DELIMS, 7);
    let took = read_both(&doc);
    // Generous, for a debug build on a shared machine: quadratic behaviour
    // on 10 MB would take hours, not seconds.
    assert!(took < Duration::from_secs(120), "took {took:?}");
}

#[test]
fn unclosed_openers_stay_linear() {
    // Each opener searches for its closer; without remembering failed
    // searches these would be quadratic.
    for unit in [
        "\\begin{align}",
        "\\[",
        "$$",
        "\\section{",
        "\\begin{",
        "\\section[",
    ] {
        let doc = unit.repeat(2_000_000 / unit.len());
        let start = Instant::now();
        let tex = read_tex(&doc, false);
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "{unit}: {:?}",
            start.elapsed()
        );
        assert!(tex.displays.len() <= doc.len());
    }
    let para = "\\[ x\n".repeat(200_000);
    let start = Instant::now();
    let md = read_markdown(&para, false);
    assert!(start.elapsed() < Duration::from_secs(30));
    assert!(md.displays.is_empty());
}

#[test]
fn ten_thousand_nested_quotes_and_lists() {
    for prefix in [">", "> ", "- ", "1. ", "> - "] {
        let doc = format!("{}$$a\n= b$$\n", prefix.repeat(10_000));
        let md = read_markdown(&doc, false);
        assert_document_maps(&doc, &md);
        // The second line is a lazy continuation of the innermost paragraph.
        assert_eq!(texts(&md.displays), ["a\n= b"], "{prefix}");
    }
    // A quote deepening on each line.
    let mut doc = String::new();
    for depth in 1..=2_000 {
        doc.push_str(&">".repeat(depth));
        doc.push_str(" $$x = 1$$\n");
    }
    assert_document_maps(&doc, &read_markdown(&doc, false));
    let nested = format!(
        "\\begin{{equation}}{}a = b{}\\end{{equation}}",
        "\\begin{aligned}".repeat(10_000),
        "\\end{aligned}".repeat(10_000)
    );
    let tex = read_tex(&nested, false);
    assert_eq!(tex.displays.len(), 1);
    assert_document_maps(&nested, &tex);
}

/// One display of a generated document: its containers, its math lines,
/// and whether `$$` stands on lines of its own.
#[derive(Clone, Debug)]
struct Block {
    containers: Vec<u8>,
    lines: Vec<String>,
    own_lines: bool,
    prose: bool,
}

fn block() -> impl Strategy<Value = Block> {
    // Math lines start with a letter or `&`, so none starts a list, a quote,
    // a heading or a setext underline; no `$`, `` ` ``, `<` or brackets;
    // braces balanced, as pulldown-cmark wants them in math.
    let line = "[a-zé∂&]([a-z0-9&=+^_() ]|\\\\\\\\ |\\{[a-z0-9]{0,3}\\}){0,10}[a-z0-9]";
    (
        prop::collection::vec(0u8..3, 0..4),
        prop::collection::vec(line, 1..4),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(containers, lines, own_lines, prose)| Block {
            containers,
            lines,
            own_lines,
            prose,
        })
}

/// The first-line and continuation prefixes of a stack of containers: 0 a
/// quote, 1 a bullet item, 2 a numbered item.
fn prefixes(containers: &[u8]) -> (String, String) {
    let (mut first, mut rest) = (String::new(), String::new());
    for c in containers {
        let (f, r) = match c {
            0 => ("> ", "> "),
            1 => ("- ", "  "),
            _ => ("12. ", "    "),
        };
        first.push_str(f);
        rest.push_str(r);
    }
    (first, rest)
}

/// Renders the blocks as a document, and the math text each should give.
fn render(blocks: &[Block], crlf: bool) -> (String, Vec<String>) {
    let nl = if crlf { "\r\n" } else { "\n" };
    let mut doc = String::new();
    let mut expected = Vec::new();
    for b in blocks {
        let (first, rest) = prefixes(&b.containers);
        let mut lines: Vec<String> = Vec::new();
        if b.prose {
            lines.push("Inciso b) dice que".to_string());
        }
        let math = b.lines.join("\n");
        if b.own_lines {
            lines.push("$$".into());
            lines.extend(b.lines.iter().cloned());
            lines.push("$$".into());
            expected.push(format!("\n{math}\n"));
        } else {
            let mut ls = b.lines.clone();
            ls[0] = format!("$${}", ls[0]);
            let last = ls.len() - 1;
            ls[last].push_str("$$");
            lines.extend(ls);
            expected.push(math);
        }
        for (k, l) in lines.iter().enumerate() {
            doc.push_str(if k == 0 { &first } else { &rest });
            doc.push_str(l);
            doc.push_str(nl);
        }
        doc.push_str(nl);
    }
    (doc, expected)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn markdown_displays_map_back(blocks in prop::collection::vec(block(), 1..6), crlf in any::<bool>()) {
        let (doc, expected) = render(&blocks, crlf);
        let read = read_markdown(&doc, false);
        assert_document_maps(&doc, &read);
        prop_assert_eq!(texts(&read.displays), expected.iter().map(String::as_str).collect::<Vec<_>>());
        prop_assert!(read.notes.is_empty(), "{:?}", read.notes);
    }

    #[test]
    fn any_text_maps_back(doc in "(\\PC|\\$|\\\\|>|\n| ){0,200}") {
        read_both(&doc);
    }
}
