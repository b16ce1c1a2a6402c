// The starling VS Code extension as a user meets it: the .vsix installed into real VS Code
// (code-server), a story opened, and everything done with keyboard and mouse in headless
// Chromium (playwright-core). run.sh sets the environment:
//
//   CODE_SERVER       code-server executable                            (required)
//   VSIX              the .vsix built from editors/vscode               (required)
//   WORKSPACE         a folder to copy and open (fixtures + the story)  (required)
//   STORY             the story to open, relative to WORKSPACE          (required)
//   E2E_CODE, E2E_SOURCE, E2E_ACTION, E2E_EXPECT_TEXT, E2E_EXPECT_HOVER   see ../expect.env
//   E2E_OUT           screenshots and code-server.log go here (wiped first)
//   E2E_SCREENSHOT=1  also save the hover screenshot to SCREENSHOT (docs/img/vscode.png)
//   CHROMIUM          browser executable (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS    per-step timeout (default 60000)
// The browser may only reach code-server on loopback; any other request is aborted and
// recorded (that is how opening the install instructions and rule docs is observed).
// Exit code 0 only if every check passed. Last line: "N passed, N failed".
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const env = (k, d) => process.env[k] || d;
const need = (k) => { if (!process.env[k]) { console.error(`${k} is not set`); process.exit(2); } return process.env[k]; };
const CODE_SERVER = need('CODE_SERVER');
const VSIX = path.resolve(need('VSIX'));
const WORKSPACE = path.resolve(need('WORKSPACE'));
const STORY = need('STORY');
const CODE = env('E2E_CODE', 'missing-learning');
const ACTION = env('E2E_ACTION', 'Insert a Learning part');
const EXPECT_TEXT = env('E2E_EXPECT_TEXT', '## Learning');
const EXPECT_HOVER = env('E2E_EXPECT_HOVER', CODE);
const OUT = path.resolve(env('E2E_OUT', 'e2e-out'));
const TIMEOUT = Number(env('E2E_TIMEOUT_MS', '60000'));
const INSTALL_URL = 'https://github.com/starling-coach/starling#install';
const RULE_URL = `https://github.com/starling-coach/starling/blob/main/docs/rules/${CODE}.md`;

const t0 = Date.now();
const log = (...a) => console.log(`[${String(Date.now() - t0).padStart(6)} ms]`, ...a);
let passed = 0, failed = 0;
const check = (ok, what, detail = '') => {
  if (ok) passed++; else failed++;
  log(`${ok ? 'PASS' : 'FAIL'} ${what}${!ok && detail ? ': ' + detail : ''}`);
  return ok;
};
const flat = (s) => s.replace(/\u00a0/g, ' ').replace(/\s*\n\s*/g, ' | ');

// Fresh, isolated state for every run: nothing is read from or written to $HOME.
fs.rmSync(OUT, { recursive: true, force: true });
fs.mkdirSync(OUT, { recursive: true });
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'starling-vscode-ui-'));
const dirs = Object.fromEntries(['ws', 'data', 'exts', 'browser'].map((d) => [d, path.join(tmp, d)]));
Object.values(dirs).forEach((d) => fs.mkdirSync(d, { recursive: true }));
fs.cpSync(WORKSPACE, dirs.ws, { recursive: true });
const settingsFile = path.join(dirs.data, 'User', 'settings.json');
const baseSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
  'editor.hover.delay': 100,
  'editor.minimap.enabled': false,
  'chat.commandCenter.enabled': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};
fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
fs.writeFileSync(settingsFile, JSON.stringify(baseSettings, null, 2));
const csArgs = ['--config', path.join(tmp, 'config.yaml'), '--user-data-dir', dirs.data, '--extensions-dir', dirs.exts];

