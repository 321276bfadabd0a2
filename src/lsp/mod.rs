//! `derivcheck lsp`: a Language Server Protocol server over standard input
//! and output, for derivation files and Markdown and LaTeX documents
//! (docs/editors.md).
//!
//! The main thread reads the client's messages and answers requests from
//! the last finished check of each document; a worker thread checks
//! ([`crate::verify_source`], as `derivcheck verify` does) and publishes
//! the diagnostics. Every change of a document queues a check of it; a
//! check that has not started when a newer version arrives never starts,
//! and a check that finishes after a newer version arrived is dropped, so
//! typing never waits for, nor sees, the verdicts of an old text.
//!
//! What a client gets: diagnostics per link (`diagnostics.rs`), hover on
//! a link (`hover.rs`), quick fixes (`actions.rs`) and a mark at the end of
//! each link's line (`hints.rs`). Positions are UTF-16 code units
//! (`position.rs`).

mod actions;
mod diagnostics;
mod hints;
mod hover;
mod position;
mod worker;

use crate::document::InputKind;
use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, DidSaveTextDocument,
    Notification as _, PublishDiagnostics,
};
use lsp_types::request::{CodeActionRequest, HoverRequest, InlayHintRequest, Request as _};
use lsp_types::{
    CodeActionOrCommand, CodeActionProviderCapability, Hover, HoverContents,
    HoverProviderCapability, MarkupContent, MarkupKind, OneOf, PublishDiagnosticsParams,
    ServerCapabilities, TextDocumentSyncCapability, TextDocumentSyncKind, Uri,
};
use position::Lines;
use std::sync::{mpsc, Arc, Mutex};
use worker::{Docs, Document};

/// Serves one client on standard input and output until it says `exit`.
/// Returns the process's exit code: 0 after `shutdown` then `exit`, 1 after
/// an `exit` without `shutdown` or when the client goes away, as the
/// protocol asks.
pub fn serve_stdio() -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let code = serve(&connection);
    drop(connection);
    // The reader thread ends at the end of input; the writer when the
    // last sender is gone.
    let _ = io_threads.join();
    code
}

/// Serves one client on `connection` (the protocol's messages on two
/// channels): initialization, then requests and notifications until
/// `exit`. The exit code as for [`serve_stdio`].
pub fn serve(connection: &Connection) -> u8 {
    let capabilities = ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(TextDocumentSyncKind::FULL)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Simple(true)),
        inlay_hint_provider: Some(OneOf::Left(true)),
        ..ServerCapabilities::default()
    };
    let Ok(capabilities) = serde_json::to_value(capabilities) else {
        return 1;
    };
    let params = match connection.initialize(capabilities) {
        Ok(params) => params,
        Err(e) => {
            eprintln!("derivcheck lsp: {e}");
            return 1;
        }
    };
    // The client asks for hints again when told they changed, if it can
    // be told.
    let refresh = params
        .pointer("/capabilities/workspace/inlayHint/refreshSupport")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let docs: Docs = Arc::new(Mutex::new(Default::default()));
    let (jobs, queue) = mpsc::channel::<String>();
    let worker = {
        let docs = Arc::clone(&docs);
        let sender = connection.sender.clone();
        std::thread::Builder::new()
            .name("derivcheck-lsp-check".into())
            .spawn(move || worker::run(&queue, &docs, &|m| sender.send(m).is_ok(), refresh))
    };
    let code = main_loop(connection, &docs, &jobs);
    drop(jobs);
    if let Ok(worker) = worker {
        let _ = worker.join();
    }
    code
}

fn main_loop(connection: &Connection, docs: &Docs, jobs: &mpsc::Sender<String>) -> u8 {
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                match connection.handle_shutdown(&request) {
                    Ok(true) => return 0,
                    Ok(false) => {}
                    Err(e) => {
                        eprintln!("derivcheck lsp: {e}");
                        return 1;
                    }
                }
                let response = answer(docs, request);
                if connection.sender.send(response.into()).is_err() {
                    return 1;
                }
            }
            Message::Notification(n) if n.method == "exit" => return 1,
            Message::Notification(n) => {
                if let Some((uri, cleared)) = notice(docs, jobs, n) {
                    if cleared {
                        let params = PublishDiagnosticsParams::new(uri, Vec::new(), None);
                        let _ = connection.sender.send(
                            Notification::new(PublishDiagnostics::METHOD.into(), params).into(),
                        );
                    }
                }
            }
            // Replies to our own requests (inlay hint refresh): nothing to do.
            Message::Response(_) => {}
        }
    }
    1
}

