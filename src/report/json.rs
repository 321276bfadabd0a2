//! The machine-readable report: one JSON document for the whole run,
//! documented field by field in docs/json.md.
//!
//! The document is built from borrowed views of the report data rather than
//! by serializing the report types directly, so that the JSON schema is
//! written down here, in one place, and a change to the internal types
//! cannot silently change it. Keys come out in declaration order, so the
//! same run always prints the same bytes.

use crate::input::ReadError;
use crate::numeric::{Counterexample, SampleValue};
use crate::outcome::{ClaimReport, FileError, StepReport};
use crate::outcome::{ClaimStatus, FileOutcome, Summary, EXIT_FAILED, EXIT_VERIFIED};
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
    /// The sampler's seed for this file (none for a file not read).
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<u64>,
    claims: Vec<Claim<'a>>,
    errors: Vec<Error<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<Note<'a>>,
}

/// A document reader's finding (`FileNote`).
#[derive(Serialize)]
struct Note<'a> {
    kind: &'static str,
    line: usize,
    col: usize,
    message: &'a str,
}

#[derive(Serialize)]
struct Claim<'a> {
    name: &'a str,
    line: usize,
    verdict: &'static str,
    status: &'static str,
    steps: Vec<Step<'a>>,
}

#[derive(Serialize)]
struct Step<'a> {
    line: usize,
    col: usize,
    verdict: &'static str,
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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fix: Vec<FixEdit<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    diagnosis: Option<&'a str>,
    #[serde(skip_serializing_if = "<[String]>::is_empty")]
    trace: &'a [String],
}

/// One edit of a help's fix: bytes `start..end` of the file replaced by
/// `text`.
#[derive(Serialize)]
struct FixEdit<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

fn fix_of(d: Option<&crate::diag::Diagnostic>) -> Vec<FixEdit<'_>> {
    d.map_or(&[][..], |d| &d.fix[..])
        .iter()
        .map(|e| FixEdit {
            start: e.span.start,
            end: e.span.end,
            text: &e.text,
        })
        .collect()
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
    #[serde(skip_serializing_if = "Named::is_empty")]
    intermediates: Named<'a, SampleValue>,
    lhs: f64,
    rhs: f64,
}

/// A list of `(name, value)` pairs written as a JSON object in list order:
/// consumers look values up by name, and the order stays deterministic.
struct Named<'a, V>(&'a [(String, V)]);

impl<V> Named<'_, V> {
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

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
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fix: Vec<FixEdit<'a>>,
}

#[derive(Serialize)]
struct SummaryJson {
    status: &'static str,
    exit_code: u8,
    files: usize,
    unreadable_files: usize,
    file_errors: usize,
    #[serde(skip_serializing_if = "is_zero")]
    unread_displays: usize,
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

fn is_zero(n: &usize) -> bool {
    *n == 0
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
            seed: None,
            claims: Vec::new(),
            errors: vec![read_error(e)],
            notes: Vec::new(),
        },
        FileOutcome::Checked { report, .. } => File {
            path: &report.path,
            status: status_of_code(Summary::of(std::slice::from_ref(outcome)).exit_code()),
            seed: Some(report.seed),
            claims: report.claims.iter().map(claim).collect(),
            errors: report.errors.iter().map(source_error).collect(),
            notes: report
                .notes
                .iter()
                .map(|n| Note {
                    kind: n.kind.as_str(),
                    line: n.line,
                    col: n.col,
                    message: &n.message,
                })
                .collect(),
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
        fix: Vec::new(),
    }
}

fn source_error(e: &FileError) -> Error<'_> {
    Error {
        kind: "source",
        message: e.message(),
        line: Some(e.line),
        col: Some(e.col),
        byte: Some(e.diagnostic.span.start),
        help: e.diagnostic.help.as_deref(),
        fix: fix_of(Some(&e.diagnostic)),
    }
}

fn claim(c: &ClaimReport) -> Claim<'_> {
    Claim {
        name: &c.name,
        line: c.line,
        verdict: c.verdict.as_str(),
        status: ClaimStatus::of(c).as_str(),
        steps: c.steps.iter().map(step).collect(),
    }
}

fn step(s: &StepReport) -> Step<'_> {
    Step {
        line: s.line,
        col: s.col,
        verdict: s.verdict.as_str(),
        lhs: &s.lhs,
        rhs: &s.rhs,
        justification: s.justification.as_deref(),
        witness: s.witness,
        samples: s.samples.map(|c| Samples {
            defined: c.defined,
            tried: c.tried,
        }),
        counterexample: s.counterexample.as_ref().map(counterexample),
        message: s.reason(),
        help: s.diagnostic.as_ref().and_then(|d| d.help.as_deref()),
        fix: fix_of(s.diagnostic.as_ref()),
        diagnosis: s.diagnosis.as_deref(),
        trace: &s.trace,
    }
}

