//! Whether to colour the terminal report: the `--color` setting, and the
//! rules that decide it from the stream and the environment.

/// The `--color` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    /// Colour when writing to a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour, even into a pipe and despite `NO_COLOR`.
    Always,
    /// Never colour.
    Never,
}

/// Whether to colour a stream.
///
/// An explicit `--color always` beats `NO_COLOR`, as the no-color.org
/// convention asks: the variable sets a default, a flag states intent.
/// `NO_COLOR` counts only when non-empty, and `TERM=dumb` turns colour off
/// in auto mode because such terminals print escape codes literally.
pub fn use_color(
    choice: ColorChoice,
    is_terminal: bool,
    no_color: Option<&str>,
    term: Option<&str>,
) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            let no_color = matches!(no_color, Some(v) if !v.is_empty());
            is_terminal && !no_color && term != Some("dumb")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_rules() {
        use ColorChoice::*;
        assert!(use_color(Auto, true, None, Some("xterm")));
        assert!(!use_color(Auto, false, None, None));
        assert!(!use_color(Auto, true, Some("1"), None));
        assert!(use_color(Auto, true, Some(""), None));
        assert!(!use_color(Auto, true, None, Some("dumb")));
        assert!(use_color(Always, false, Some("1"), Some("dumb")));
        assert!(!use_color(Never, true, None, None));
    }
}
