//! Finding LaTeX math delimiters in text: `$$…$$`, `\[…\]`, `$…$`, `\(…\)`
//! and the display environments. Used on LaTeX bodies and on Markdown
//! paragraphs (where pulldown-cmark does not read `\[…\]` as math).
//!
//! The scanner reads control sequences as TeX does, so `\$` is not a dollar,
//! `\\[2pt]` is a line break and not a display, and `\%` is a percent sign.
//! A display never holds a blank line (TeX stops math mode at a paragraph
//! break, so such a document does not compile): the search for a closing
//! delimiter stops there, which keeps an unclosed `\begin{align}` from
//! swallowing the rest of the document.

use std::collections::HashMap;
use std::ops::Range;

/// The environments whose body is a display, each also starred.
const DISPLAY_ENVS: &[&str] = &[
    "equation",
    "align",
    "gather",
    "multline",
    "eqnarray",
    "flalign",
    "alignat",
    "displaymath",
];

/// What the scanner looks for besides `\[`, `\(` and the environments.
#[derive(Clone, Copy, Debug)]
pub(super) struct ScanOptions {
    /// `$$…$$` and `$…$` (LaTeX; in Markdown pulldown-cmark reads them).
    pub dollars: bool,
    /// `\verb|…|` hides its delimiters (LaTeX only).
    pub verb: bool,
    /// How a note says that the search reached the end of the text: "the
    /// end of the document", "the end of the paragraph".
    pub end_words: &'static str,
}

/// One delimited piece of math, in offsets of the scanned text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Found {
    /// The opening delimiter (for `alignat`, with its column argument).
    pub open: Range<usize>,
    /// The closing delimiter.
    pub close: Range<usize>,
    /// `"$$"`, `"\\["`, `"$"`, `"\\("` or the environment name.
    pub env: String,
    /// Inline math rather than a display.
    pub inline: bool,
}

/// What a scan found, and what it could not pair up.
#[derive(Debug, Default)]
pub(super) struct Scan {
    /// The math, in order.
    pub found: Vec<Found>,
    /// Located notes, in offsets of the scanned text.
    pub notes: Vec<(Range<usize>, String)>,
}

/// A closing delimiter to search for.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Closer {
    Dollars,
    Dollar,
    Bracket,
    Paren,
    End(String),
}

impl Closer {
    fn words(&self) -> String {
        match self {
            Closer::Dollars => "`$$`".into(),
            Closer::Dollar => "`$`".into(),
            Closer::Bracket => "`\\]`".into(),
            Closer::Paren => "`\\)`".into(),
            Closer::End(name) => format!("`\\end{{{name}}}`"),
        }
    }
}

struct Scanner<'a> {
    bytes: &'a [u8],
    to: usize,
    /// Sorted, disjoint ranges to step over (verbatim, code, other math).
    opaque: &'a [Range<usize>],
    opts: ScanOptions,
    /// For each closer whose search failed, where that search stopped: a
    /// later search for it from before there fails too, which keeps a
    /// document full of unclosed openers linear.
    failed: HashMap<Closer, usize>,
}

/// Scans `text[from..to]` for math, stepping over the `opaque` ranges.
pub(super) fn scan(
    text: &str,
    from: usize,
    to: usize,
    opaque: &[Range<usize>],
    opts: ScanOptions,
) -> Scan {
    let mut s = Scanner {
        bytes: text.as_bytes(),
        to: to.min(text.len()),
        opaque,
        opts,
        failed: HashMap::new(),
    };
    let mut out = Scan::default();
    let mut i = from;
    while i < s.to {
        if let Some(end) = s.opaque_end(i) {
            i = end;
            continue;
        }
        let (closer, open_end, env, inline) = match s.bytes[i] {
            b'\\' => {
                let (name, next) = s.control(i);
                match name {
                    b"[" => (Closer::Bracket, next, "\\[".to_string(), false),
                    b"(" => (Closer::Paren, next, "\\(".to_string(), true),
                    b"begin" => match s.env_name(next) {
                        Some((env, after)) if is_display_env(env) => {
                            let after = if env.starts_with("alignat") {
                                s.skip_argument(after)
                            } else {
                                after
                            };
                            (Closer::End(env.to_string()), after, env.to_string(), false)
                        }
                        Some((_, after)) => {
                            i = after;
                            continue;
                        }
                        None => {
                            i = next;
                            continue;
                        }
                    },
                    b"end" => {
                        if let Some((env, after)) = s.env_name(next) {
                            if is_display_env(env) {
                                out.notes.push((
                                    i..after,
                                    format!("`\\end{{{env}}}` has no `\\begin{{{env}}}` before it"),
                                ));
                            }
                            i = after;
                        } else {
                            i = next;
                        }
                        continue;
                    }
                    b"verb" | b"verb*" if s.opts.verb => {
                        i = s.skip_verb(next);
                        continue;
                    }
                    _ => {
                        i = next;
                        continue;
                    }
                }
            }
            b'$' if s.opts.dollars => {
                if s.bytes.get(i + 1) == Some(&b'$') && i + 1 < s.to {
                    (Closer::Dollars, i + 2, "$$".to_string(), false)
                } else {
                    (Closer::Dollar, i + 1, "$".to_string(), true)
                }
            }
            _ => {
                i += 1;
                continue;
            }
        };
        let open_start = i;
        match s.find_close(&closer, open_end) {
            Ok(close) => {
                i = close.end;
                out.found.push(Found {
                    open: open_start..open_end,
                    close,
                    env,
                    inline,
                });
            }
            Err(stop) => {
                // A lone `$` is as likely a price as math: no note for it.
                if closer != Closer::Dollar {
                    let place = if stop >= s.to {
                        s.opts.end_words
                    } else {
                        "the blank line after it"
                    };
                    out.notes.push((
                        i..open_end,
                        format!(
                            "`{}` is not closed: no {} before {place}, so it is not read as math",
                            String::from_utf8_lossy(&s.bytes[i..open_end]).trim_end(),
                            closer.words()
                        ),
                    ));
                }
                i = open_end;
            }
        }
    }
    out
}

