#!/usr/bin/env bash
# Builds the VS Code extension in editors/vscode from the npm registry
# alone (npm ci from the committed lock file, then vsce), as CI does:
# editors/vscode/derivcheck.vsix, which `code --install-extension` takes.
set -euo pipefail
cd "$(dirname "$0")/../editors/vscode"
command -v npm >/dev/null || { apt-get update -qq && apt-get install -y -qq npm; }
node --check extension.js
npm ci --no-audit --no-fund
npm run package
test -s derivcheck.vsix
