// The starling extension seen through the VS Code API, inside the extension host. The
// extension is loaded from the unpacked .vsix; the workspace is tests/editors/fixtures.
// Expectations come from ../../expect.env through the environment (E2E_*).
const assert = require('assert');
const fs = require('fs');
const path = require('path');
const vscode = require('vscode');

const CODE = process.env.E2E_CODE || 'missing-learning';
const SOURCE = process.env.E2E_SOURCE;
const ACTION = process.env.E2E_ACTION || 'Insert a Learning part';
const EXPECT_TEXT = process.env.E2E_EXPECT_TEXT || '## Learning';
const EXPECT_HOVER = process.env.E2E_EXPECT_HOVER || CODE;
const STORY = process.env.STORY || 'stories/weak.md';
const GLOBAL = vscode.ConfigurationTarget.Global;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** Polls fn until it returns something truthy or ms pass; returns its last value. */
async function until(fn, ms = 20000) {
  const end = Date.now() + ms;
  let value;
  while (!(value = await fn()) && Date.now() < end) await sleep(100);
  return value;
}
const codeOf = (d) => String(d.code && typeof d.code === 'object' ? d.code.value : d.code);
const withCode = (uri) => vscode.languages.getDiagnostics(uri).find((d) => codeOf(d) === CODE);
const describe = (uri) => vscode.languages.getDiagnostics(uri).map((d) => `${d.source}(${codeOf(d)}) ${d.message}`).join('; ');
const settings = () => vscode.workspace.getConfiguration('starling');

suite('starling VS Code extension', () => {
  let folder, story, doc;
  const uri = (rel) => vscode.Uri.joinPath(folder, ...rel.split('/'));
  async function open(rel) {
    const d = await vscode.workspace.openTextDocument(uri(rel));
    await vscode.window.showTextDocument(d);
    return d;
  }

  suiteSetup(async () => {
    folder = vscode.workspace.workspaceFolders[0].uri;
    story = uri(STORY);
    doc = await open(STORY);
    await until(() => withCode(story), 30000);
  });

  suiteTeardown(async () => {
    await settings().update('rules', undefined, GLOBAL);
    await settings().update('include', undefined, GLOBAL);
  });

  test('activates on a story and registers its commands', async () => {
    const ext = vscode.extensions.getExtension('starling-coach.starling');
    assert.ok(ext, 'extension starling-coach.starling not found');
    assert.ok(ext.isActive, 'not active');
    const commands = await vscode.commands.getCommands(true);
    for (const c of ['starling.restart', 'starling.showOutput', 'starling.openRuleDoc', 'starling.newStory']) {
      assert.ok(commands.includes(c), `command ${c} not registered`);
    }
  });

  test(`publishes diagnostics with rule ids (${CODE})`, () => {
    const d = withCode(story);
    assert.ok(d, `no ${CODE} diagnostic: ${describe(story)}`);
    if (SOURCE) assert.strictEqual(d.source, SOURCE);
  });

  test('hover over the diagnostic explains it', async () => {
    const d = withCode(story);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', story, d.range.start);
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.ok(text.includes(EXPECT_HOVER), `hover does not contain "${EXPECT_HOVER}": ${text}`);
  });

  test(`quick fix "${ACTION}" applies and clears ${CODE}`, async () => {
    const d = withCode(story);
    const actions = await vscode.commands.executeCommand('vscode.executeCodeActionProvider', story, d.range);
    const action = actions.find((a) => a.title.includes(ACTION));
    assert.ok(action, `no matching action among: ${actions.map((a) => a.title).join(', ')}`);
    if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), 'edit not applied');
    if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments || []));
    assert.ok(doc.getText().includes(EXPECT_TEXT), doc.getText());
    assert.ok(await until(() => !withCode(story)), `${CODE} still there: ${describe(story)}`);
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    assert.ok(await until(() => withCode(story)), `${CODE} not back after revert`);
  });

  test('lints *.story.md but leaves plain Markdown alone', async () => {
    const storyMd = uri('late-nights.story.md');
    await open('late-nights.story.md');
    assert.ok(await until(() => vscode.languages.getDiagnostics(storyMd).length), 'no diagnostics for late-nights.story.md');
    const notes = uri('notes.md');
    await open('notes.md');
    await sleep(2000);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(notes), [], 'notes.md got diagnostics');
  });

  test('starling.rules reaches the server: on change, and at start', async () => {
    doc = await open(STORY);   // in view, as when a user changes a setting and watches the story
    await settings().update('rules', { [CODE]: 'off' }, GLOBAL);
    assert.ok(await until(() => !withCode(story)), `${CODE} still reported with rules { "${CODE}": "off" }`);
    await settings().update('rules', { [CODE]: 'error' }, GLOBAL);
    const isError = () => withCode(story)?.severity === vscode.DiagnosticSeverity.Error;
    assert.ok(await until(isError), `${CODE} not an error with rules { "${CODE}": "error" }: ${describe(story)}`);
    // A new server gets the rules in initializationOptions.
    await vscode.commands.executeCommand('starling.restart');
    assert.ok(await until(isError), `${CODE} not an error after Starling: Restart Language Server`);
    await settings().update('rules', undefined, GLOBAL);
    assert.ok(await until(() => withCode(story) && !isError()), `${CODE} still an error after the rules were reset`);
  });

  test('starling.include adds Markdown files', async () => {
    const draft = uri('drafts/late.md');
    await open('drafts/late.md');
    await sleep(2000);
    assert.deepStrictEqual(vscode.languages.getDiagnostics(draft), [], 'drafts/late.md linted before it was included');
    await settings().update('include', ['drafts/*.md'], GLOBAL);
    assert.ok(await until(() => vscode.languages.getDiagnostics(draft).length), 'no diagnostics for drafts/late.md once included');
    await settings().update('include', undefined, GLOBAL);
  });

  test('Starling: New Story inserts the skeleton', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('starling.newStory');
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'no editor');
    assert.strictEqual(editor.document.languageId, 'markdown');
    const text = editor.document.getText();
    for (const want of ['prompt:', 'theme:', '# ', '## Situation', '## Task', '## Action', '## Result', '## Learning']) {
      assert.ok(text.includes(want), `skeleton lacks "${want}":\n${text}`);
    }
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  test('Starling: Show Output runs', async () => {
    await vscode.commands.executeCommand('starling.showOutput');
  });

  test('ships the snippets: the story skeleton and one per part', () => {
    const ext = vscode.extensions.getExtension('starling-coach.starling');
    const [contrib] = ext.packageJSON.contributes.snippets;
    assert.strictEqual(contrib.language, 'markdown');
    const snippets = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, contrib.path), 'utf8'));
    for (const name of ['Story', 'Situation', 'Task', 'Action', 'Result', 'Learning']) {
      assert.ok(snippets[name] && snippets[name].body.length, `no ${name} snippet`);
    }
  });
});
