//! `derivcheck watch`: what changed between two runs, and waiting for the
//! next change on disk.
//!
//! A link is known across runs by its file, its claim's name and its place
//! in the claim's chain, not by its line: an edit above it moves its line
//! but leaves it the same link.

use crate::outcome::{FileOutcome, Verdict};
use notify::{RecursiveMode, Watcher};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

/// A link whose verdict changed since the last run.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Change {
    /// The file's path, as reported.
    pub path: String,
    /// The claim's name.
    pub claim: String,
    /// The link's place in the claim's chain, from 1.
    pub link: usize,
    /// The link's line now.
    pub line: usize,
    /// The verdict of the last run.
    pub before: Verdict,
    /// The verdict now.
    pub after: Verdict,
}

/// The links of `after` whose verdict differs from the same link's in
/// `before`, in report order. Links that are new, or gone, are not changes
/// of verdict.
pub fn changes(before: &[FileOutcome], after: &[FileOutcome]) -> Vec<Change> {
    let mut was = std::collections::HashMap::new();
    for outcome in before {
        if let FileOutcome::Checked { report, .. } = outcome {
            for claim in &report.claims {
                for (k, step) in claim.steps.iter().enumerate() {
                    was.insert((&report.path, &claim.name, k), step.verdict);
                }
            }
        }
    }
    let mut out = Vec::new();
    for outcome in after {
        if let FileOutcome::Checked { report, .. } = outcome {
            for claim in &report.claims {
                for (k, step) in claim.steps.iter().enumerate() {
                    match was.get(&(&report.path, &claim.name, k)) {
                        Some(&v) if v != step.verdict => out.push(Change {
                            path: report.path.clone(),
                            claim: claim.name.clone(),
                            link: k + 1,
                            line: step.line,
                            before: v,
                            after: step.verdict,
                        }),
                        _ => {}
                    }
                }
            }
        }
    }
    out
}

/// The changes as lines for a terminal: `changed: path:line claim `c`,
/// link 2: proved → false`, or that nothing changed.
pub fn render_changes(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no link changed verdict since the last run\n".into();
    }
    let mut out = String::new();
    for c in changes {
        out.push_str(&format!(
            "changed: {}:{} claim `{}`, link {}: {} → {}\n",
            crate::report::text::safe_line(&c.path),
            c.line,
            crate::report::text::safe_line(&c.claim),
            c.link,
            c.before.as_str(),
            c.after.as_str()
        ));
    }
    out
}

/// Watches files and folders (folders with everything below them) for
/// changes on disk.
pub struct Watch {
    _watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl Watch {
    /// Starts watching `paths`. A file is watched through its folder, since
    /// many editors save by writing a new file and renaming it over the old
    /// one, which a watch on the old file would not see.
    pub fn new(paths: &[PathBuf]) -> Result<Watch, String> {
        let (tx, events) = mpsc::channel();
        let mut watcher = notify::recommended_watcher(tx).map_err(|e| e.to_string())?;
        let (mut files, mut folders) = (Vec::new(), Vec::new());
        for path in paths {
            let absolute = std::path::absolute(path).map_err(|e| e.to_string())?;
            if absolute.is_dir() {
                watcher
                    .watch(&absolute, RecursiveMode::Recursive)
                    .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
                folders.push(absolute);
            } else {
                let parent = absolute
                    .parent()
                    .map_or_else(|| PathBuf::from("/"), Path::to_path_buf);
                watcher
                    .watch(&parent, RecursiveMode::NonRecursive)
                    .map_err(|e| format!("cannot watch {}: {e}", path.display()))?;
                files.push(absolute);
            }
        }
        Ok(Watch {
            _watcher: watcher,
            events,
            files,
            folders,
        })
    }

    /// Blocks until something watched is written, created, renamed or
    /// removed, then waits until `quiet` passes with no further event (a
    /// save is often several events). `false` when the watcher stopped.
    pub fn wait(&self, quiet: Duration) -> bool {
        loop {
            match self.events.recv() {
                Ok(Ok(event)) if self.concerns(&event) => break,
                Ok(_) => continue,
                Err(_) => return false,
            }
        }
        while self.events.recv_timeout(quiet).is_ok() {}
        true
    }

    fn concerns(&self, event: &notify::Event) -> bool {
        use notify::EventKind;
        if matches!(event.kind, EventKind::Access(_)) {
            return false;
        }
        event.paths.iter().any(|p| {
            self.files.iter().any(|f| f == p) || self.folders.iter().any(|d| p.starts_with(d))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{verify_source, Options};
    use pretty_assertions::assert_eq;

    fn links(outcome: &FileOutcome) -> usize {
        match outcome {
            FileOutcome::Checked { report, .. } => report.claims[0].steps.len(),
            FileOutcome::Unreadable(_) => 0,
        }
    }

    fn run(text: &str) -> Vec<FileOutcome> {
        vec![FileOutcome::Checked {
            source: text.into(),
            report: verify_source("w.txt", text, &Options::default()),
        }]
    }

    #[test]
    fn a_link_that_changed_verdict_is_named_though_its_line_moved() {
        let before = run("x : real\nclaim c: (x + 1)^2 = x^2 + 2 x + 1\n    (x + 1)^2\n  = x^2 + 2 x + 1\n  = x^2 + 2 x + 2\n");
        let after = run("x : real\n\nclaim c: (x + 1)^2 = x^2 + 2 x + 1\n    (x + 1)^2\n  = x^2 + 2 x + 1\n  = x^2 + 2 x + 1\n");
        let found = changes(&before, &after);
        let change = |link| Change {
            path: "w.txt".into(),
            claim: "c".into(),
            link,
            line: 6,
            before: Verdict::False,
            after: Verdict::Proved,
        };
        // The closing link back to the claim's right side (the third)
        // is gone: not a change of verdict.
        assert_eq!(links(&before[0]), 3);
        assert_eq!(found, [change(2)]);
        assert_eq!(
            render_changes(&found),
            "changed: w.txt:6 claim `c`, link 2: false → proved\n"
        );
        assert_eq!(changes(&after, &after), []);
        assert_eq!(
            render_changes(&[]),
            "no link changed verdict since the last run\n"
        );
    }
}