fn counterexample(cx: &Counterexample) -> CounterexampleJson<'_> {
    CounterexampleJson {
        dims: Named(&cx.dims),
        indices: Named(&cx.indices),
        values: Named(&cx.values),
        intermediates: Named(&cx.intermediates),
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
        unread_displays: s.unread,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::FileReport;
    use crate::report::testdata;
    use pretty_assertions::assert_eq;
    use serde_json::Value;

    const RUN: RunInfo = RunInfo {
        samples: 256,
        seed: Some(7),
    };

    fn parse(outcomes: &[FileOutcome]) -> Value {
        let s = render(outcomes, &RUN).expect("the report serializes");
        serde_json::from_str(&s).expect("the report is valid JSON")
    }

    #[test]
    fn whole_report_golden() {
        let s = render(&[testdata::checked(), testdata::missing()], &RUN);
        assert_eq!(s.ok().as_deref(), Some(GOLDEN));
    }

    #[test]
    fn intermediates_come_after_the_values_only_when_there_are_some() {
        let without = render(&[testdata::checked()], &RUN).expect("serializes");
        assert!(!without.contains("\"intermediates\""));
        let mut report = testdata::report();
        let cx = report.claims[1].steps[0]
            .counterexample
            .as_mut()
            .expect("the false link's counterexample");
        cx.intermediates = vec![
            ("s".into(), SampleValue::Vector(vec![1.0, 1.0])),
            ("t".into(), SampleValue::Scalar(4.0)),
        ];
        let outcome = FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        };
        let text = render(&[outcome], &RUN).expect("serializes");
        let at = |key: &str| text.find(key).unwrap_or_else(|| panic!("{key}: {text}"));
        assert!(at("\"values\"") < at("\"intermediates\""));
        assert!(at("\"intermediates\"") < at("\"lhs\": 4.0"));
        assert!(at("\"s\"") < at("\"t\": 4.0"));
    }

    /// Every field docs/json.md promises, read the way a consumer would.
    #[test]
    fn documented_fields_are_present() {
        let v = parse(&[testdata::checked(), testdata::missing()]);
        assert_eq!(v["schema"], 1);
        assert_eq!(v["options"]["samples"], 256);
        assert_eq!(v["options"]["seed"], 7);
        let file = &v["files"][0];
        assert_eq!(file["path"], "ex.txt");
        assert_eq!(file["status"], "error");
        let claims = file["claims"].as_array().expect("claims is an array");
        assert_eq!(claims.len(), 4);
        for claim in claims {
            assert!(claim["name"].is_string());
            assert!(claim["line"].is_u64());
            assert!(claim["verdict"].is_string());
            assert!(claim["status"].is_string());
            for step in claim["steps"].as_array().expect("steps is an array") {
                for key in ["line", "col"] {
                    assert!(step[key].is_u64(), "{key} in {step}");
                }
                for key in ["verdict", "lhs", "rhs"] {
                    assert!(step[key].is_string(), "{key} in {step}");
                }
                let verdict = step["verdict"].as_str().unwrap_or("");
                assert!(
                    [
                        "proved",
                        "holds",
                        "false",
                        "undefined",
                        "inconclusive",
                        "error"
                    ]
                    .contains(&verdict),
                    "{verdict}"
                );
                assert_eq!(verdict == "false", step["counterexample"].is_object());
                if verdict == "error" {
                    assert!(step["message"].is_string());
                }
            }
        }
        let cx = &claims[1]["steps"][0]["counterexample"];
        assert_eq!(cx["dims"]["n"], 2);
        assert_eq!(cx["values"]["v"], serde_json::json!([1.0, 1.0]));
        assert_eq!(cx["lhs"], 4.0);
        assert_eq!(cx["rhs"], 2.0);
        assert_eq!(file["errors"][0]["kind"], "source");
        assert_eq!(file["errors"][0]["line"], 10);
        assert_eq!(v["files"][1]["errors"][0]["kind"], "read");
        let summary = &v["summary"];
        assert_eq!(summary["exit_code"], 2);
        assert_eq!(summary["files"], 2);
        assert_eq!(summary["claims"]["verified"], 1);
        assert_eq!(summary["claims"]["failed"], 2);
        assert_eq!(summary["links"]["false"], 1);
        assert_eq!(summary["links"]["total"], 5);
    }

    #[test]
    fn an_empty_run_is_verified() {
        let empty = FileOutcome::Checked {
            source: String::new(),
            report: FileReport {
                path: "empty.txt".into(),
                claims: vec![],
                notes: Vec::new(),
                seed: 7,
                errors: vec![],
            },
        };
        let v = parse(&[empty]);
        assert_eq!(v["files"][0]["status"], "verified");
        assert_eq!(v["files"][0]["claims"], serde_json::json!([]));
        assert_eq!(v["summary"]["status"], "verified");
        assert_eq!(v["summary"]["exit_code"], 0);
    }

    #[test]
    fn non_finite_values_become_null() {
        let mut report = testdata::report();
        let cx = report.claims[1].steps[0]
            .counterexample
            .as_mut()
            .expect("testdata's second claim has a counterexample");
        cx.lhs = f64::NAN;
        cx.rhs = f64::INFINITY;
        let v = parse(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        let cx = &v["files"][0]["claims"][1]["steps"][0]["counterexample"];
        assert!(cx["lhs"].is_null() && cx["rhs"].is_null(), "{cx}");
    }

    #[test]
    fn diagnosis_and_trace_appear_only_when_present() {
        let mut report = testdata::report();
        report.claims[1].steps[0].diagnosis =
            Some("the square of a sum is not the sum of squares".into());
        report.claims[0].steps[0].trace = vec!["exp-add".into(), "div-cancel".into()];
        let v = parse(&[FileOutcome::Checked {
            source: testdata::SOURCE.into(),
            report,
        }]);
        let claims = &v["files"][0]["claims"];
        assert_eq!(
            claims[1]["steps"][0]["diagnosis"],
            "the square of a sum is not the sum of squares"
        );
        assert_eq!(
            claims[0]["steps"][0]["trace"],
            serde_json::json!(["exp-add", "div-cancel"])
        );
        assert!(claims[0]["steps"][1].get("trace").is_none());
        assert!(claims[0]["steps"][1].get("diagnosis").is_none());
    }

    #[test]
    fn unreadable_utf8_gives_position() {
        let e = crate::input::decode("b.txt", b"x\n\xff".to_vec()).unwrap_err();
        let v = parse(&[FileOutcome::Unreadable(e)]);
        let err = &v["files"][0]["errors"][0];
        assert_eq!(err["kind"], "read");
        assert_eq!(
            (&err["line"], &err["col"], &err["byte"]),
            (&2.into(), &1.into(), &2.into())
        );
    }

    /// docs/json.md shows this very output, so the documentation cannot
    /// drift from the renderer.
    #[test]
    fn the_documented_example_is_the_golden_output() {
        let doc = include_str!("../../docs/json.md");
        assert!(
            doc.contains(&format!("```json\n{GOLDEN}```")),
            "docs/json.md's example differs from json::tests::GOLDEN"
        );
    }

    const GOLDEN: &str = r#"{
  "schema": 1,
  "options": {
    "samples": 256,
    "seed": 7
  },
  "files": [
    {
      "path": "ex.txt",
      "status": "error",
      "seed": 7,
      "claims": [
        {
          "name": "shift",
          "line": 3,
          "verdict": "holds",
          "status": "verified",
          "steps": [
            {
              "line": 5,
              "col": 3,
              "verdict": "proved",
              "lhs": "exp(x + c) / exp(c)",
              "rhs": "exp(x) exp(c) / exp(c)",
              "justification": "exp(a + b) = exp(a) exp(b)",
              "witness": "symbolic"
            },
            {
              "line": 6,
              "col": 3,
              "verdict": "holds",
              "lhs": "exp(x) exp(c) / exp(c)",
              "rhs": "exp(x)",
              "witness": "numeric",
              "samples": {
                "defined": 256,
                "tried": 256
              }
            }
          ]
        },
        {
          "name": "wrong",
          "line": 7,
          "verdict": "false",
          "status": "failed",
          "steps": [
            {
              "line": 7,
              "col": 31,
              "verdict": "false",
              "lhs": "sum(i, v[i])^2",
              "rhs": "sum(i, v[i]^2)",
              "witness": "numeric",
              "counterexample": {
                "dims": {
                  "n": 2
                },
                "indices": {},
                "values": {
                  "v": [
                    1.0,
                    1.0
                  ]
                },
                "lhs": 4.0,
                "rhs": 2.0
              }
            }
          ]
        },
        {
          "name": "odd",
          "line": 8,
          "verdict": "undefined",
          "status": "failed",
          "steps": [
            {
              "line": 8,
              "col": 28,
              "verdict": "undefined",
              "lhs": "log(-x^2 - 1)",
              "rhs": "0",
              "witness": "numeric",
              "samples": {
                "defined": 0,
                "tried": 2560
              },
              "message": "both sides were defined at only 0 of 2560 samples"
            }
          ]
        },
        {
          "name": "typo",
          "line": 9,
          "verdict": "error",
          "status": "error",
          "steps": [
            {
              "line": 9,
              "col": 17,
              "verdict": "error",
              "lhs": "x + q",
              "rhs": "q + x",
              "message": "unknown name `q`",
              "help": "declare it, e.g. `q : real`"
            }
          ]
        }
      ],
      "errors": [
        {
          "kind": "source",
          "message": "expected a name after `let`",
          "line": 10,
          "col": 5,
          "byte": 265
        }
      ]
    },
    {
      "path": "missing.txt",
      "status": "error",
      "claims": [],
      "errors": [
        {
          "kind": "read",
          "message": "no such file or directory"
        }
      ]
    }
  ],
  "summary": {
    "status": "error",
    "exit_code": 2,
    "files": 2,
    "unreadable_files": 1,
    "file_errors": 1,
    "claims": {
      "total": 4,
      "verified": 1,
      "failed": 2,
      "error": 1
    },
    "links": {
      "total": 5,
      "proved": 1,
      "holds": 1,
      "false": 1,
      "undefined": 1,
      "inconclusive": 0,
      "error": 1
    }
  }
}
"#;
}
