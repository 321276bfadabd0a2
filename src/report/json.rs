//! The machine-readable report: one JSON document for the whole run,
//! documented field by field in docs/json.md.
//!
//! The document is built from borrowed views of the report data rather than
//! by serializing the report types directly, so that the JSON schema is
//! written down here, in one place, and a change to the internal types
//! cannot silently change it. Keys come out in declaration order, so the
//! same run always prints the same bytes.

use super::{ClaimStatus, FileOutcome, ReadError, Summary, EXIT_FAILED, EXIT_VERIFIED};
use crate::numeric::{Counterexample, SampleValue};
use crate::verify::{ClaimReport, FileError, StepReport, Verdict};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

/// The version of the JSON layout; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 1;

/// The options of the run, echoed in the report so it can be reproduced.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RunInfo {
    /// Samples per link (`--samples`).
    pub samples: u32,
    /// The seed given with `--seed`, if any.
    pub seed: Option<u64>,
}

/// The whole run as pretty-printed JSON, with a final newline.
pub fn render(outcomes: &[FileOutcome], run: &RunInfo) -> Result<String, serde_json::Error> {
    let doc = Document {
        schema: SCHEMA_VERSION,
        options: Options {
            samples: run.samples,
            seed: run.seed,
        },
        files: outcomes.iter().map(file).collect(),
        summary: summary(&Summary::of(outcomes)),
    };
    let mut s = serde_json::to_string_pretty(&doc)?;
    s.push('\n');
    Ok(s)
}

#[derive(Serialize)]
struct Document<'a> {
    schema: u32,
    options: Options,
    files: Vec<File<'a>>,
    summary: SummaryJson,
}

#[derive(Serialize)]
struct Options {
    samples: u32,
    seed: Option<u64>,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    status: &'static str,
    claims: Vec<Claim<'a>>,
    errors: Vec<Error<'a>>,
}

#[derive(Serialize)]
struct Claim<'a> {
    name: &'a str,
    line: usize,
    verdict: Verdict,
    status: &'static str,
    steps: Vec<Step<'a>>,
}

#[derive(Serialize)]
struct Step<'a> {
    line: usize,
    col: usize,
    verdict: Verdict,
    lhs: &'a str,
    rhs: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    justification: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    witness: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    samples: Option<Samples>,
    #[serde(skip_serializing_if = "Option::is_none")]
    counterexample: Option<CounterexampleJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct Samples {
    defined: u32,
    tried: u32,
}

#[derive(Serialize)]
struct CounterexampleJson<'a> {
    dims: Named<'a, usize>,
    indices: Named<'a, usize>,
    values: Named<'a, SampleValue>,
    lhs: f64,
    rhs: f64,
}

/// A list of `(name, value)` pairs written as a JSON object in list order:
/// consumers look values up by name, and the order stays deterministic.
struct Named<'a, V>(&'a [(String, V)]);

impl<V: Serialize> Serialize for Named<'_, V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Error<'a> {
    kind: &'static str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    col: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    help: Option<&'a str>,
}

#[derive(Serialize)]
struct SummaryJson {
    status: &'static str,
    exit_code: u8,
    files: usize,
    unreadable_files: usize,
    file_errors: usize,
    claims: ClaimCounts,
    links: LinkCountsJson,
}

#[derive(Serialize)]
struct ClaimCounts {
    total: usize,
    verified: usize,
    failed: usize,
    error: usize,
}

#[derive(Serialize)]
struct LinkCountsJson {
    total: usize,
    proved: usize,
    holds: usize,
    #[serde(rename = "false")]
    false_: usize,
    undefined: usize,
    inconclusive: usize,
    error: usize,
}

fn status_of_code(code: u8) -> &'static str {
    match code {
        EXIT_VERIFIED => "verified",
        EXIT_FAILED => "failed",
        _ => "error",
    }
}

fn file(outcome: &FileOutcome) -> File<'_> {
    match outcome {
        FileOutcome::Unreadable(e) => File {
            path: &e.path,
            status: "error",
            claims: Vec::new(),
            errors: vec![read_error(e)],
        },
        FileOutcome::Checked { report, .. } => File {
            path: &report.path,
            status: status_of_code(Summary::of(std::slice::from_ref(outcome)).exit_code()),
            claims: report.claims.iter().map(claim).collect(),
            errors: report.errors.iter().map(source_error).collect(),
        },
    }
}

fn read_error(e: &ReadError) -> Error<'_> {
    Error {
        kind: "read",
        message: &e.message,
        line: e.invalid_utf8.map(|p| p.line),
        col: e.invalid_utf8.map(|p| p.col),
        byte: e.invalid_utf8.map(|p| p.byte),
        help: None,
    }
}

fn source_error(e: &FileError) -> Error<'_> {
    Error {
        kind: "source",
        message: &e.message,
        line: Some(e.line),
        col: Some(e.col),
        byte: Some(e.diagnostic.span.start),
        help: e.diagnostic.help.as_deref(),
    }
}

fn claim(c: &ClaimReport) -> Claim<'_> {
    Claim {
        name: &c.name,
        line: c.line,
        verdict: c.verdict,
        status: ClaimStatus::of(c).as_str(),
        steps: c.steps.iter().map(step).collect(),
    }
}

fn step(s: &StepReport) -> Step<'_> {
    Step {
        line: s.line,
        col: s.col,
        verdict: s.verdict,
        lhs: &s.lhs,
        rhs: &s.rhs,
        justification: s.justification.as_deref(),
        witness: s.witness,
        samples: s.samples.map(|c| Samples {
            defined: c.defined,
            tried: c.tried,
        }),
        counterexample: s.counterexample.as_ref().map(counterexample),
        message: s
            .message
            .as_deref()
            .or(s.diagnostic.as_ref().map(|d| d.message.as_str())),
        help: s.diagnostic.as_ref().and_then(|d| d.help.as_deref()),
    }
}

fn counterexample(cx: &Counterexample) -> CounterexampleJson<'_> {
    CounterexampleJson {
        dims: Named(&cx.dims),
        indices: Named(&cx.indices),
        values: Named(&cx.values),
        lhs: cx.lhs,
        rhs: cx.rhs,
    }
}

fn summary(s: &Summary) -> SummaryJson {
    let code = s.exit_code();
    SummaryJson {
        status: status_of_code(code),
        exit_code: code,
        files: s.files,
        unreadable_files: s.unreadable,
        file_errors: s.file_errors,
        claims: ClaimCounts {
            total: s.claims,
            verified: s.verified,
            failed: s.failed,
            error: s.errored,
        },
        links: LinkCountsJson {
            total: s.links.total(),
            proved: s.links.proved,
            holds: s.links.holds,
            false_: s.links.false_,
            undefined: s.links.undefined,
            inconclusive: s.links.inconclusive,
            error: s.links.error,
        },
    }
}
