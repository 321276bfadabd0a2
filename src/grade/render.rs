//! The grade table, for people (text), for spreadsheets (CSV) and as a
//! class page (HTML) linking each student's own report. Pure functions:
//! writing them anywhere is `main.rs`'s.

use super::{Grades, Status};

/// A cell of the text table and of the class page.
fn cell(s: &Status) -> String {
    match s {
        Status::Reached => "reached".to_string(),
        Status::Flawed { links: 1, line } => format!("flawed: 1 link, line {line}"),
        Status::Flawed { links, line } => format!("flawed: {links} links, from line {line}"),
        Status::Stated { line } => format!("stated, line {line}"),
        Status::Missing => "missing".to_string(),
        Status::Unread => "not read".to_string(),
    }
}

/// The table student × goal, its columns aligned, and a line of counts.
pub fn text(grades: &Grades) -> String {
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["file".to_string()];
    head.extend(grades.goals.iter().cloned());
    head.push("false links".to_string());
    head.push("unread displays".to_string());
    head.push("errors".to_string());
    rows.push(head);
    for d in &grades.docs {
        // A document with errors is marked: `verify` exits 2 for it, and a
        // goal may read `missing` only because of the error.
        let mut row = vec![if d.errors > 0 {
            format!("{} !", d.path)
        } else {
            d.path.clone()
        }];
        row.extend(d.goals.iter().map(cell));
        row.push(d.false_links.to_string());
        row.push(d.unread_displays.to_string());
        row.push(d.errors.to_string());
        rows.push(row);
    }
    let columns = rows[0].len();
    let widths: Vec<usize> = (0..columns)
        .map(|k| rows.iter().map(|r| r[k].chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in &rows {
        let mut line = String::new();
        for (k, text) in row.iter().enumerate() {
            if k > 0 {
                line.push_str("  ");
            }
            line.push_str(text);
            line.extend(std::iter::repeat_n(' ', widths[k] - text.chars().count()));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    let count = |word: &str| {
        grades
            .docs
            .iter()
            .flat_map(|d| &d.goals)
            .filter(|s| s.as_str() == word)
            .count()
    };
    out.push_str(&format!(
        "\n{} documents, {} goals: {} reached, {} flawed, {} stated, {} missing, {} not read\n",
        grades.docs.len(),
        grades.goals.len(),
        count("reached"),
        count("flawed"),
        count("stated"),
        count("missing"),
        count("unread"),
    ));
    let with_errors = grades.docs.iter().filter(|d| d.errors > 0).count();
    if with_errors > 0 {
        out.push_str(&format!(
            "! {with_errors} document{} with errors: see {} own report (`derivcheck verify`)\n",
            if with_errors == 1 { "" } else { "s" },
            if with_errors == 1 { "its" } else { "their" },
        ));
    }
    out
}

/// The CSV: a header row, then one row per document: `file` (the path as
/// given), one column per goal (`reached`, `flawed`, `stated`, `missing`
/// or `unread`), `false_links`, `unread_displays` and `errors` (added last,
/// so that the earlier columns keep their places).
pub fn csv(grades: &Grades) -> String {
    let mut out = String::from("file");
    for g in &grades.goals {
        out.push(',');
        out.push_str(&csv_field(g));
    }
    out.push_str(",false_links,unread_displays,errors\n");
    for d in &grades.docs {
        out.push_str(&csv_field(&d.path));
        for s in &d.goals {
            out.push(',');
            out.push_str(s.as_str());
        }
        out.push_str(&format!(
            ",{},{},{}\n",
            d.false_links, d.unread_displays, d.errors
        ));
    }
    out
}

/// A CSV field, quoted (RFC 4180) when it holds a comma, a quote or a
/// line break.
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// The file name of each document's own report, in the order of
/// `grades.docs`: its number and its file stem, made safe for a file name
/// (the number keeps two `hw.md` of different folders apart).
pub fn report_names(grades: &Grades) -> Vec<String> {
    grades
        .docs
        .iter()
        .enumerate()
        .map(|(k, d)| {
            let stem = std::path::Path::new(&d.path)
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            let safe: String = stem
                .chars()
                .map(|c| {
                    if c.is_alphanumeric() || c == '-' || c == '_' {
                        c
                    } else {
                        '_'
                    }
                })
                .collect();
            format!("{:02}-{safe}.html", k + 1)
        })
        .collect()
}

/// The class page: the table, each document's path linking to its own
/// report at `dir/NAME` ([`report_names`]), `dir` relative to the page.
pub fn html(grades: &Grades, dir: &str) -> String {
    let mut out = String::from(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>derivcheck grades</title>\n<style>\n\
         body { font-family: sans-serif; margin: 2em; }\n\
         table { border-collapse: collapse; }\n\
         th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; }\n\
         .reached { background: #dff0d8; }\n\
         .flawed { background: #f2dede; }\n\
         .stated { background: #fcf8e3; }\n\
         .missing { background: #eee; }\n\
         .unread { background: #ddd; color: #555; }\n\
         tr.errors td:first-child { border-left: 4px solid #a94442; }\n\
         td.errors { background: #f2dede; font-weight: bold; }\n\
         </style>\n</head>\n<body>\n<h1>Grades</h1>\n<table>\n<thead><tr><th>file</th>",
    );
    for g in &grades.goals {
        out.push_str(&format!("<th>{}</th>", escape(g)));
    }
    out.push_str(
        "<th>false links</th><th>unread displays</th><th>errors</th></tr></thead>\n<tbody>\n",
    );
    for (d, name) in grades.docs.iter().zip(report_names(grades)) {
        let href = if dir.is_empty() {
            name
        } else {
            format!("{dir}/{name}")
        };
        let (row_class, mark) = if d.errors > 0 {
            (
                " class=\"errors\"",
                " <span title=\"errors: see the report\">!</span>",
            )
        } else {
            ("", "")
        };
        out.push_str(&format!(
            "<tr{row_class}><td><a href=\"{}\">{}</a>{mark}</td>",
            escape(&href),
            escape(&d.path)
        ));
        for s in &d.goals {
            out.push_str(&format!(
                "<td class=\"{}\">{}</td>",
                s.as_str(),
                escape(&cell(s))
            ));
        }
        let errors_class = if d.errors > 0 {
            " class=\"errors\""
        } else {
            ""
        };
        out.push_str(&format!(
            "<td>{}</td><td>{}</td><td{errors_class}>{}</td></tr>\n",
            d.false_links, d.unread_displays, d.errors
        ));
    }
    out.push_str("</tbody>\n</table>\n</body>\n</html>\n");
    out
}

/// Text for HTML: `&`, `<`, `>` and `"` escaped.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
