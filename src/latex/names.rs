//! How LaTeX spellings become the language's names.
//!
//! The rules (docs/latex.md has the table):
//!
//! - a Greek command is its Unicode letter (`\alpha` → `α`), or its spelled
//!   name (`alpha`) when only that one is declared; `\pi` is `pi` and
//!   `\Sigma` is `Sigma` (the language reads `π` as `pi` and keeps `Σ` for
//!   sums);
//! - an accent makes a suffix: `\hat{y}` → `yhat`, `\bar{x}` → `xbar`,
//!   `\tilde{x}` → `xtilde`, or the accented letter (`ŷ`) when only that one
//!   is declared;
//! - a subscript joins the name (`W_1` → `W1`) exactly when the joined name
//!   is declared; otherwise it is an index (`x_i` → `x[i]`).
//!
//! The declared predicate decides between spellings because the language
//! accepts all of them as names, and only the one the file declares means
//! anything to the checker.

/// Greek letter commands: the command, its letter, and its spelled name.
const GREEK: &[(&str, &str)] = &[
    ("alpha", "α"),
    ("beta", "β"),
    ("gamma", "γ"),
    ("delta", "δ"),
    ("epsilon", "ϵ"),
    ("varepsilon", "ε"),
    ("zeta", "ζ"),
    ("eta", "η"),
    ("theta", "θ"),
    ("vartheta", "ϑ"),
    ("iota", "ι"),
    ("kappa", "κ"),
    ("lambda", "λ"),
    ("mu", "μ"),
    ("nu", "ν"),
    ("xi", "ξ"),
    ("pi", "π"),
    ("rho", "ρ"),
    ("sigma", "σ"),
    ("tau", "τ"),
    ("upsilon", "υ"),
    ("phi", "ϕ"),
    ("varphi", "φ"),
    ("chi", "χ"),
    ("psi", "ψ"),
    ("omega", "ω"),
    ("Gamma", "Γ"),
    ("Delta", "Δ"),
    ("Theta", "Θ"),
    ("Lambda", "Λ"),
    ("Xi", "Ξ"),
    ("Pi", "Π"),
    ("Sigma", "Σ"),
    ("Upsilon", "Υ"),
    ("Phi", "Φ"),
    ("Psi", "Ψ"),
    ("Omega", "Ω"),
    // Not Greek, but a letter a loss is often called by (`\ell(y, p)`).
    ("ell", "ℓ"),
];

/// The Greek letter of a command (`alpha` → `α`).
pub(crate) fn greek_letter(cmd: &str) -> Option<&'static str> {
    GREEK.iter().find(|(c, _)| *c == cmd).map(|(_, g)| *g)
}

/// The spelled name of a Greek letter (`α` → `alpha`), the variants
/// (`varepsilon`) spelled as their plain letter's name.
fn greek_spelled(letter: &str) -> Option<&'static str> {
    GREEK
        .iter()
        .find(|(_, g)| *g == letter)
        .map(|(c, _)| c.strip_prefix("var").unwrap_or(c))
}

/// The name a letter token or Greek letter stands for: the letter itself
/// unless only its spelled name is declared. `π` is always `pi`, and `Σ`
/// (which the language keeps for sums) always `Sigma`.
pub(crate) fn letter_name(letter: &str, declared: &dyn Fn(&str) -> bool) -> String {
    match letter {
        "π" => return "pi".into(),
        "Σ" => return "Sigma".into(),
        _ => {}
    }
    match greek_spelled(letter) {
        Some(spelled) if !declared(letter) && declared(spelled) => spelled.into(),
        _ => letter.into(),
    }
}

/// The name of an accented base: `yhat` for `\hat{y}`, or the precomposed
/// letter (`ŷ`) when only that is declared.
pub(crate) fn accented_name(base: &str, accent: &str, declared: &dyn Fn(&str) -> bool) -> String {
    use unicode_normalization::UnicodeNormalization;
    let (mark, suffix) = match accent {
        "hat" | "widehat" => ('\u{302}', "hat"),
        "bar" | "overline" => ('\u{304}', "bar"),
        "tilde" | "widetilde" => ('\u{303}', "tilde"),
        "dot" => ('\u{307}', "dot"),
        _ => ('\u{302}', "hat"),
    };
    let spelled = format!("{base}{suffix}");
    let composed: String = format!("{base}{mark}").nfc().collect();
    if !declared(&spelled) && declared(&composed) {
        composed
    } else {
        spelled
    }
}

