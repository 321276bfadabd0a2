// derivcheck for VS Code: a language client for `derivcheck lsp`, on
// derivation files (.deriv) and, when `derivcheck.documents` is set, on
// Markdown and LaTeX documents.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const config = vscode.workspace.getConfiguration("derivcheck");
  const command = config.get("path") || "derivcheck";
  const documentSelector = [{ language: "derivcheck" }];
  if (config.get("documents")) {
    documentSelector.push({ language: "markdown" }, { language: "latex" });
  }
  client = new LanguageClient(
    "derivcheck",
    "derivcheck",
    { command, args: ["lsp"] },
    { documentSelector }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
