//! Tokens of LaTeX math, with byte spans into the display's text.
//!
//! The lexer already drops what never carries meaning for a derivation:
//! comments (`%` to the end of the line), `\left`/`\right` and the size
//! commands (`\big`, `\Bigl`, ...), thin spaces (`\,` `\;` `\:` `\!` `~`),
//! `\displaystyle`, `\limits`, `\mathopen{}`, `\label{…}`, `\tag{…}`,
//! `\nonumber`. The wide spaces `\quad` and `\qquad` are kept: before a
//! justification they separate it from the step (see `chain.rs`); inside an
//! expression the parser skips them.
//!
//! Text-mode arguments (`\text{…}`, `\mathrm{…}`, `\operatorname{…}`, ...)
//! are read whole, as one [`TokKind::Text`] token: their content is words,
//! not math.

use super::LatexError;
use crate::syntax::span::Span;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// What a token is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TokKind {
    /// A control word without its backslash (`frac`, `alpha`), or a control
    /// symbol's character (`{` for `\{`, `\\` for a row break).
    Cmd(String),
    /// One letter with any combining marks after it, NFC-normalized.
    Letter(String),
    /// ASCII digits with an optional decimal part.
    Num(String),
    /// Any other character: `+ - = ( ) [ ] { } ^ _ & , . ' / * < > |` and
    /// the Unicode operators.
    Sym(char),
    /// A text-mode argument: the command (`text`, `mathrm`, ...) and its
    /// content as written (blanks inside tell prose from a name).
    Text { cmd: String, content: String },
    /// `\begin{env}` or `\end{env}`: true for begin.
    Env { begin: bool, name: String },
}

/// A token and where it stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Tok {
    /// What it is.
    pub kind: TokKind,
    /// Its bytes in the display's text.
    pub span: Span,
}

impl Tok {
    /// Is this the symbol `c`?
    pub fn is_sym(&self, c: char) -> bool {
        self.kind == TokKind::Sym(c)
    }

    /// Is this the command `\name`?
    pub fn is_cmd(&self, name: &str) -> bool {
        matches!(&self.kind, TokKind::Cmd(n) if n == name)
    }
}

/// Commands whose argument is text: read whole into a [`TokKind::Text`].
const TEXT_COMMANDS: &[&str] = &[
    "text",
    "textrm",
    "textit",
    "textbf",
    "textsf",
    "texttt",
    "textnormal",
    "mbox",
    "mathrm",
    "mathit",
    "mathsf",
    "mathtt",
    "operatorname",
    "operatorname*",
];

/// Commands that are dropped with nothing after them.
const DROPPED: &[&str] = &[
    "left",
    "right",
    "middle",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "bigm",
    "Bigl",
    "Bigr",
    "Bigm",
    "biggl",
    "biggr",
    "biggm",
    "Biggl",
    "Biggr",
    "Biggm",
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "limits",
    "nolimits",
    "nonumber",
    "notag",
    ",",
    ";",
    ":",
    "!",
    " ",
    ">",
    "thinspace",
    "medspace",
    "thickspace",
    "negthinspace",
];

/// Commands dropped together with their one braced argument.
const DROPPED_WITH_ARG: &[&str] = &["label", "tag", "tag*", "mathopen", "mathclose", "mathord"];

