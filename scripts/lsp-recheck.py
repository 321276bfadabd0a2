#!/usr/bin/env python3
"""Times `derivcheck lsp` re-checking derivations/backprop.txt after an edit:
opens it, sends 20 edits (one more space at the end each time, 50 ms apart)
and measures each edit's round trip to its diagnostics over the pipe.

    cargo build --release && scripts/lsp-recheck.py [target/release/derivcheck]
"""
import json, os, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "target/release/derivcheck")

p = subprocess.Popen([BIN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, cwd=ROOT)
def send(m):
    b = json.dumps(m).encode()
    p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b); p.stdin.flush()
def recv():
    h = {}
    while True:
        l = p.stdout.readline().decode().strip()
        if not l: break
        k, v = l.split(": "); h[k] = v
    return json.loads(p.stdout.read(int(h["Content-Length"])))
send({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}})
recv()
send({"jsonrpc":"2.0","method":"initialized","params":{}})
text = open(os.path.join(ROOT, "derivations/backprop.txt")).read()
uri = "file://" + os.path.join(ROOT, "derivations/backprop.txt")
send({"jsonrpc":"2.0","method":"textDocument/didOpen","params":{"textDocument":{"uri":uri,"languageId":"derivcheck","version":1,"text":text}}})
def wait(v):
    while True:
        m = recv()
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") == v: return m
wait(1)
ts = []
for v in range(2, 22):
    t = time.time()
    send({"jsonrpc":"2.0","method":"textDocument/didChange","params":{"textDocument":{"uri":uri,"version":v},"contentChanges":[{"text":text + " "*v}]}})
    wait(v); ts.append((time.time()-t)*1000)
    time.sleep(0.05)
ts.sort(); print("round trip ms: min %.1f median %.1f max %.1f" % (ts[0], ts[len(ts)//2], ts[-1]))
send({"jsonrpc":"2.0","id":2,"method":"shutdown"}); recv(); send({"jsonrpc":"2.0","method":"exit"}); p.wait()
