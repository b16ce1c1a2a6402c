// Starling for VS Code: runs `starling lsp` (stdio) for story files and adds a few commands.
//
// The server starts when the first story file is opened (not for every Markdown file), so
// people who only read a README never see an error about a missing binary.
const fs = require('fs');
const os = require('os');
const path = require('path');
const vscode = require('vscode');
const bank = require('./bank');
const { LanguageClient, TransportKind, DidChangeConfigurationNotification } = require('vscode-languageclient/node');

const INSTALL_URL = 'https://github.com/starling-coach/starling#install';
const RULE_DOC_URL = 'https://github.com/starling-coach/starling/blob/main/docs/rules/';
const RULE_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
// Story files are always linted; `starling.include` adds more.
const STORY_GLOBS = ['**/*.story.md', '**/stories/**/*.md'];
// Settings whose change needs a new server process (the rest are sent to the running one).
const RESTART_SETTINGS = ['starling.path', 'starling.include'];

let extensionPath; // where this extension is installed (a platform .vsix has server/ there)
let output;        // the "Starling" output channel, kept across restarts
let client;        // the running LanguageClient, if any
let selector = []; // the document selector of the current settings
let queue = Promise.resolve(); // start/stop run one at a time, in order
let started = false;           // whether the server should be running (a story was opened)

/** The user's `starling.include` globs, normalized. */
function includeGlobs() {
  return (vscode.workspace.getConfiguration('starling').get('include') || []).map(normalizeGlob);
}

/**
 * What the server is sent (initializationOptions, didChangeConfiguration, workspace/configuration).
 * `include` is the whole list of story globs when the user added some, else null (the server
 * then uses starling.toml or its defaults, the same globs as STORY_GLOBS).
 * @returns {{ theme: string | null, rules: object, include: string[] | null }}
 */
function serverSettings() {
  const cfg = vscode.workspace.getConfiguration('starling');
  const include = includeGlobs();
  return {
    theme: cfg.get('theme') || null,
    rules: cfg.get('rules') || {},
    include: include.length ? [...STORY_GLOBS, ...include] : null,
  };
}

/** A glob not starting with `/` or `**\/` matches anywhere, as if it started with `**\/`. */
function normalizeGlob(glob) {
  return glob.startsWith('/') || glob.startsWith('**/') ? glob : `**/${glob}`;
}

function documentSelector() {
  return [...STORY_GLOBS, ...includeGlobs()].map((pattern) => ({ scheme: 'file', language: 'markdown', pattern }));
}

function isStory(doc) {
  return vscode.languages.match(selector, doc) > 0;
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Looks `name` up on PATH (with PATHEXT on Windows). */
function onPath(name) {
  const exts = process.platform === 'win32' ? (process.env.PATHEXT || '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of (process.env.PATH || '').split(path.delimiter).filter(Boolean)) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (isExecutable(file)) return file;
    }
  }
  return undefined;
}

/** The server a platform .vsix carries (server/starling), if this is one. */
function bundledServer() {
  const file = path.join(extensionPath, 'server', process.platform === 'win32' ? 'starling.exe' : 'starling');
  if (!fs.existsSync(file)) return undefined;
  if (!isExecutable(file)) {
    try { fs.chmodSync(file, 0o755); } catch { /* reported below as not executable */ }
  }
  return isExecutable(file) ? file : undefined;
}

/**
 * Where the starling executable is: `starling.path` when set, else the bundled server, else
 * `starling` on PATH.
 * @returns {{ command?: string, problem?: string }}
 */
function findServer() {
  const configured = vscode.workspace.getConfiguration('starling').get('path', '').trim();
  if (!configured) {
    const found = bundledServer() || onPath('starling');
    return found ? { command: found } : { problem: 'the `starling` executable is not on PATH' };
  }
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let file = configured.replace(/^~(?=$|[\\/])/, os.homedir());
  if (folder) file = file.replace(/\$\{workspaceFolder\}/g, folder);
  if (!path.isAbsolute(file)) {
    if (!/[\\/]/.test(file)) {
      const found = onPath(file);
      if (found) return { command: found };
    }
    file = path.resolve(folder || process.cwd(), file);
  }
  return isExecutable(file)
    ? { command: file }
    : { problem: `starling.path is "${configured}", but no executable is there` };
}

/** Shows an error with a way out. Not awaited: the message stays until the user acts on it. */
function reportMissingServer(problem) {
  output.appendLine(`Not starting: ${problem}.`);
  const install = 'Open Install Instructions';
  const settings = 'Open Settings';
  vscode.window.showErrorMessage(
    `Starling: ${problem}. Install starling, or set "starling.path" to where it is.`, install, settings,
  ).then((choice) => {
    if (choice === install) return vscode.env.openExternal(vscode.Uri.parse(INSTALL_URL));
    if (choice === settings) return vscode.commands.executeCommand('workbench.action.openSettings', 'starling.path');
    return undefined;
  });
}

