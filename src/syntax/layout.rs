//! Splitting a file into logical lines before any expression is parsed.
//!
//! Items, claim lines and chain steps are one line each, so the file is cut
//! into lines first: that is what makes parsing resilient (a bad line is
//! reported and the next line starts afresh) and keeps a newline from ever
//! being read as juxtaposition. A line whose brackets are left open continues
//! on the next line when that line is indented deeper or starts by closing a
//! bracket; otherwise the open bracket is reported on its own line instead of
//! swallowing the rest of the file.

/// One logical line: one or more physical lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogicalLine<'s> {
    /// Indentation of the first physical line, in columns (a tab counts 4).
    pub indent: usize,
    /// The text from the first non-blank character to the end of the last
    /// physical line, without the final comment and trailing blanks. Empty
    /// for blank and comment-only lines. Always a slice of the source.
    pub content: &'s str,
    /// The comment at the end of the last physical line, trimmed, without `#`.
    pub comment: Option<String>,
}

/// Net bracket depth change of `text` (comments excluded), and where its
/// comment starts.
fn scan(text: &str) -> (i64, Option<usize>) {
    let mut depth = 0i64;
    for (n, c) in text.char_indices() {
        match c {
            '#' => return (depth, Some(n)),
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' => depth -= 1,
            _ => {}
        }
    }
    (depth, None)
}

fn indent_of(line: &str) -> usize {
    let mut cols = 0;
    for c in line.chars() {
        match c {
            '\t' => cols = (cols / 4 + 1) * 4,
            c if c.is_whitespace() => cols += 1,
            _ => break,
        }
    }
    cols
}

/// The physical lines of `source` as slices, without `\n` or a final `\r`.
fn physical_lines(source: &str) -> Vec<&str> {
    source
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect()
}

/// Cuts `source` into logical lines (see the module docs).
pub fn logical_lines(source: &str) -> Vec<LogicalLine<'_>> {
    // A byte order mark is an encoding artefact, not text.
    let body = source.strip_prefix('\u{feff}').unwrap_or(source);
    let phys = physical_lines(body);
    let base = source.as_ptr() as usize;
    let offset = |s: &str| s.as_ptr() as usize - base;
    let mut out = Vec::new();
    let mut k = 0;
    while k < phys.len() {
        let first = phys[k];
        let indent = indent_of(first);
        let start_text = first.trim_start();
        let start = offset(start_text);
        let (mut depth, mut comment_at) = scan(start_text);
        let mut last = first;
        let mut last_start = start;
        k += 1;
        while depth > 0 && k < phys.len() {
            let next = phys[k];
            let t = next.trim_start();
            let closes = t.starts_with([')', ']', '}']);
            if t.is_empty() || t.starts_with('#') || !(indent_of(next) > indent || closes) {
                break;
            }
            let (d, c) = scan(t);
            depth += d;
            comment_at = c;
            last = next;
            last_start = offset(t);
            k += 1;
        }
        let last_end = offset(last) + last.len();
        let (content_end, comment) = match comment_at {
            Some(n) => {
                let hash = last_start + n;
                let text = source[hash + 1..last_end].trim().to_string();
                (hash, Some(text))
            }
            None => (last_end, None),
        };
        let content = source[start..content_end.max(start)].trim_end();
        out.push(LogicalLine {
            indent,
            content,
            comment,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contents(src: &str) -> Vec<(usize, &str, Option<String>)> {
        logical_lines(src)
            .into_iter()
            .map(|l| (l.indent, l.content, l.comment))
            .collect()
    }

    #[test]
    fn comments_become_line_comments() {
        let got = contents("x : real  # a scalar\n  = y # why\n# only\n\n");
        assert_eq!(
            got,
            vec![
                (0, "x : real", Some("a scalar".into())),
                (2, "= y", Some("why".into())),
                (0, "", Some("only".into())),
                (0, "", None),
                (0, "", None),
            ]
        );
    }

    #[test]
    fn open_brackets_continue_on_deeper_lines() {
        let src = "  = f(a,\n      b) # end\n  = c";
        let got = contents(src);
        assert_eq!(got[0], (2, "= f(a,\n      b)", Some("end".into())));
        assert_eq!(got[1], (2, "= c", None));
    }

    #[test]
    fn open_brackets_do_not_swallow_the_next_item() {
        let got = contents("let h = f(x\nlet g = 1\n");
        assert_eq!(got[0].1, "let h = f(x");
        assert_eq!(got[1].1, "let g = 1");
    }

    #[test]
    fn closing_bracket_line_continues_even_when_not_deeper() {
        let got = contents("let h = f(\n  x\n)\n");
        assert_eq!(got[0].1, "let h = f(\n  x\n)");
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let got = contents("\u{feff}x : real\n");
        assert_eq!(got[0], (0, "x : real", None));
    }

    #[test]
    fn crlf_is_handled() {
        let got = contents("x : real\r\ny : real # c\r\n");
        assert_eq!(got[0].1, "x : real");
        assert_eq!(got[1], (0, "y : real", Some("c".into())));
    }
}