let cs, context, page;
async function cleanup() {
  if (context) await context.close().catch(() => {});
  if (cs && cs.exitCode === null) {
    try { process.kill(-cs.pid, 'SIGTERM'); } catch {}   // the process group we created (detached)
    await new Promise((r) => { cs.once('exit', r); setTimeout(r, 5000); });
  }
  fs.rmSync(tmp, { recursive: true, force: true });
}
const guard = setTimeout(async () => { check(false, 'global timeout'); await cleanup(); finish(); }, 8 * TIMEOUT);
function finish() {
  clearTimeout(guard);
  log(`total ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

try {
  // 1. Install the .vsix into a fresh extensions folder, as `code --install-extension` does.
  const installed = execFileSync(CODE_SERVER, [...csArgs, '--install-extension', VSIX], { encoding: 'utf8' });
  log('  ' + flat(installed.trim()));
  const extDir = fs.readdirSync(dirs.exts).find((d) => d.startsWith('starling-coach.starling-'));
  check(Boolean(extDir), 'the .vsix installs', fs.readdirSync(dirs.exts).join(', '));

  // 2. code-server on a free loopback port; it inherits PATH, where run.sh put `starling`.
  const port = await new Promise((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  const csLog = fs.openSync(path.join(OUT, 'code-server.log'), 'w');
  cs = spawn(CODE_SERVER, [...csArgs, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
    '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
    dirs.ws], {
    detached: true, stdio: ['ignore', csLog, csLog],
    // As if started with `code .` from a shell: VS Code then keeps this PATH (where run.sh put
    // `starling`) instead of resolving the login shell's environment, which resets PATH.
    env: { ...process.env, VSCODE_CLI: '1' },
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > TIMEOUT / 100 || cs.exitCode !== null) throw new Error('code-server did not come up, see code-server.log');
    await new Promise((r) => setTimeout(r, 100));
  }
  log(`code-server up at ${url}`);

  // 3. Headless Chromium, fresh profile, loopback only.
  context = await chromium.launchPersistentContext(dirs.browser, {
    executablePath: env('CHROMIUM', '/usr/bin/chromium'), headless: true,
    viewport: { width: 1400, height: 900 },
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const external = [];
  await context.route((u) => !['127.0.0.1', 'localhost'].includes(u.hostname) && /^(https?|wss?):$/.test(u.protocol),
    (route) => { external.push(route.request().url()); return route.abort(); });
  page = context.pages()[0] || await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  const shot = (n) => page.screenshot({ path: path.join(OUT, `${n}.png`) });
  await page.goto(`${url}/?folder=${encodeURIComponent(dirs.ws)}`);
  await page.waitForSelector('.monaco-workbench .explorer-folders-view');
  log('workbench loaded');

  // Confirms VS Code's "open the external website?" dialog, if it asks, and reports whether the
  // browser then tried to load `want` (the fragment never reaches the network). The dialog is
  // not matched by its text: code-server sometimes shows the previous URL in it.
  const opened = async (want) => {
    const target = want.replace(/#.*/, '');
    for (let i = 0; i < TIMEOUT / 100; i++) {
      if (external.some((u) => u.replace(/#.*/, '') === target)) return true;
      const dialog = page.locator('.monaco-dialog-box');
      if (await dialog.isVisible().catch(() => false)) {
        log('  dialog:', flat(await dialog.innerText()));
        await dialog.locator('.monaco-button', { hasText: /^Open$/ }).first().click();
      }
      await page.waitForTimeout(100);
    }
    log('  external requests:', external.join(' '));
    return false;
  };

  // 4. Open the story with Quick Open, as a person would.
  await page.keyboard.press('Control+P');
  await page.waitForSelector('.quick-input-widget input');
  await page.keyboard.type(STORY);
  await page.waitForSelector('.quick-input-list .monaco-list-row');
  await page.keyboard.press('Enter');
  await page.waitForSelector('.monaco-editor .view-lines');
  const editorText = async () => (await page.locator('.monaco-editor .view-lines').first().innerText()).replace(/\u00a0/g, ' ');

  // 5. Diagnostics: squiggles in the editor and the rule id in the Problems panel.
  const squiggles = '.monaco-editor .squiggly-error, .monaco-editor .squiggly-warning, .monaco-editor .squiggly-info, .monaco-editor .squiggly-hint';
  if (!check(await page.waitForSelector(squiggles).then(() => true, () => false), 'squiggles shown in the editor')) {
    await shot('0-no-diagnostics');
    throw new Error('no diagnostics: see 0-no-diagnostics.png and code-server.log');
  }
  await page.keyboard.press('Control+Shift+M');
  const panel = page.locator('.markers-panel');
  await panel.waitFor();
  // The server also reports on the other story files of the workspace: show the story's only.
  const filter = page.getByPlaceholder(/^Filter \(e\.g\./);
  await filter.click();
  await page.keyboard.type(`**/${STORY}`);
  const filtered = await page.waitForFunction((name) => (document.querySelector('.markers-panel')?.innerText || '').trim().startsWith(name),
    path.basename(STORY)).then(() => true, () => false);
  check(filtered, `Problems panel filtered to ${STORY}`);
  await page.mouse.move(1300, 530);                      // off the filter box (its tooltip) and off any text
  const panelHas = (text) => page.waitForFunction((t) => (document.querySelector('.markers-panel')?.innerText || '').includes(t), text)
    .then(() => true, () => false);
  const shown = await panelHas(CODE);
  log('  problems:', flat(await panel.innerText()));
  check(shown, `Problems panel lists ${CODE}`);
  // The server reports a problem with what the editor sent it (settings) as "starling: ..."
  // messages; the extension's own messages start with "Starling:".
  const serverErrors = (await page.locator('.notifications-toasts .notification-list-item').allInnerTexts())
    .filter((t) => t.includes('starling: '));
  check(serverErrors.length === 0, 'no error message from the server at start-up', flat(serverErrors.join(' || ')));
  await shot('1-problems');

  // 6. Hover: F8 (next problem) until the peek shows the rule, then Ctrl+K Ctrl+I.
  await page.keyboard.press('Control+1');
  await page.keyboard.press('Control+Home');
  let onIt = false;
  for (let i = 0; i < 10 && !onIt; i++) {
    await page.keyboard.press('F8');
    const peek = page.locator('.marker-widget').first();
    await peek.waitFor().catch(() => {});
    onIt = (await peek.innerText().catch(() => '')).includes(CODE);
  }
  check(onIt, `F8 reaches the ${CODE} problem`);
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+K');
  await page.keyboard.press('Control+I');
  // The diagnostic's own part shows first; starling's (a markdown part) arrives a moment later.
  const hover = page.locator('.monaco-hover:not(.hidden)').first();
  const serverPart = hover.locator('.hover-row .markdown-hover', { hasText: EXPECT_HOVER });
  const gotHover = await serverPart.first().waitFor().then(() => true, () => false);
  log('  hover:', flat(await hover.innerText().catch(() => '')).slice(0, 400));
  check(gotHover, `hover shows starling's explanation containing "${EXPECT_HOVER}"`);
  await shot('2-hover');
  if (process.env.E2E_SCREENSHOT === '1' && process.env.SCREENSHOT) {
    fs.mkdirSync(path.dirname(process.env.SCREENSHOT), { recursive: true });
    fs.copyFileSync(path.join(OUT, '2-hover.png'), process.env.SCREENSHOT);
    log(`  screenshot saved to ${process.env.SCREENSHOT}`);
  }
  await page.keyboard.press('Escape');

  // 7. Quick fix from the light bulb in front of the line.
  const bulb = page.locator('.lightBulbWidget:visible, .lightbulb-glyph:visible').first();
  const gotBulb = await bulb.waitFor().then(() => true, () => false);
  check(gotBulb, 'light bulb shown on the problem line');
  const before = await editorText();
  const rows = page.locator('.action-widget .monaco-list-row.action');   // headers are not .action
  if (gotBulb) {
    const box = await bulb.boundingBox();
    // A pointer-block overlay swallows synthetic clicks until the mouse has moved onto the target.
    await page.mouse.move(box.x + box.width / 2 + 5, box.y + box.height / 2 + 5);
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
  }
  const menu = await rows.first().waitFor({ timeout: 5000 }).then(() => true, () => false);
  check(menu, 'clicking the light bulb opens the quick-fix menu');
  if (!menu) await page.keyboard.press('Control+.');   // go on with the keyboard to test the rest
  await rows.first().waitFor().catch(() => {});
  const titles = (await rows.allInnerTexts()).map((t) => t.trim());
  log('  quick fixes:', titles.join(' | '));
  await shot('3-quickfix-menu');
  const idx = titles.findIndex((t) => t.includes(ACTION));
  if (check(idx >= 0, `the menu offers "${ACTION}"`)) {
    // Keyboard, not click: the list reacts to hover, and Enter applies the focused row.
    for (let i = 0; i < idx; i++) await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await page.waitForFunction((b) => document.querySelector('.monaco-editor .view-lines').innerText.replace(/\u00a0/g, ' ') !== b, before)
      .catch(() => {});
    await page.keyboard.press('Control+End');              // the fix appends: bring the end into view
    const has = await page.waitForFunction((t) => document.querySelector('.monaco-editor .view-lines').innerText.replace(/\u00a0/g, ' ').includes(t), EXPECT_TEXT)
      .then(() => true, () => false);
    check(has, `the document contains "${EXPECT_TEXT}"`, flat(await editorText()));
    const gone = await page.waitForFunction((t) => !(document.querySelector('.markers-panel')?.innerText || '').includes(t), CODE)
      .then(() => true, () => false);
    check(gone, `${CODE} is gone from the Problems panel`);
    await shot('4-after-fix');
  }

  // 8. Starling: Open Rule Documentation, from the command palette.
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input');
  await page.keyboard.type('Starling: Open Rule Documentation');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Rule Documentation' }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Open Rule Documentation' }).waitFor();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(CODE);
  await page.keyboard.press('Enter');
  check(await opened(RULE_URL), `Open Rule Documentation opens ${RULE_URL}`);

  // 8b. Starling: Show Story Bank opens the report beside the editor: the matrix and a chart per story.
  await page.keyboard.press('F1');
  await page.waitForSelector('.quick-input-widget input');
  await page.keyboard.type('Starling: Show Story Bank');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Show Story Bank' }).first().waitFor();
  await page.keyboard.press('Enter');
  const report = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
  const matrix = await report.locator('table.matrix').first().waitFor().then(() => true, () => false);
  check(matrix, 'Show Story Bank shows the coverage matrix in a webview');
  const charts = await report.locator('svg.score-chart').count().catch(() => 0);
  check(charts > 0, 'the story bank shows a score chart per story', `${charts} charts`);
  await shot('4b-story-bank');

  // 9. A starling.path with nothing there (typed into the Settings editor): an error naming the
  //    problem, with a button to the install instructions.
  await page.keyboard.press('Control+Comma');
  await page.locator('.settings-editor .suggest-input-container').waitFor();
  await page.keyboard.type('starling.path');
  // code-server is a remote window: machine-scoped settings live under the "Remote" tab.
  await page.locator('.settings-editor .settings-tabs-widget .action-label', { hasText: 'Remote' }).click();
  const pathInput = page.locator('.settings-editor .monaco-list-row', { hasText: 'Starling: Path' }).locator('input').first();
  await pathInput.waitFor();
  await pathInput.click();
  await page.keyboard.type('/nonexistent/starling');
  await page.keyboard.press('Tab');
  const toast = page.locator('.notifications-toasts .notification-list-item', { hasText: 'starling.path' }).first();
  const gotToast = await toast.waitFor().then(() => true, () => false);
  log('  notification:', flat(await toast.innerText().catch(() => '')));
  check(gotToast, 'a missing binary shows an error notification');
  await shot('5-missing-binary');

  // 10. Clearing starling.path again (PATH has starling) brings the server and its problems back,
  //     while the error is still on screen.
  await pathInput.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  await page.keyboard.press('Tab');
  const back = await page.waitForFunction(() => {
    const text = document.querySelector('.markers-panel')?.innerText || '';
    return text.includes('starling') && !text.includes('No problems have been detected');
  }).then(() => true, () => false);
  log('  problems:', flat(await panel.innerText()));
  check(back, 'after clearing starling.path the server restarts and problems are back');

  // 11. The error's button opens the install instructions.
  const button = toast.locator('.monaco-button', { hasText: 'Open Install Instructions' });
  if (check(await button.count() > 0, 'the notification has an "Open Install Instructions" button')) {
    await button.first().click();
    check(await opened(INSTALL_URL), `the button opens ${INSTALL_URL}`);
  }
} catch (e) {
  check(false, 'unexpected error', e.stack);
  if (page) await page.screenshot({ path: path.join(OUT, 'error.png') }).catch(() => {});
}
await cleanup();
finish();
