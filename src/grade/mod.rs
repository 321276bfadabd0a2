//! Grading a class: which goals of an assignment each submission reaches.
//!
//! A goal (`goal NAME: lhs = rhs` in the assignment's context, see
//! docs/grading.md) is reached by a chain of a document that starts at its
//! left side and ends at its right side, as written up to notation
//! (`notation.rs`; docs/grading.md), with at least one step between them. The chains and
//! their links' verdicts are the ones `verify` finds: a document is read by
//! `front` and verified by `verify` exactly as `derivcheck verify` does,
//! and the grade only looks at the result.

mod notation;
pub mod render;

use crate::document::InputKind;
use crate::outcome::{FileOutcome, FileReport};
use crate::syntax::ast::{self, Expr, Item, ShapeSpec};
use crate::syntax::parse_file;
use crate::verify::Options;
use notation::{normal, normal_renamed, Norm};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// What a document did with one goal.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Status {
    /// A chain goes from the goal's left side to its right side, and every
    /// link of it is verified (proved or holds).
    Reached,
    /// A chain goes from the goal's left side to its right side, through
    /// links that are not verified (false, error, undefined or
    /// inconclusive).
    Flawed {
        /// How many links of the chain are not verified.
        links: usize,
        /// The line of the first of them.
        line: usize,
    },
    /// The document only states the goal: a chain `lhs = rhs` with no step
    /// between, at this line.
    Stated {
        /// The line of the statement.
        line: usize,
    },
    /// No chain of the document goes from the left side to the right side.
    Missing,
    /// Nothing of the document could be read (see [`Graded::unread`]).
    Unread,
}

impl Status {
    /// The status as a word: the CSV's values.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Reached => "reached",
            Status::Flawed { .. } => "flawed",
            Status::Stated { .. } => "stated",
            Status::Missing => "missing",
            Status::Unread => "unread",
        }
    }
}

/// One document's grade.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Graded {
    /// The path as given.
    pub path: String,
    /// One status per goal, in the order of [`Grades::goals`].
    pub goals: Vec<Status>,
    /// How many links of the whole document are false.
    pub false_links: usize,
    /// How many of its displays could not be read, wholly or in part.
    pub unread_displays: usize,
    /// How many errors `verify` reports for the document: errors outside
    /// claims (a declaration, a fence of context) and links in error. Any
    /// makes `verify` exit 2, and may be why a goal reads `missing`.
    pub errors: usize,
    /// What `verify` says of the document: its own report.
    pub outcome: FileOutcome,
}

impl Graded {
    /// True when nothing of the document could be read: the file itself,
    /// or every one of its displays (a document without any display
    /// counts: there is nothing of it to grade, so a person must look).
    pub fn unread(&self) -> bool {
        self.goals.first() == Some(&Status::Unread)
    }
}

/// A class's grades: the goals, and one row per document.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct Grades {
    /// The goals' names, in the order of the context.
    pub goals: Vec<String>,
    /// One grade per document, in the order given.
    pub docs: Vec<Graded>,
}

impl Grades {
    /// True when every document reached every goal with every link of
    /// the chain verified.
    pub fn all_reached(&self) -> bool {
        self.docs
            .iter()
            .all(|d| d.goals.iter().all(|s| *s == Status::Reached))
    }
}

/// A goal of the context.
#[derive(Clone, Debug)]
struct Goal {
    name: String,
    lhs: Expr,
    rhs: Expr,
    /// The part it is stated in, if any: only that part's chains reach it.
    part: Option<String>,
}

/// The goals the context files state, in order (each file's in the order
/// written, parts' included).
fn goals_of(context: &[(String, String)]) -> Vec<Goal> {
    let mut goals = Vec::new();
    for (_, text) in context {
        let file = parse_file(text);
        let mut here: Vec<(usize, Goal)> = Vec::new();
        let parts = file.parts.iter().flat_map(|p| {
            p.items
                .iter()
                .map(move |item| (Some(p.name.name.clone()), item))
        });
        for (part, item) in file.items.iter().map(|item| (None, item)).chain(parts) {
            if let Item::Goal(g) = item {
                here.push((
                    g.span.start,
                    Goal {
                        name: g.name.name.clone(),
                        lhs: g.lhs.clone(),
                        rhs: g.rhs.clone(),
                        part,
                    },
                ));
            }
        }
        here.sort_by_key(|(at, _)| *at);
        goals.extend(here.into_iter().map(|(_, g)| g));
    }
    goals
}

/// The names of the goals that `options.context` states, in order.
pub fn goal_names(options: &Options) -> Vec<String> {
    goals_of(&options.context)
        .into_iter()
        .map(|g| g.name)
        .collect()
}