fn is_display_env(name: &str) -> bool {
    DISPLAY_ENVS.contains(&name.strip_suffix('*').unwrap_or(name))
}

impl Scanner<'_> {
    /// Where the opaque range holding `i` ends, if one does.
    fn opaque_end(&self, i: usize) -> Option<usize> {
        let k = self.opaque.partition_point(|r| r.end <= i);
        self.opaque
            .get(k)
            .filter(|r| r.start <= i && i < r.end)
            .map(|r| r.end)
    }

    /// The control sequence at `i` (a backslash): its name (letters, or the
    /// one symbol after the backslash) and where it ends. A backslash before
    /// a line break is left alone, so the line break still counts for
    /// finding blank lines.
    fn control(&self, i: usize) -> (&[u8], usize) {
        let b = self.bytes;
        let start = i + 1;
        if start >= self.to || b[start] == b'\n' || b[start] == b'\r' {
            return (b"", start);
        }
        if !b[start].is_ascii_alphabetic() {
            return (&b[start..start + 1], start + 1);
        }
        let mut j = start;
        while j < self.to && b[j].is_ascii_alphabetic() {
            j += 1;
        }
        if j < self.to && b[j] == b'*' && &b[start..j] == b"verb" {
            j += 1;
        }
        (&b[start..j], j)
    }

    /// The `{name}` after `\begin` or `\end` at `i` (spaces allowed before
    /// the brace), and where it ends.
    fn env_name(&self, i: usize) -> Option<(&str, usize)> {
        let b = self.bytes;
        let mut j = i;
        while j < self.to && (b[j] == b' ' || b[j] == b'\t') {
            j += 1;
        }
        if j >= self.to || b[j] != b'{' {
            return None;
        }
        let start = j + 1;
        // Environment names are short; a brace left open is not one.
        let limit = (start + 64).min(self.to);
        let close = start + b[start..limit].iter().position(|&c| c == b'}')?;
        let name = std::str::from_utf8(&b[start..close]).ok()?;
        name.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'*')
            .then_some((name, close + 1))
    }

    /// Past the `{n}` argument of `alignat`, if it has one.
    fn skip_argument(&self, i: usize) -> usize {
        let b = self.bytes;
        let limit = (i + 16).min(self.to);
        if i < self.to && b[i] == b'{' {
            if let Some(k) = b[i..limit].iter().position(|&c| c == b'}') {
                return i + k + 1;
            }
        }
        i
    }

    /// Past `\verb|…|` whose delimiter is at `i`: to the delimiter's next
    /// occurrence on the line, or to the line's end.
    fn skip_verb(&self, i: usize) -> usize {
        let b = self.bytes;
        let Some(&delim) = b.get(i).filter(|_| i < self.to) else {
            return i;
        };
        if delim == b'\n' || delim.is_ascii_whitespace() {
            return i;
        }
        let mut j = i + 1;
        while j < self.to && b[j] != delim && b[j] != b'\n' {
            j += 1;
        }
        (j + 1).min(self.to)
    }

    /// Whether a blank line starts right after the line break at `i`.
    fn blank_line_after(&self, i: usize) -> bool {
        let b = self.bytes;
        let mut j = i + 1;
        while j < self.to && matches!(b[j], b' ' | b'\t' | b'\r') {
            j += 1;
        }
        j < self.to && b[j] == b'\n'
    }

    /// The closing delimiter for `closer` from `from` on, or where the
    /// search stopped (a blank line, or the end).
    fn find_close(&mut self, closer: &Closer, from: usize) -> Result<Range<usize>, usize> {
        if let Some(&stop) = self.failed.get(closer) {
            if from < stop {
                return Err(stop);
            }
        }
        let b = self.bytes;
        let mut j = from;
        while j < self.to {
            if let Some(end) = self.opaque_end(j) {
                j = end;
                continue;
            }
            match b[j] {
                b'\\' => {
                    let (name, next) = self.control(j);
                    let hit = match (closer, name) {
                        (Closer::Bracket, b"]") | (Closer::Paren, b")") => Some(next),
                        (Closer::End(want), b"end") => self
                            .env_name(next)
                            .filter(|&(env, _)| env == want)
                            .map(|(_, after)| after),
                        _ => None,
                    };
                    if let Some(end) = hit {
                        return Ok(j..end);
                    }
                    j = next;
                }
                b'$' if self.opts.dollars => match closer {
                    Closer::Dollars if j + 1 < self.to && b[j + 1] == b'$' => return Ok(j..j + 2),
                    Closer::Dollar => return Ok(j..j + 1),
                    _ => j += 1,
                },
                b'\n' if self.blank_line_after(j) => {
                    self.failed.insert(closer.clone(), j);
                    return Err(j);
                }
                _ => j += 1,
            }
        }
        self.failed.insert(closer.clone(), self.to);
        Err(self.to)
    }
}