/// Cuts `math` into tokens. Fails only on a text-mode argument or a
/// `\begin{…}` whose brace is never closed, where nothing after it can be
/// read reliably.
pub(crate) fn lex(math: &str) -> Result<Vec<Tok>, LatexError> {
    let mut toks = Vec::new();
    // `\left(`, `\bigl[`: the size command is dropped, but the fence's
    // span starts at it, so a step that begins with one is shown whole.
    let mut sized: Vec<(usize, usize)> = Vec::new();
    let b = math.as_bytes();
    let mut i = 0;
    while i < math.len() {
        let c = match math[i..].chars().next() {
            Some(c) => c,
            None => break,
        };
        let start = i;
        if c.is_whitespace() || c == '~' {
            i += c.len_utf8();
            continue;
        }
        if c == '%' {
            i = math[i..].find('\n').map_or(math.len(), |n| i + n);
            continue;
        }
        if c == '\\' {
            let (name, after) = control_sequence(math, i);
            i = after;
            if DROPPED.contains(&name) {
                // `\left.` and `\right.` are invisible fences.
                if matches!(name, "left" | "right") && math[i..].starts_with('.') {
                    i += 1;
                } else if let Some((bar, len)) = sized_bar(name, &math[i..]) {
                    // `\left|` opens and `\right|` closes: kept, so that
                    // `\left|\left|x\right|\right|` nests as written.
                    i += len;
                    toks.push(Tok {
                        kind: TokKind::Cmd(bar.into()),
                        span: Span::new(start, i),
                    });
                } else if matches!(name, "left" | "right" | "middle")
                    || name.starts_with("big")
                    || name.starts_with("Big")
                {
                    sized.push((start, toks.len()));
                }
                continue;
            }
            let star = name.len() > 1 && math[i..].starts_with('*');
            let starred = if star {
                format!("{name}*")
            } else {
                name.to_string()
            };
            if TEXT_COMMANDS.contains(&starred.as_str())
                || DROPPED_WITH_ARG.contains(&starred.as_str())
                || matches!(name, "begin" | "end" | "hspace")
            {
                if star {
                    i += 1;
                }
                let (content, after) = braced_arg(math, i, start, &starred)?;
                i = after;
                let span = Span::new(start, i);
                let kind = match starred.as_str() {
                    "begin" | "end" => TokKind::Env {
                        begin: name == "begin",
                        name: content.trim().to_string(),
                    },
                    "hspace" => TokKind::Cmd("quad".into()),
                    s if DROPPED_WITH_ARG.contains(&s) => continue,
                    _ => TokKind::Text {
                        cmd: name.to_string(),
                        content: content.to_string(),
                    },
                };
                toks.push(Tok { kind, span });
                continue;
            }
            toks.push(Tok {
                kind: TokKind::Cmd(name.to_string()),
                span: Span::new(start, i),
            });
            continue;
        }
        if c.is_ascii_digit() {
            let digits = |k: usize| k + b[k..].iter().take_while(|d| d.is_ascii_digit()).count();
            i = digits(i);
            if b.get(i) == Some(&b'.') && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
                i = digits(i + 1);
            }
            toks.push(Tok {
                kind: TokKind::Num(math[start..i].to_string()),
                span: Span::new(start, i),
            });
            continue;
        }
        i += c.len_utf8();
        if c.is_alphabetic() {
            // Combining marks belong to the letter before them (y + U+0302).
            while let Some(m) = math[i..].chars().next().filter(|&m| is_combining_mark(m)) {
                i += m.len_utf8();
            }
            toks.push(Tok {
                kind: TokKind::Letter(math[start..i].nfc().collect()),
                span: Span::new(start, i),
            });
            continue;
        }
        toks.push(Tok {
            kind: TokKind::Sym(c),
            span: Span::new(start, i),
        });
    }
    for (start, k) in sized {
        if let Some(t) = toks.get_mut(k) {
            t.span.start = t.span.start.min(start);
        }
    }
    Ok(toks)
}

/// The control sequence starting with the backslash at `i`: its name and
/// the offset after it. A control word is its run of ASCII letters, so
/// `\cdotx` is the unknown command `\cdotx`, as in TeX.
fn control_sequence(math: &str, i: usize) -> (&str, usize) {
    let rest = &math[i + 1..];
    let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    if letters > 0 {
        return (&rest[..letters], i + 1 + letters);
    }
    match rest.chars().next() {
        // A lone backslash at the end: an unknown command with no name.
        None => ("", i + 1),
        Some(c) if c.is_whitespace() => (" ", i + 1 + c.len_utf8()),
        Some(c) => (&rest[..c.len_utf8()], i + 1 + c.len_utf8()),
    }
}