/// Reads (with [`crate::input::read_inputs`]; `-` is standard input) and
/// grades the files, as
/// [`grade_sources`] does; a file that cannot be read is unread for every
/// goal.
pub fn grade_files(paths: &[PathBuf], options: &Options) -> Grades {
    let read = crate::input::read_inputs(paths);
    let sources: Vec<(&str, &str)> = read
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let mut grades = grade_sources(&sources, options);
    let mut checked = std::mem::take(&mut grades.docs).into_iter();
    let goals = grades.goals.len();
    grades.docs = read
        .into_iter()
        .map(|r| match r {
            Ok(_) => checked.next().expect("one grade per file read"),
            Err(e) => Graded {
                path: e.path.clone(),
                goals: vec![Status::Unread; goals],
                false_links: 0,
                unread_displays: 0,
                errors: 0,
                outcome: FileOutcome::Unreadable(e),
            },
        })
        .collect();
    grades
}

/// Grades documents (path, text) against the goals of `options.context`,
/// on a pool of `options.threads` threads, the biggest document begun
/// first; the grades come in the order of `sources`.
pub fn grade_sources(sources: &[(&str, &str)], options: &Options) -> Grades {
    let goals = goals_of(&options.context);
    let docs = crate::parallel::map_sources(
        sources,
        options.threads,
        |path, text| grade_one(path, text, options, &goals),
        |path, text, panic| Graded {
            path: path.to_string(),
            goals: vec![Status::Unread; goals.len()],
            false_links: 0,
            unread_displays: 0,
            errors: 1,
            outcome: FileOutcome::Checked {
                source: text.to_string(),
                report: FileReport::internal_error(path, panic),
            },
        },
    );
    Grades {
        goals: goals.into_iter().map(|g| g.name).collect(),
        docs,
    }
}

/// One chain of a document: its steps in order, its links' verdicts, the
/// part it stands in (if any), and which names are arrays there.
struct Chain<'a> {
    steps: Vec<&'a Expr>,
    report: &'a crate::outcome::ClaimReport,
    part: Option<&'a str>,
    arrays: std::rc::Rc<BTreeSet<String>>,
}

/// Reads, verifies and grades one document.
fn grade_one(path: &str, source: &str, options: &Options, goals: &[Goal]) -> Graded {
    let kind = crate::verify::kind_of(path, options);
    let built = crate::verify::read_source(kind, source, options);
    let reports = crate::verify::verify_sections(path, source, &built, options);
    let (displays, unread_displays) = match kind {
        // A file in the derivation language has no displays: its claims
        // stand for them (and it is read as `verify` reads it: without
        // the context).
        InputKind::Deriv => (
            std::iter::once(&built)
                .chain(built.parts.iter().map(|(_, b)| b))
                .flat_map(|b| &b.file.items)
                .filter(|i| matches!(i, Item::Claim(_)))
                .count(),
            0,
        ),
        _ => (built.all_displays(), built.unread_displays()),
    };
    // The sections: outside parts, then each part (the context's own
    // claims stand first in the first one: they are the assignment's).
    let sections = std::iter::once((None, &built))
        .chain(built.parts.iter().map(|(name, b)| (Some(name.as_str()), b)));
    let mut chains: Vec<Chain> = Vec::new();
    let mut errors = 0;
    let mut false_links = 0;
    for ((part, section), report) in sections.zip(&reports) {
        let file = &section.file;
        let arrays = std::rc::Rc::new(array_names(file));
        let skip = section.context_claims;
        chains.extend(
            file.items
                .iter()
                .filter_map(|item| match item {
                    Item::Claim(c) => Some(c),
                    _ => None,
                })
                .zip(&report.claims)
                .skip(skip)
                .map(|(c, report)| Chain {
                    steps: steps_of(c),
                    report,
                    part,
                    arrays: arrays.clone(),
                }),
        );
        let steps = || report.claims.iter().skip(skip).flat_map(|c| &c.steps);
        false_links += steps()
            .filter(|s| s.verdict == crate::outcome::Verdict::False)
            .count();
        // The context's own claims are checked with the document, but
        // their errors are the assignment's (and stop `grade` first).
        errors += steps()
            .filter(|s| s.verdict == crate::outcome::Verdict::Error)
            .count();
    }
    let unread = displays == unread_displays;
    let statuses: Vec<Status> = goals
        .iter()
        .map(|goal| {
            if unread {
                Status::Unread
            } else {
                // A part's goal is graded against that part's chains only.
                let mine: Vec<&Chain> = chains
                    .iter()
                    .filter(|c| goal.part.is_none() || c.part == goal.part.as_deref())
                    .collect();
                status(goal, &mine)
            }
        })
        .collect();
    drop(chains);
    let report = crate::verify::merge_reports(reports);
    errors += report.errors.len();
    Graded {
        path: path.to_string(),
        goals: statuses,
        false_links,
        unread_displays,
        errors,
        outcome: FileOutcome::Checked {
            source: source.to_string(),
            report,
        },
    }
}