/// The commands that typeset a letter differently without changing what it
/// names: bold, vector arrows, calligraphic.
pub(crate) fn is_style(cmd: &str) -> bool {
    matches!(
        cmd,
        "mathbf"
            | "boldsymbol"
            | "bm"
            | "vec"
            | "mathbfit"
            | "pmb"
            | "mathcal"
            | "mathscr"
            | "mathfrak"
            | "mathbb"
            | "mathds"
            | "mathbbm"
            | "mathnormal"
            | "boldsymbol*"
    )
}

/// Accents that make a new name (`\hat{y}` → `yhat`).
pub(crate) fn is_accent(cmd: &str) -> bool {
    matches!(
        cmd,
        "hat" | "widehat" | "bar" | "overline" | "tilde" | "widetilde" | "dot"
    )
}

/// Function commands read as calls (`\log x`, `\exp(x)`): the command and
/// the language's function name.
pub(crate) fn function_command(cmd: &str) -> Option<&'static str> {
    Some(match cmd {
        "exp" => "exp",
        "log" | "ln" => "log",
        "sin" => "sin",
        "cos" => "cos",
        "tan" => "tan",
        "tanh" => "tanh",
        "sinh" => "sinh",
        "cosh" => "cosh",
        "coth" => "coth",
        "cot" => "cot",
        "sec" => "sec",
        "csc" => "csc",
        "arcsin" => "arcsin",
        "arccos" => "arccos",
        "arctan" => "arctan",
        "max" => "max",
        "min" => "min",
        "det" => "det",
        _ => return None,
    })
}

/// Function names written as words (`\text{softmax}`, a declared `sigma`,
/// or plain letters `exp`): the language's spelling.
pub(crate) fn canonical_function(name: &str) -> &str {
    match name {
        "ln" => "log",
        "σ" => "sigmoid",
        other => other,
    }
}

/// The builtin a text-mode word names in the capitalization papers use
/// for it (`\operatorname{ReLU}(x)`, `\operatorname{Tr}(A)`), when it is
/// called: the language's names are lower-case.
pub(crate) fn text_function_alias(word: &str) -> Option<&'static str> {
    match word {
        "ReLU" | "Relu" => Some("relu"),
        "Tr" => Some("tr"),
        _ => None,
    }
}

/// Words that are builtin functions of the language, so that `softmax(z)`
/// typed as plain letters is one name and not `s o f t m a x`.
pub(crate) fn is_builtin_word(word: &str) -> bool {
    matches!(
        word,
        "exp"
            | "log"
            | "ln"
            | "sqrt"
            | "sin"
            | "cos"
            | "tan"
            | "tanh"
            | "sigmoid"
            | "softmax"
            | "relu"
            | "softplus"
            | "logsumexp"
            | "sinh"
            | "cosh"
            | "sech"
            | "csch"
            | "coth"
            | "sec"
            | "csc"
            | "cot"
    )
}

/// A name for a bound index that `used` does not contain: `k`, then other
/// letters, then `k1`, `k2`, ....
pub(crate) fn fresh_index(used: &dyn Fn(&str) -> bool) -> String {
    for c in ["k", "j", "i", "l", "m", "p", "q", "r", "s", "t", "u"] {
        if !used(c) {
            return c.into();
        }
    }
    (1..)
        .map(|n| format!("k{n}"))
        .find(|n| !used(n))
        .unwrap_or_else(|| "k0".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_follow_the_declarations() {
        let none = |_: &str| false;
        assert_eq!(letter_name("α", &none), "α");
        assert_eq!(letter_name("α", &|n: &str| n == "alpha"), "alpha");
        assert_eq!(letter_name("ε", &|n: &str| n == "epsilon"), "epsilon");
        assert_eq!(letter_name("π", &none), "pi");
        assert_eq!(accented_name("y", "hat", &none), "yhat");
        assert_eq!(accented_name("y", "hat", &|n: &str| n == "ŷ"), "ŷ");
        assert_eq!(accented_name("x", "bar", &none), "xbar");
        assert_eq!(fresh_index(&|n: &str| n == "k" || n == "j"), "i");
    }
}
