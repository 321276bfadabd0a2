//! `derivcheck lsp` spoken to over a pipe, as an editor does: the built
//! binary is started in its own process group, sent framed JSON-RPC
//! messages, and its replies are read back and asserted on. A server that
//! stops answering fails the test at a deadline, and its process group is
//! killed whatever happens.

use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_derivcheck");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// How long any one reply may take (a debug build on a busy machine).
const DEADLINE: Duration = Duration::from_secs(60);

/// A running server and the messages it sent, in order.
struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    replies: mpsc::Receiver<Value>,
    next_id: i64,
}

impl Server {
    fn start() -> Server {
        let mut child = Command::new(BIN)
            .arg("lsp")
            .current_dir(ROOT)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .expect("derivcheck lsp starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, replies) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        Server {
            child,
            stdin,
            replies,
            next_id: 0,
        }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin open");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("the server reads");
        stdin.flush().expect("the server reads");
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its response's `result` (or the
    /// whole response when it is an error).
    fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let reply = self.wait_for(|m| m["id"] == json!(id) && m.get("method").is_none());
        reply.get("result").cloned().unwrap_or(reply)
    }

    /// The next message that `wanted` accepts; the others are skipped.
    fn wait_for(&self, wanted: impl Fn(&Value) -> bool) -> Value {
        let end = Instant::now() + DEADLINE;
        loop {
            let left = end.saturating_duration_since(Instant::now());
            match self.replies.recv_timeout(left) {
                Ok(m) if wanted(&m) => return m,
                Ok(_) => continue,
                Err(_) => panic!("no awaited reply from derivcheck lsp within {DEADLINE:?}"),
            }
        }
    }

    /// The diagnostics published for `uri` at `version`.
    fn diagnostics(&self, uri: &str, version: i64) -> Vec<Value> {
        let m = self.wait_for(|m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"]["version"] == json!(version)
        });
        m["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn initialize(&mut self) -> Value {
        let result = self.request(
            "initialize",
            json!({"processId": null, "rootUri": null, "capabilities": {}}),
        );
        self.notify("initialized", json!({}));
        result
    }

    fn open(&mut self, uri: &str, language: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    /// Shuts the server down as a client does and returns its exit code.
    fn shutdown(mut self) -> Option<i32> {
        let result = self.request("shutdown", Value::Null);
        assert_eq!(result, Value::Null);
        self.notify("exit", Value::Null);
        self.stdin = None;
        let end = Instant::now() + DEADLINE;
        while Instant::now() < end {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("derivcheck lsp did not exit after shutdown and exit");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The whole process group, whether the test passed or not.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.child.wait();
    }
}

/// One framed message, or `None` at the end of the stream.
fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// The UTF-16 length of a line of `text` (0-based).
fn units(text: &str, line: usize) -> i64 {
    text.lines().nth(line).unwrap().encode_utf16().count() as i64
}

const FALSE_STEP: &str = "\
ŷ, y : real
v : vector[n]
claim fine: σ(ŷ) + Σ_i v[i] = Σ_i v[i] + σ(ŷ)
claim wrong: σ(ŷ) - σ(y) + Σ_i v[i] = σ(ŷ - y) + Σ_i v[i]
";

#[test]
fn a_session_diagnostics_hover_fix_hints_and_shutdown() {
    let mut server = Server::start();
    let init = server.initialize();
    let caps = &init["capabilities"];
    assert_eq!(caps["textDocumentSync"], json!(1), "{init}");
    assert_eq!(caps["hoverProvider"], json!(true), "{init}");
    assert_eq!(caps["codeActionProvider"], json!(true), "{init}");
    assert_eq!(caps["inlayHintProvider"], json!(true), "{init}");

    let uri = "file:///tmp/derivcheck-lsp-test/session.txt";
    server.open(uri, "derivcheck", FALSE_STEP);
    let found = server.diagnostics(uri, 1);
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert_eq!(d["severity"], json!(1), "{d}");
    assert_eq!(d["code"], json!("false"), "{d}");
    assert_eq!(d["source"], json!("derivcheck"), "{d}");
    let message = d["message"].as_str().unwrap();
    assert!(message.starts_with("false: "), "{message}");
    assert!(message.contains("counterexample"), "{message}");
    // The whole one-line claim, its end in UTF-16 units (σ, ŷ and Σ are
    // two bytes each but one unit).
    assert_eq!(
        d["range"],
        json!({"start": {"line": 3, "character": 0}, "end": {"line": 3, "character": units(FALSE_STEP, 3)}}),
    );
    assert_ne!(
        units(FALSE_STEP, 3),
        FALSE_STEP.lines().nth(3).unwrap().len() as i64
    );

    // Hover after the non-ASCII characters of the false claim.
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 20}}),
    );
    assert_eq!(hover["contents"]["kind"], json!("markdown"), "{hover}");
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**✗ false** — claim `wrong`"), "{text}");
    assert!(text.contains("counterexample"), "{text}");
    let hover = server.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": uri}, "position": {"line": 2, "character": 14}}),
    );
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.starts_with("**✓ proved**"), "{hover}");
    assert!(text.contains("rules:\n- `"), "{text}");

    // An edit with a misspelt name: an error on the name, and its fix.
    let typo = FALSE_STEP.replace("σ(ŷ - y) + Σ_i", "σ(ŷ) - σ(yy) + Σ_i");
    server.change(uri, 2, &typo);
    let found = server.diagnostics(uri, 2);
    assert_eq!(found.len(), 1, "{found:?}");
    let line = typo.lines().nth(3).unwrap();
    let at = line.find("yy").unwrap();
    let start = line[..at].encode_utf16().count() as i64;
    let range = json!({"start": {"line": 3, "character": start}, "end": {"line": 3, "character": start + 2}});
    assert_eq!(found[0]["range"], range, "{found:?}");
    assert_eq!(found[0]["code"], json!("error"));

    let actions = server.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": range, "context": {"diagnostics": found}}),
    );
    let actions = actions.as_array().expect("a list of actions");
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], json!("quickfix"));
    assert_eq!(
        actions[0]["edit"]["changes"][uri],
        json!([{"range": range, "newText": "y"}]),
        "{actions:?}"
    );

    // The fix applied: every link proved or holding, so no error; marks.
    server.change(uri, 3, &typo.replace("σ(yy)", "σ(y)"));
    let found = server.diagnostics(uri, 3);
    assert!(
        found.iter().all(|d| d["severity"] == json!(3)),
        "only `holds` may remain: {found:?}"
    );
    let hints = server.request(
        "textDocument/inlayHint",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}}}),
    );
    let labels: Vec<&str> = hints
        .as_array()
        .expect("a list of hints")
        .iter()
        .map(|h| h["label"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(labels.len(), 2, "{hints}");
    assert!(
        labels.iter().all(|l| *l == "✓ proved" || *l == "≈ holds"),
        "{labels:?}"
    );
    assert_eq!(hints[0]["position"]["line"], json!(2));

    assert_eq!(server.shutdown(), Some(0));
}

#[test]
fn a_newer_version_supersedes_pending_checks() {
    let mut server = Server::start();
    server.initialize();
    let uri = "file:///tmp/derivcheck-lsp-test/typing.txt";
    server.open(uri, "derivcheck", FALSE_STEP);
    // Keystrokes faster than checks: versions 2 to 20, all but the last
    // with the false step.
    for version in 2..20 {
        server.change(
            uri,
            version,
            &FALSE_STEP.replace("claim wrong", &format!("claim w{version}")),
        );
    }
    let fixed = FALSE_STEP.replace("σ(ŷ - y)", "σ(ŷ) - σ(y)");
    server.change(uri, 20, &fixed);
    let mut versions = Vec::new();
    let last = loop {
        let m = server.wait_for(|m| m["method"] == "textDocument/publishDiagnostics");
        let version = m["params"]["version"].as_i64().expect("a version");
        versions.push(version);
        if version == 20 {
            break m;
        }
    };
    // Never an older text's verdicts after a newer one's.
    assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
    assert!(
        versions.len() < 20,
        "every version was checked: {versions:?}"
    );
    let errors = last["params"]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["severity"] == json!(1))
        .count();
    assert_eq!(errors, 0, "{last}");
    assert_eq!(server.shutdown(), Some(0));
}

