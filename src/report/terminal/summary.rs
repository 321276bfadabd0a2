//! The summary line that ends every run: files, claims by outcome, links
//! by verdict, errors, the sampler's seed.

use super::Config;
use crate::diag::plural;
use crate::outcome::{RunSeed, Summary, EXIT_VERIFIED, VERDICTS};
use crate::report::text::{Painter, Style};

/// The summary line: files, claims by outcome, links by verdict, errors.
pub fn render_summary(summary: &Summary, config: &Config) -> String {
    let p = Painter {
        color: config.color,
    };
    let code = summary.exit_code();
    let mark = if code == EXIT_VERIFIED {
        p.paint(Style::BoldGreen, "✓")
    } else {
        p.paint(Style::BoldRed, "✗")
    };
    let mut line = plural(summary.files, "file");
    if summary.claims == 0 {
        line.push_str(", no claims");
    } else {
        let mut claims = vec![format!("{} verified", summary.verified)];
        if summary.failed > 0 {
            claims.push(format!("{} failed", summary.failed));
        }
        if summary.errored > 0 {
            claims.push(format!("{} with errors", summary.errored));
        }
        line.push_str(&format!(
            ", {}: {}",
            plural(summary.claims, "claim"),
            claims.join(", ")
        ));
    }
    let links: Vec<String> = VERDICTS
        .iter()
        .filter(|&&v| summary.links.get(v) > 0)
        .map(|&v| format!("{} {}", summary.links.get(v), v.as_str()))
        .collect();
    if !links.is_empty() {
        line.push_str(&format!(" — links: {}", links.join(", ")));
    }
    let mut problems = Vec::new();
    if summary.file_errors > 0 {
        problems.push(plural(summary.file_errors, "error outside claims"));
    }
    if summary.unreadable > 0 {
        problems.push(plural(summary.unreadable, "file unreadable"));
    }
    if summary.unread > 0 {
        problems.push(plural(summary.unread, "display not read"));
    }
    if !problems.is_empty() {
        line.push_str(&format!(" — {}", problems.join(", ")));
    }
    // The seed makes the run reproducible: `--seed N` gives this report.
    match summary.seed {
        RunSeed::One(seed) => line.push_str(&format!(" — seed {seed}")),
        RunSeed::PerFile => line.push_str(" — a seed per file, from its contents"),
        _ => {}
    }
    format!("{mark} {line}\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::FileOutcome;
    use crate::report::testdata;
    use pretty_assertions::assert_eq;

    use crate::report::terminal::tests::PLAIN;

    #[test]
    fn summary_lines() {
        let cases: &[(&[FileOutcome], &str)] = &[
            (&[], "✓ 0 files, no claims\n"),
            (
                &[testdata::missing()],
                "✗ 1 file, no claims — 1 file unreadable\n",
            ),
        ];
        for (outcomes, want) in cases {
            assert_eq!(render_summary(&Summary::of(outcomes), &PLAIN), *want);
        }
    }
}