/// The braced argument after a command at `cmd_start`, starting at `i`
/// (blanks allowed before the brace): its content and the offset after the
/// closing brace. A single token without braces (`\mathrm d`) is taken as
/// the argument too.
fn braced_arg<'m>(
    math: &'m str,
    i: usize,
    cmd_start: usize,
    cmd: &str,
) -> Result<(&'m str, usize), LatexError> {
    let j = i + (math.len() - i - math[i..].trim_start().len());
    let rest = &math[j..];
    if !rest.starts_with('{') {
        // `\mathrm d`: one character.
        return match rest.chars().next() {
            Some(c) if c.is_alphanumeric() => Ok((&rest[..c.len_utf8()], j + c.len_utf8())),
            _ => Err(LatexError {
                span: Span::new(cmd_start, j),
                message: format!("expected `{{` and the argument of `\\{cmd}`"),
            }),
        };
    }
    let mut depth = 0usize;
    let mut k = j;
    let bytes = math.as_bytes();
    while k < math.len() {
        match bytes[k] {
            b'\\' => k += 1,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Ok((&math[j + 1..k], k + 1));
                }
            }
            _ => {}
        }
        k += 1;
    }
    Err(LatexError {
        span: Span::new(j, j + 1),
        message: format!("the `{{` of `\\{cmd}` is never closed"),
    })
}

/// After `\left` or `\right`, a bar (`|`, `\vert`, `\|`, `\Vert`): the
/// command that opens or closes it (`lvert`, `rvert`, `lVert`, `rVert`)
/// and how many bytes of `rest` it takes.
fn sized_bar(name: &str, rest: &str) -> Option<(&'static str, usize)> {
    let left = match name {
        "left" => true,
        "right" => false,
        _ => return None,
    };
    let (norm, len) = if rest.starts_with('|') {
        (false, 1)
    } else if rest.starts_with("\\|") {
        (true, 2)
    } else if rest.starts_with("\\Vert") && !rest[5..].starts_with(char::is_alphabetic) {
        (true, 5)
    } else if rest.starts_with("\\vert") && !rest[5..].starts_with(char::is_alphabetic) {
        (false, 5)
    } else {
        return None;
    };
    Some(match (norm, left) {
        (false, true) => ("lvert", len),
        (false, false) => ("rvert", len),
        (true, true) => ("lVert", len),
        (true, false) => ("rVert", len),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<TokKind> {
        lex(s).unwrap().into_iter().map(|t| t.kind).collect()
    }

    #[test]
    fn drops_sizes_spaces_and_labels() {
        assert_eq!(
            kinds("\\left( x \\right.\\,\\bigl[ \\label{eq:1}\\tag{3}"),
            vec![
                TokKind::Sym('('),
                TokKind::Letter("x".into()),
                TokKind::Sym('[')
            ]
        );
        assert_eq!(kinds("a % comment\n b"), kinds("a b"));
    }

    #[test]
    fn text_arguments_are_one_token() {
        let t = lex("\\text{ by parts }x").unwrap();
        assert_eq!(
            t[0].kind,
            TokKind::Text {
                cmd: "text".into(),
                content: " by parts ".into()
            }
        );
        assert_eq!(t[0].span, Span::new(0, 17));
        assert!(lex("\\text{oops").is_err());
        assert_eq!(
            kinds("\\mathrm d"),
            vec![TokKind::Text {
                cmd: "mathrm".into(),
                content: "d".into()
            }]
        );
    }

    #[test]
    fn numbers_letters_and_commands() {
        assert_eq!(
            kinds("2.5x\\cdot y\u{302}\\\\"),
            vec![
                TokKind::Num("2.5".into()),
                TokKind::Letter("x".into()),
                TokKind::Cmd("cdot".into()),
                TokKind::Letter("ŷ".into()),
                TokKind::Cmd("\\".into()),
            ]
        );
        assert_eq!(
            kinds("1."),
            vec![TokKind::Num("1".into()), TokKind::Sym('.')]
        );
        assert_eq!(kinds("\\"), vec![TokKind::Cmd(String::new())]);
    }
}
