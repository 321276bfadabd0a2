#!/usr/bin/env bash
# Renders the reports the way readers see them: the HTML report of
# derivations/backprop.txt and of a mistakes file as PNG screenshots from
# headless Chromium (into docs/), the mistakes file also on a phone-sized
# screen (420 px), and the LaTeX report of every example file compiled with
# pdflatex (in a temporary directory), the mistakes file's first page as a
# PNG (pdftoppm) in docs/.
#
# Installs Debian's chromium and a minimal TeX Live with apt-get when they
# are missing, so run it as root on Debian or Ubuntu (or install them
# first). Usage: scripts/render-reports.sh
set -euo pipefail

cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v pdflatex >/dev/null || missing+=(texlive-latex-base texlive-latex-recommended)
kpsewhich lmodern.sty >/dev/null 2>&1 || missing+=(lmodern)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt-get update
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

cargo build --release --quiet
bin=target/release/derivcheck
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# `report` exits 1 or 2 for a derivation with mistakes; that is the point
# of the mistakes files, not a failure of this script.
report() {
    "$bin" report "$@" >/dev/null || [ $? -le 2 ]
}

# shot NAME WIDTH HEIGHT FILE...: the HTML report of FILE... as docs/NAME.png
shot() {
    local name=$1 width=$2 height=$3
    shift 3
    report "$@" --html "$work/$name.html"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --hide-scrollbars --user-data-dir="$(mktemp -d -p "$work")" \
        --screenshot="$PWD/docs/$name.png" --window-size="$width,$height" \
        "file://$work/$name.html" 2>/dev/null
    echo "docs/$name.png: $(stat -c %s "docs/$name.png") bytes"
}

shot report-backprop 1000 1300 derivations/backprop.txt
shot report-mistake 1000 600 derivations/mistakes/lost_sign.txt
shot report-narrow 420 1000 derivations/mistakes/lost_sign.txt

compiled=0
failed=0
for file in derivations/*.txt derivations/mistakes/*.txt; do
    name=$(basename "$file" .txt)
    report "$file" --latex "$work/$name.tex"
    if (cd "$work" && pdflatex -interaction=nonstopmode -halt-on-error "$name.tex" >"$name.out" 2>&1); then
        pages=$(grep -o 'Output written on .*' "$work/$name.log" | grep -o '[0-9]* pages\?' || true)
        overfull=$(grep -c '^Overfull' "$work/$name.log" || true)
        echo "pdflatex $file: ok ($pages, $overfull overfull boxes)"
        compiled=$((compiled + 1))
    else
        echo "pdflatex $file: FAILED"
        grep -A3 '^!' "$work/$name.log" | head -n 12 || true
        failed=$((failed + 1))
    fi
done
echo "LaTeX: $compiled compiled, $failed failed"
# The first page of a LaTeX report as the reader sees it, at 80 dpi.
if [ -f "$work/lost_sign.pdf" ]; then
    pdftoppm -png -r 80 -f 1 -l 1 -singlefile "$work/lost_sign.pdf" docs/report-latex
    echo "docs/report-latex.png: $(stat -c %s docs/report-latex.png) bytes"
fi
[ "$failed" -eq 0 ]
