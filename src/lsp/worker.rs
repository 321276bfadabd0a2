//! The checking thread of the language server: takes the URIs of changed
//! documents, checks the newest text of each, and publishes the
//! diagnostics unless the document changed again meanwhile.

use super::diagnostics::diagnostics;
use crate::document::InputKind;
use crate::outcome::FileReport;
use crate::verify::kind_of;
use crate::Options;
use lsp_server::{Message, Notification, Request, RequestId};
use lsp_types::notification::{Notification as _, PublishDiagnostics};
use lsp_types::request::{InlayHintRefreshRequest, Request as _};
use lsp_types::{PublishDiagnosticsParams, Uri};
use std::collections::HashMap;
use std::sync::mpsc::Receiver;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The open documents by URI.
pub(crate) type Documents = HashMap<String, Document>;
/// The open documents, shared by the two threads.
pub(crate) type Docs = Arc<Mutex<Documents>>;

/// An open document: its newest text, and its last finished check.
pub(crate) struct Document {
    pub(crate) uri: Uri,
    pub(crate) version: i32,
    pub(crate) text: String,
    /// The reader the client's language asks for (Markdown, LaTeX), or
    /// `None` to go by the path's extension as `verify` does.
    pub(crate) kind: Option<InputKind>,
    pub(crate) checked: Option<Checked>,
}

/// A finished check: the version and text checked and the report.
pub(crate) struct Checked {
    pub(crate) version: i32,
    pub(crate) text: String,
    pub(crate) kind: InputKind,
    pub(crate) report: FileReport,
}

/// Checks documents as their URIs arrive, until the channel closes.
pub(crate) fn run(
    queue: &Receiver<String>,
    docs: &Docs,
    send: &dyn Fn(Message) -> bool,
    refresh: bool,
) {
    let mut next_request = 0;
    while let Ok(first) = queue.recv() {
        // Everything queued meanwhile, each document once, in order: the
        // checks of versions already superseded never start.
        let mut pending = vec![first];
        pending.extend(queue.try_iter());
        let mut seen = std::collections::HashSet::new();
        pending.retain(|key| seen.insert(key.clone()));
        for key in pending {
            let Some((uri, version, text, kind)) = super::lock(docs)
                .get(&key)
                .map(|d| (d.uri.clone(), d.version, d.text.clone(), d.kind))
            else {
                continue;
            };
            let started = Instant::now();
            let (report, kind) = check(&key, &text, kind);
            let elapsed = started.elapsed();
            {
                let mut docs = super::lock(docs);
                let Some(doc) = docs.get_mut(&key) else {
                    continue;
                };
                if doc.version != version {
                    // A newer text is queued; this report is of the past.
                    continue;
                }
                let params = PublishDiagnosticsParams::new(
                    uri,
                    diagnostics(&doc.uri, &text, &report),
                    Some(version),
                );
                doc.checked = Some(Checked {
                    version,
                    text,
                    kind,
                    report,
                });
                let note = Notification::new(PublishDiagnostics::METHOD.into(), params);
                if !send(Message::Notification(note)) {
                    return;
                }
            }
            eprintln!(
                "derivcheck lsp: checked {key} version {version} in {} ms",
                elapsed.as_millis()
            );
            if refresh {
                next_request += 1;
                let request = Request::new(
                    RequestId::from(format!("derivcheck-refresh-{next_request}")),
                    InlayHintRefreshRequest::METHOD.into(),
                    (),
                );
                send(Message::Request(request));
            }
        }
    }
}

/// Checks one text as `derivcheck verify` checks a file of that name; a
/// panic (a bug) is an error at the first line rather than a dead server.
fn check(key: &str, text: &str, kind: Option<InputKind>) -> (FileReport, InputKind) {
    let path = path_of(key);
    let options = Options {
        input: kind,
        ..Options::default()
    };
    let kind = kind_of(&path, &options);
    let report = std::panic::catch_unwind(|| crate::verify_source(&path, text, &options))
        .unwrap_or_else(|panic| FileReport::internal_error(&path, panic.as_ref()));
    (report, kind)
}

/// The path of a `file:` URI, relative to the working directory when it
/// lies below it (as `derivcheck verify` would be given it from there);
/// any other URI as it is.
pub(crate) fn path_of(uri: &str) -> String {
    let Some(rest) = uri.strip_prefix("file://") else {
        return uri.to_string();
    };
    // `file://host/path`: the path starts at the first slash.
    let path = rest.find('/').map_or(rest, |i| &rest[i..]);
    let path = percent_decode(path);
    let relative = std::env::current_dir().ok().and_then(|cwd| {
        std::path::Path::new(&path)
            .strip_prefix(cwd)
            .ok()
            .map(|p| p.to_string_lossy().into_owned())
    });
    relative.filter(|p| !p.is_empty()).unwrap_or(path)
}

/// `%20` and the like back to bytes; a `%` not followed by two hex digits
/// stays as it is.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use pretty_assertions::assert_eq;

    #[test]
    fn file_uris_become_paths() {
        assert_eq!(path_of("file:///tmp/a%20b/%CF%83.txt"), "/tmp/a b/σ.txt");
        assert_eq!(path_of("file://host/x.md"), "/x.md");
        assert_eq!(path_of("untitled:Untitled-1"), "untitled:Untitled-1");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%4"), "%4");
        assert_eq!(percent_decode("%zz%41"), "%zzA");
    }

    #[test]
    fn a_path_below_the_working_directory_is_relative() {
        let cwd = std::env::current_dir().unwrap();
        let uri = format!("file://{}/derivations/x.txt", cwd.display());
        assert_eq!(path_of(&uri), "derivations/x.txt");
    }
}
