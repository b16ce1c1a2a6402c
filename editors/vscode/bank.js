// "Starling: Show Story Bank": runs `starling report` on the workspace folder and shows the page
// in a webview beside the editor, refreshed whenever a file is saved. Links to a story open it
// at its title.
const cp = require('child_process');
const crypto = require('crypto');
const path = require('path');
const vscode = require('vscode');

let panel;   // the open webview panel, if any
let timer;   // the pending refresh after a save

/** The folder whose bank is shown: the active file's workspace folder, else the first one. */
function bankFolder() {
  const active = vscode.window.activeTextEditor?.document.uri;
  const folder = (active && vscode.workspace.getWorkspaceFolder(active)) || vscode.workspace.workspaceFolders?.[0];
  return folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
}

/** The report's HTML, as `starling report FOLDER -o -` writes it. */
function report(command, folder) {
  return new Promise((resolve, reject) => {
    cp.execFile(command, ['report', folder, '-o', '-'], { cwd: folder, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => (err ? reject(new Error(stderr.trim() || err.message)) : resolve(stdout)));
  });
}

/** The page with a content security policy and a script that turns story links into messages. */
function forWebview(html) {
  const nonce = crypto.randomBytes(16).toString('base64');
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'nonce-${nonce}';">`;
  const script = `<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
document.addEventListener('click', (event) => {
  const link = event.target.closest && event.target.closest('a[data-path]');
  if (!link) return;
  event.preventDefault();
  vscode.postMessage({ path: link.dataset.path, line: Number(link.dataset.line) || 1 });
});
</script>`;
  return html.replace('<head>', `<head>\n${csp}`).replace('</body>', `${script}\n</body>`);
}

async function refresh(findServer, output) {
  if (!panel) return;
  const folder = bankFolder();
  const { command, problem } = findServer();
  if (!folder || !command) {
    panel.webview.html = `<!DOCTYPE html><html><body><p>Starling: ${!folder ? 'open a folder to see its story bank' : problem}.</p></body></html>`;
    return;
  }
  try {
    panel.webview.html = forWebview(await report(command, folder));
  } catch (err) {
    output.appendLine(`starling report: ${err.message}`);
    panel.webview.html = '<!DOCTYPE html><html><body><p>Starling: the report could not be made; see the Starling output.</p></body></html>';
  }
}

async function openStory(message) {
  if (!message || typeof message.path !== 'string') return;
  const folder = bankFolder();
  const file = path.isAbsolute(message.path) || !folder ? message.path : path.join(folder, message.path);
  const line = Math.max(0, (message.line || 1) - 1);
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(line, 0, line, 0) });
}

/** Registers `starling.showBank`. `findServer` is the extension's own lookup of the binary. */
exports.register = function register(context, findServer, output) {
  const show = async () => {
    if (panel) {
      panel.reveal(vscode.ViewColumn.Beside);
    } else {
      panel = vscode.window.createWebviewPanel('starling.bank', 'Story Bank', vscode.ViewColumn.Beside,
        { enableScripts: true, localResourceRoots: [] });
      panel.onDidDispose(() => { panel = undefined; });
      panel.webview.onDidReceiveMessage((message) => openStory(message).catch((err) => output.appendLine(`open story: ${err.message}`)));
    }
    await refresh(findServer, output);
  };
  context.subscriptions.push(
    vscode.commands.registerCommand('starling.showBank', show),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (!panel || !/\.(md|markdown|toml)$/i.test(doc.fileName)) return;
      clearTimeout(timer);
      timer = setTimeout(() => refresh(findServer, output), 200);
    }),
  );
};
