#!/usr/bin/env bash
# Opens the HTML report of every example and mistake file in headless
# Chromium at 420 px (a phone) and counts, per report, the boxes that would
# make a reader scroll sideways to see a verdict, a justification, a
# counterexample or a diagnosis (the chain's box, the verdict, why and
# detail cells), and the formula cells that scroll inside themselves
# (allowed: a formula wider than the screen). Fails if any report has a
# box of the first kind, or if the page itself is wider than the screen.
# Needs chromium (Debian: apt-get install chromium). Usage:
# scripts/check-narrow.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-target/release/derivcheck}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
bad=0
for f in derivations/*.txt derivations/*.md derivations/mistakes/*.txt; do
    n=$(basename "$f" | tr . _)
    "$bin" report "$f" --html "$work/$n.html" >/dev/null 2>&1 || [ $? -le 2 ]
    cat >"$work/probe.html" <<E
<html><body style="margin:0"><iframe id="f" src="$n.html" style="width:420px;height:800px;border:0"></iframe>
<script>document.getElementById("f").onload = function () {
  var D = document.getElementById("f").contentDocument, d = D.documentElement, boxes = 0, cells = 0;
  D.querySelectorAll(".scroll, td.verdict, td.why, tr.detail td, .diagnosis, .cx").forEach(function (e) { if (e.scrollWidth > e.clientWidth + 1) boxes++; });
  D.querySelectorAll("td.lhs, td.rhs").forEach(function (e) { if (e.scrollWidth > e.clientWidth + 1) cells++; });
  document.body.setAttribute("data-r", (d.scrollWidth > d.clientWidth ? "page-wider " : "") + "boxes=" + boxes + " formula-cells=" + cells);
};</script></body></html>
E
    r=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --allow-file-access-from-files \
        --virtual-time-budget=3000 --user-data-dir="$work/profile" --dump-dom "file://$work/probe.html" 2>/dev/null |
        grep -o 'data-r="[^"]*"' | sed 's/data-r="\(.*\)"/\1/')
    echo "$f: ${r:-no answer}"
    case "$r" in "boxes=0 "*) ;; *) bad=$((bad + 1)) ;; esac
done
echo "reports with sideways scrolling at 420 px: $bad"
[ "$bad" -eq 0 ]