async function startClient() {
  const settings = serverSettings();
  selector = documentSelector();
  const { command, problem } = findServer();
  if (!command) {
    reportMissingServer(problem);
    return;
  }
  output.appendLine(`Starting ${command} lsp`);
  const next = new LanguageClient('starling', 'Starling',
    { command, args: ['lsp'], transport: TransportKind.stdio },
    {
      documentSelector: selector,
      initializationOptions: settings,
      outputChannel: output,
      diagnosticCollectionName: 'starling',
      markdown: { isTrusted: false, supportHtml: false },
      middleware: {
        workspace: {
          // A server that pulls the `starling` section (workspace/configuration) gets the same
          // object as initializationOptions, not the editor-only keys (path, trace).
          configuration: async (params, token, next) => {
            const values = await next(params, token);
            if (!Array.isArray(values)) return values;
            return values.map((value, i) => (params.items[i].section === 'starling' ? serverSettings() : value));
          },
        },
      },
    });
  try {
    await next.start();
    client = next;
  } catch (err) {
    output.appendLine(`starling lsp did not start: ${err && err.message || err}`);
    await next.dispose().catch(() => {});
    vscode.window.showErrorMessage(`Starling: the server (${command} lsp) did not start.`, 'Show Output')
      .then((choice) => choice && output.show());
  }
}

async function stopClient() {
  const old = client;
  client = undefined;
  if (old) await old.dispose().catch((err) => output.appendLine(`stopping the server: ${err && err.message || err}`));
}

/** Queues a stop and/or a start behind whatever is under way. */
function schedule(work) {
  queue = queue.then(work, work);
  return queue;
}

function restart() {
  started = true;
  return schedule(async () => { await stopClient(); await startClient(); });
}

/** Starts the server the first time a story file is open. */
function startIfStory(doc) {
  if (!started && isStory(doc)) restart();
}

function onConfigurationChanged(event) {
  if (!event.affectsConfiguration('starling')) return;
  selector = documentSelector();
  if (RESTART_SETTINGS.some((s) => event.affectsConfiguration(s))) {
    if (started) restart();
    else vscode.workspace.textDocuments.forEach(startIfStory);
  } else if (client && (event.affectsConfiguration('starling.theme') || event.affectsConfiguration('starling.rules'))) {
    client.sendNotification(DidChangeConfigurationNotification.type, { settings: { starling: serverSettings() } })
      .catch((err) => output.appendLine(`didChangeConfiguration: ${err && err.message || err}`));
  }
}

/** The rule id of a starling diagnostic under the cursor, if any. */
function ruleAtCursor() {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return undefined;
  const pos = editor.selection.active;
  const diag = vscode.languages.getDiagnostics(editor.document.uri)
    .find((d) => d.source === 'starling' && d.code !== undefined && d.range.contains(pos));
  if (!diag) return undefined;
  return String(typeof diag.code === 'object' ? diag.code.value : diag.code);
}

async function openRuleDoc(id) {
  if (typeof id !== 'string' || !RULE_ID.test(id)) {
    id = await vscode.window.showInputBox({
      title: 'Starling: Open Rule Documentation',
      prompt: 'Rule id, as shown in the Problems panel (for example missing-learning)',
      value: ruleAtCursor() || '',
      validateInput: (v) => (RULE_ID.test(v.trim()) ? undefined : 'A rule id is lowercase words joined by dashes'),
    });
    if (!id) return;
    id = id.trim();
  }
  await vscode.env.openExternal(vscode.Uri.parse(`${RULE_DOC_URL}${id}.md`));
}

/** Inserts the story skeleton (the "Story" snippet) into the active Markdown editor, or a new one. */
async function newStory(context) {
  const snippets = JSON.parse(fs.readFileSync(context.asAbsolutePath('snippets/starling.json'), 'utf8'));
  const body = snippets['Story'].body.join('\n');
  let editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') {
    const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: '' });
    editor = await vscode.window.showTextDocument(doc);
  }
  await editor.insertSnippet(new vscode.SnippetString(body));
}

exports.activate = function activate(context) {
  extensionPath = context.extensionPath;
  output = vscode.window.createOutputChannel('Starling');
  selector = documentSelector();
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('starling.restart', restart),
    vscode.commands.registerCommand('starling.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('starling.openRuleDoc', openRuleDoc),
    vscode.commands.registerCommand('starling.newStory', () => newStory(context)),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    vscode.workspace.onDidOpenTextDocument(startIfStory),
  );
  bank.register(context, findServer, output);
  vscode.workspace.textDocuments.forEach(startIfStory);
};

exports.deactivate = () => schedule(stopClient);
