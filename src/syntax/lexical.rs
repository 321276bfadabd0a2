//! Character classes and small lexical helpers shared by the parser and the
//! printer. Everything here is total: no function panics on any input.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Characters that are letters but spell operators, so they never belong to
/// a name: `Σ` (sum), `ᵀ` (transpose, a modifier letter).
fn is_reserved_letter(c: char) -> bool {
    matches!(c, 'Σ' | 'ᵀ')
}

/// Superscript digits are numeric, but `x²` means a power, not a name.
fn is_superscript(c: char) -> bool {
    matches!(c, '¹' | '²' | '³' | '\u{2070}'..='\u{2079}')
}

/// Can `c` begin a name?
pub fn is_ident_start(c: char) -> bool {
    (c.is_alphabetic() || c == '_') && !is_reserved_letter(c)
}

/// Can `c` continue a name? Digits (also subscripts like `₁`) and combining
/// marks are allowed after the first character.
pub fn is_ident_continue(c: char) -> bool {
    ((c.is_alphanumeric() || c == '_') && !is_reserved_letter(c) && !is_superscript(c))
        || is_combining_mark(c)
}

/// The NFC form of a name, so that `ŷ` written as `y` + U+0302 and the
/// precomposed `ŷ` are the same name.
pub fn normalize_name(raw: &str) -> String {
    raw.nfc().collect()
}

/// Characters with a meaning somewhere in the language. Anything else outside
/// names, numbers, whitespace and comments is reported as "unexpected
/// character" rather than as a confusing "expected ..." message.
pub fn is_known_symbol(c: char) -> bool {
    matches!(
        c,
        '+' | '-'
            | '−'
            | '*'
            | '·'
            | '⋅'
            | '×'
            | '/'
            | '÷'
            | '⊙'
            | '^'
            | '('
            | ')'
            | '['
            | ']'
            | '{'
            | '}'
            | ','
            | '='
            | ':'
            | '!'
            | '≠'
            | 'Σ'
            | '∑'
            | '∂'
            | 'ᵀ'
            | '.'
            | '²'
            | '³'
            | '#'
            | '√'
            | '|'
            | '‖'
    )
}

/// Skips whitespace (newlines included: callers hand the parser one logical
/// line, where a newline can only stand inside open brackets) and `#`
/// comments up to the end of their line.
pub fn blank(mut i: &str) -> &str {
    loop {
        let t = i.trim_start();
        if let Some(rest) = t.strip_prefix('#') {
            i = match rest.find('\n') {
                Some(n) => &rest[n..],
                None => "",
            };
        } else {
            return t;
        }
    }
}

/// The longest name at the start of `i`, as written (not normalized).
pub fn ident_prefix(i: &str) -> Option<&str> {
    let mut chars = i.char_indices();
    match chars.next() {
        Some((_, c)) if is_ident_start(c) => {}
        _ => return None,
    }
    let end = chars
        .find(|&(_, c)| !is_ident_continue(c))
        .map(|(n, _)| n)
        .unwrap_or(i.len());
    Some(&i[..end])
}

/// The token at the start of `i` for an error message, with its byte length:
/// a whole name or number, or one character. Long tokens are shortened so a
/// 5000-digit literal does not flood the message.
pub fn describe_found(i: &str, end_name: &str) -> (String, usize) {
    let Some(c) = i.chars().next() else {
        return (end_name.to_string(), 0);
    };
    let token = if let Some(name) = ident_prefix(i) {
        name
    } else if c.is_ascii_digit() {
        let n = i.find(|ch: char| !ch.is_ascii_digit()).unwrap_or(i.len());
        &i[..n]
    } else {
        &i[..c.len_utf8()]
    };
    let shown: String = if token.chars().count() > 24 {
        let head: String = token.chars().take(20).collect();
        format!("{head}…")
    } else {
        token.to_string()
    };
    if c.is_control() {
        (format!("control character U+{:04X}", c as u32), token.len())
    } else {
        (format!("`{shown}`"), token.len())
    }
}

/// Is `c` a character the language has no use for (outside comments)?
pub fn is_unexpected_char(c: char) -> bool {
    !(is_ident_continue(c) || c.is_whitespace() || is_known_symbol(c) || is_superscript(c))
        || c.is_control() && !c.is_whitespace()
}

/// Characters that print as nothing (zero-width spaces, direction marks, a
/// byte order mark): shown by code point, since `` ` ` `` would be a puzzle.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{00ad}'
            | '\u{200b}'..='\u{200f}'
            | '\u{202a}'..='\u{202e}'
            | '\u{2060}'..='\u{2064}'
            | '\u{feff}'
    )
}

/// How a character the language has no use for is named in a message.
pub fn unexpected_char_message(c: char) -> String {
    if c.is_control() {
        format!("unexpected control character U+{:04X}", c as u32)
    } else if is_invisible(c) {
        format!("unexpected invisible character U+{:04X}", c as u32)
    } else if matches!(c, '–' | '—') {
        format!("unexpected character `{c}` (write `-` or `−` for minus)")
    } else if matches!(c, '\'' | '′') {
        format!("unexpected character `{c}` (a prime goes right after a function's name, as in `f′(x)`; or write `d/dx f(x)`)")
    } else {
        format!("unexpected character `{c}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_take_greek_digits_and_combining_marks() {
        assert_eq!(ident_prefix("W1 x"), Some("W1"));
        assert_eq!(ident_prefix("ŷ[j]"), Some("ŷ"));
        assert_eq!(ident_prefix("y\u{302}[j]"), Some("y\u{302}"));
        assert_eq!(ident_prefix("αβ_2+1"), Some("αβ_2"));
        assert_eq!(ident_prefix("Wᵀ"), Some("W"));
        assert_eq!(ident_prefix("x²"), Some("x"));
        assert_eq!(ident_prefix("Σ_i"), None);
        assert_eq!(ident_prefix("2x"), None);
        assert_eq!(normalize_name("y\u{302}"), "ŷ");
    }

    #[test]
    fn blank_skips_comments_and_newlines() {
        assert_eq!(blank("  # c\n  x"), "x");
        assert_eq!(blank("# only"), "");
        assert_eq!(blank("\t\r\n y"), "y");
    }

    #[test]
    fn found_tokens_are_short_and_readable() {
        assert_eq!(describe_found("", "end of line"), ("end of line".into(), 0));
        assert_eq!(describe_found("abc+", "eol"), ("`abc`".into(), 3));
        assert_eq!(describe_found("€", "eol"), ("`€`".into(), 3));
        let long = "1".repeat(5000);
        let (shown, len) = describe_found(&long, "eol");
        assert_eq!(len, 5000);
        assert!(shown.len() < 40, "{shown}");
        assert!(is_unexpected_char('€'));
        assert!(is_unexpected_char('\0'));
        assert!(is_unexpected_char('😀'));
        assert!(!is_unexpected_char('ŷ'));
        assert!(!is_unexpected_char('⊙'));
        assert!(is_unexpected_char('\u{200b}'));
        assert_eq!(
            unexpected_char_message('\u{200b}'),
            "unexpected invisible character U+200B"
        );
        assert!(unexpected_char_message('\'').contains("d/dx"));
        assert!(unexpected_char_message('–').contains("for minus"));
    }
}