/// Acts on a notification: a document opened, changed, saved or closed.
/// Returns the closed document's URI (its diagnostics are cleared), or the
/// URI of a document queued for checking.
fn notice(docs: &Docs, jobs: &mpsc::Sender<String>, n: Notification) -> Option<(Uri, bool)> {
    match n.method.as_str() {
        DidOpenTextDocument::METHOD => {
            let p: lsp_types::DidOpenTextDocumentParams = serde_json::from_value(n.params).ok()?;
            let doc = p.text_document;
            let kind = match doc.language_id.as_str() {
                "markdown" => Some(InputKind::Markdown),
                "tex" | "latex" | "plaintex" => Some(InputKind::Tex),
                _ => None,
            };
            let key = doc.uri.as_str().to_string();
            lock(docs).insert(
                key.clone(),
                Document {
                    uri: doc.uri.clone(),
                    version: doc.version,
                    text: doc.text,
                    kind,
                    checked: None,
                },
            );
            let _ = jobs.send(key);
            Some((doc.uri, false))
        }
        DidChangeTextDocument::METHOD => {
            let p: lsp_types::DidChangeTextDocumentParams =
                serde_json::from_value(n.params).ok()?;
            let key = p.text_document.uri.as_str().to_string();
            // Full sync: the last change is the whole text.
            let text = p.content_changes.into_iter().last()?.text;
            {
                let mut docs = lock(docs);
                let doc = docs.get_mut(&key)?;
                doc.version = p.text_document.version;
                doc.text = text;
            }
            let _ = jobs.send(key);
            Some((p.text_document.uri, false))
        }
        DidCloseTextDocument::METHOD => {
            let p: lsp_types::DidCloseTextDocumentParams = serde_json::from_value(n.params).ok()?;
            lock(docs).remove(p.text_document.uri.as_str());
            Some((p.text_document.uri, true))
        }
        // Saving changes nothing the last change did not.
        DidSaveTextDocument::METHOD => None,
        _ => None,
    }
}

/// The response to a request.
fn answer(docs: &Docs, request: Request) -> Response {
    let id = request.id.clone();
    let result = match request.method.as_str() {
        HoverRequest::METHOD => {
            serde_json::from_value(request.params).map(|p: lsp_types::HoverParams| {
                let at = p.text_document_position_params;
                serde_json::to_value(with_checked(docs, &at.text_document.uri, |doc, text| {
                    let lines = Lines::new(text);
                    let (markdown, step) = hover::hover(doc.report, lines.offset(at.position))?;
                    Some(Hover {
                        contents: HoverContents::Markup(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value: markdown,
                        }),
                        range: Some(lines.range(step.span)),
                    })
                }))
            })
        }
        CodeActionRequest::METHOD => {
            serde_json::from_value(request.params).map(|p: lsp_types::CodeActionParams| {
                let uri = p.text_document.uri;
                serde_json::to_value(with_checked(docs, &uri, |doc, text| {
                    // A fix's span is in the text checked: offered only
                    // while the editor shows that text, and only in the
                    // derivation language its replacement is written in.
                    (doc.current && doc.kind == InputKind::Deriv).then(|| {
                        actions::quick_fixes(&uri, text, doc.report, p.range)
                            .into_iter()
                            .map(CodeActionOrCommand::CodeAction)
                            .collect::<Vec<_>>()
                    })
                }))
            })
        }
        InlayHintRequest::METHOD => {
            serde_json::from_value(request.params).map(|p: lsp_types::InlayHintParams| {
                serde_json::to_value(with_checked(docs, &p.text_document.uri, |doc, text| {
                    doc.current.then(|| hints::hints(text, doc.report, p.range))
                }))
            })
        }
        _ => {
            return Response::new_err(
                id,
                ErrorCode::MethodNotFound as i32,
                format!("derivcheck lsp does not handle `{}`", request.method),
            )
        }
    };
    match result {
        Ok(Ok(value)) => Response::new_ok(id, value),
        Ok(Err(e)) => Response::new_err(id, ErrorCode::InternalError as i32, e.to_string()),
        Err(e) => Response::new_err(id, ErrorCode::InvalidParams as i32, e.to_string()),
    }
}

/// What a request sees of a document's last finished check.
struct Seen<'a> {
    report: &'a crate::outcome::FileReport,
    kind: InputKind,
    /// The check is of the text the editor has now.
    current: bool,
}

/// Runs `f` on the last finished check of `uri` and the text it checked;
/// `None` when there is none yet.
fn with_checked<T>(docs: &Docs, uri: &Uri, f: impl FnOnce(Seen, &str) -> Option<T>) -> Option<T> {
    let docs = lock(docs);
    let doc = docs.get(uri.as_str())?;
    let checked = doc.checked.as_ref()?;
    let seen = Seen {
        report: &checked.report,
        kind: checked.kind,
        current: checked.version == doc.version,
    };
    f(seen, &checked.text)
}

/// The documents, even if a thread panicked while holding them (each
/// change leaves them whole).
fn lock(docs: &Docs) -> std::sync::MutexGuard<'_, worker::Documents> {
    docs.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