/// A claim's chain as the steps written: its left side, then each line
/// (a first line without `=` restates the left side), or its right side
/// when it has no chain.
fn steps_of(c: &ast::Claim) -> Vec<&Expr> {
    let mut steps = vec![&c.lhs];
    let lines = match c.chain.first() {
        Some(first) if !first.starts_with_eq => &c.chain[1..],
        _ => &c.chain[..],
    };
    steps.extend(lines.iter().map(|l| &l.expr));
    if c.chain.is_empty() {
        steps.push(&c.rhs);
    }
    steps
}

/// What a document did with `goal`: the best any chain does.
fn status(goal: &Goal, chains: &[&Chain]) -> Status {
    let mut best = Status::Missing;
    for chain in chains {
        let (Some(first), Some(last)) = (chain.steps.first(), chain.steps.last()) else {
            continue;
        };
        // Which names are arrays depends on the chain's part (`x` may be a
        // vector in one part and a scalar in another).
        let is_array = |name: &str| chain.arrays.contains(name);
        let lhs = normal(&goal.lhs, &is_array);
        let rhs = normal(&goal.rhs, &is_array);
        let mut goal_free = BTreeSet::new();
        notation::free_indices(&lhs, &mut goal_free);
        notation::free_indices(&rhs, &mut goal_free);
        if !reaches(first, last, (&lhs, &rhs), &goal_free, &is_array) {
            continue;
        }
        let found = if chain.steps.len() == 2 {
            Status::Stated {
                line: chain.report.line,
            }
        } else {
            let bad: Vec<_> = chain
                .report
                .steps
                .iter()
                .filter(|s| !s.verdict.is_ok())
                .collect();
            match bad.first() {
                None => return Status::Reached,
                Some(first) => Status::Flawed {
                    links: bad.len(),
                    line: first.line,
                },
            }
        };
        if rank(&found) > rank(&best) {
            best = found;
        }
    }
    best
}

/// Whether a chain from `first` to `last` goes from the goal's left side
/// to its right side (`goal`, in normal form), up to notation and up to a
/// renaming of free indices that is the same on both sides (`∂L/∂z[j] =
/// ŷ[j] - y[j]` is the goal in `i` as well; `∂L/∂z[i] = ŷ[j] - y[j]` is
/// not). `goal_free` are the goal's free indices.
fn reaches(
    first: &Expr,
    last: &Expr,
    goal: (&Norm, &Norm),
    goal_free: &BTreeSet<String>,
    is_array: &dyn Fn(&str) -> bool,
) -> bool {
    let (first_n, last_n) = (normal(first, is_array), normal(last, is_array));
    if first_n == *goal.0 && last_n == *goal.1 {
        return true;
    }
    let mut free = BTreeSet::new();
    notation::free_indices(&first_n, &mut free);
    notation::free_indices(&last_n, &mut free);
    // A goal has a few free indices; more than four would be odd, and
    // their 5! renamings are not worth trying.
    if free.len() != goal_free.len() || free.is_empty() || free.len() > 4 {
        return false;
    }
    let from: Vec<&String> = free.iter().collect();
    let mut to: Vec<&String> = goal_free.iter().collect();
    each_permutation(&mut to, 0, &mut |to| {
        let rename: BTreeMap<String, String> = from
            .iter()
            .zip(to)
            .map(|(a, b)| ((*a).clone(), (*b).clone()))
            .collect();
        normal_renamed(first, is_array, &rename) == *goal.0
            && normal_renamed(last, is_array, &rename) == *goal.1
    })
}

/// Calls `f` on every order of `v[k..]` (after `v[..k]`) until it says
/// true; whether it did.
fn each_permutation(v: &mut [&String], k: usize, f: &mut dyn FnMut(&[&String]) -> bool) -> bool {
    if k == v.len() {
        return f(v);
    }
    for j in k..v.len() {
        v.swap(k, j);
        if each_permutation(v, k + 1, f) {
            return true;
        }
        v.swap(k, j);
    }
    false
}

/// How far a status goes, to keep a document's best chain for a goal.
fn rank(s: &Status) -> u8 {
    match s {
        Status::Unread | Status::Missing => 0,
        Status::Stated { .. } => 1,
        Status::Flawed { .. } => 2,
        Status::Reached => 3,
    }
}

/// The names that are vectors or matrices: declared so, or lets whose
/// value is one (in order, so a let may use an earlier one).
fn array_names(file: &ast::File) -> BTreeSet<String> {
    let mut arrays = BTreeSet::new();
    for item in &file.items {
        match item {
            Item::Decl(d) if !matches!(d.ty.shape, ShapeSpec::Scalar) => {
                arrays.extend(d.names.iter().map(|n| n.name.clone()));
            }
            Item::Let(l) => {
                let is_array = |n: &str| arrays.contains(n);
                let value = normal(&l.value, &is_array);
                if !l.indices.is_empty() || notation::is_array(&value, &is_array) {
                    arrays.insert(l.name.name.clone());
                }
            }
            _ => {}
        }
    }
    arrays
}

#[cfg(test)]
mod tests;