#[test]
fn markdown_documents_and_closing() {
    let mut server = Server::start();
    server.initialize();
    let uri = "file:///tmp/derivcheck-lsp-test/notes.md";
    let text = "# Sigmoid\n\nSome prose: ŷ.\n\n$$\n(x + 1)^2 = x^2 + 1\n$$\n";
    server.open(uri, "markdown", text);
    let found = server.diagnostics(uri, 1);
    let false_ones: Vec<&Value> = found
        .iter()
        .filter(|d| d["code"] == json!("false"))
        .collect();
    assert_eq!(false_ones.len(), 1, "{found:?}");
    assert_eq!(
        false_ones[0]["range"]["start"]["line"],
        json!(5),
        "{found:?}"
    );
    server.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": uri}}),
    );
    let cleared = server.wait_for(|m| {
        m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
    });
    assert_eq!(cleared["params"]["diagnostics"], json!([]), "{cleared}");
    assert_eq!(server.shutdown(), Some(0));
}

#[test]
fn exit_without_shutdown_is_exit_code_1_and_unknown_requests_are_errors() {
    let mut server = Server::start();
    server.initialize();
    let reply = server.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": "file:///x"}, "position": {"line": 0, "character": 0}}),
    );
    assert_eq!(reply["error"]["code"], json!(-32601), "{reply}");
    server.notify("exit", Value::Null);
    server.stdin = None;
    let end = Instant::now() + DEADLINE;
    let code = loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            break status.code();
        }
        assert!(Instant::now() < end, "no exit");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(code, Some(1));
}

/// The re-check after an edit of a file the size of backprop.txt: the
/// time from the change to its diagnostics, printed for the record
/// (`cargo test --release --test lsp recheck -- --nocapture`).
#[test]
fn recheck_after_an_edit_of_backprop() {
    let path = format!("{ROOT}/derivations/backprop.txt");
    let text = std::fs::read_to_string(&path).expect("backprop.txt");
    let mut server = Server::start();
    server.initialize();
    let uri = "file:///tmp/derivcheck-lsp-test/backprop.txt";
    server.open(uri, "derivcheck", &text);
    let first = server.diagnostics(uri, 1);
    assert!(
        first.iter().all(|d| d["severity"] != json!(1)),
        "backprop.txt verifies: {first:?}"
    );
    let mut times = Vec::new();
    for version in 2..7 {
        // A keystroke: one more space in the last line.
        let edited = format!("{text}{}", " ".repeat(version as usize));
        let start = Instant::now();
        server.change(uri, version, &edited);
        let found = server.diagnostics(uri, version);
        times.push(start.elapsed());
        assert_eq!(found.len(), first.len());
    }
    times.sort();
    println!(
        "re-check of backprop.txt after an edit: median {:?}, min {:?}, max {:?}",
        times[times.len() / 2],
        times[0],
        times[times.len() - 1]
    );
    assert_eq!(server.shutdown(), Some(0));
}
