// Runs the mocha suite in api-tests/ inside code-server's extension host (the
// @vscode/test-electron model, with nothing downloaded): the web workbench takes
// extensionDevelopmentPath and extensionTestsPath from its ?payload= URL parameter and reports
// the suite's exit code through window.codeAutomationExit, which Playwright provides.
//
//   CODE_SERVER  code-server executable                           (required)
//   EXT_DIR      the extension folder (run.sh: the unpacked .vsix) (required)
//   WORKSPACE    a folder to copy and open                         (required)
//   STORY        the story, relative to WORKSPACE                  (required; read by the suite)
//   E2E_*        the expectations of ../expect.env, read by the suite
//   CHROMIUM, E2E_TIMEOUT_MS (whole run, default 300000), E2E_VERBOSE=1 for the browser console
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

const HERE = path.dirname(fileURLToPath(import.meta.url));
for (const k of ['CODE_SERVER', 'EXT_DIR', 'WORKSPACE', 'STORY']) {
  if (!process.env[k]) { console.error(`${k} is not set`); process.exit(2); }
}
const EXT = path.resolve(process.env.EXT_DIR);
const TESTS = path.join(HERE, 'api-tests', 'index.js');
const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || '60000') * 5;
const t0 = Date.now();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'starling-vscode-api-'));
for (const d of ['data/User', 'browser']) fs.mkdirSync(path.join(tmp, d), { recursive: true });
fs.cpSync(process.env.WORKSPACE, path.join(tmp, 'ws'), { recursive: true });
fs.writeFileSync(path.join(tmp, 'data/User/settings.json'), JSON.stringify({
  'workbench.startupEditor': 'none', 'telemetry.telemetryLevel': 'off', 'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false, 'update.mode': 'none', 'security.workspace.trust.enabled': false,
  // The Starling output channel (kept in the logs when E2E_KEEP=1) then shows the LSP traffic.
  'starling.trace.server': process.env.E2E_TRACE || 'off' }));
const port = await new Promise((r) => { const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
const cs = spawn(process.env.CODE_SERVER, ['--config', path.join(tmp, 'config.yaml'), '--user-data-dir', path.join(tmp, 'data'),
  '--extensions-dir', path.join(tmp, 'exts'), '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none',
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', path.join(tmp, 'ws')], {
  detached: true, stdio: ['ignore', 'ignore', process.env.E2E_VERBOSE ? 'inherit' : 'ignore'],
  // As if started with `code .` from a shell: keep this PATH (where run.sh put `starling`).
  env: { ...process.env, VSCODE_CLI: '1' },
});
let code = 1, context;
const done = async () => {
  if (context) await context.close().catch(() => {});
  try { process.kill(-cs.pid, 'SIGTERM'); } catch {}
  if (process.env.E2E_KEEP) console.log(`kept ${tmp}`); else fs.rmSync(tmp, { recursive: true, force: true });
  console.log(`exit ${code} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  process.exit(code);
};
setTimeout(() => { console.log('timeout: no codeAutomationExit'); code = 1; done(); }, TIMEOUT);
const url = `http://127.0.0.1:${port}`;
while (!(await fetch(`${url}/healthz`).then((r) => r.ok, () => false))) await new Promise((r) => setTimeout(r, 100));
context = await chromium.launchPersistentContext(path.join(tmp, 'browser'), {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
await context.route((u) => !['127.0.0.1', 'localhost'].includes(u.hostname) && /^(https?|wss?):$/.test(u.protocol), (route) => route.abort());
const page = context.pages()[0] || await context.newPage();
const exitCode = new Promise((r) => page.exposeFunction('codeAutomationExit', (c) => { r(c); }));
// Extension-host console output (the mocha reporter) arrives here; marketplace errors are noise offline.
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const t = format(...args);
  if (process.env.E2E_VERBOSE || !/open-vsx|ENOTFOUND|^\s+at |Creating a socket|connection token|vsda|ChatSession|builtin extensions|Service Worker/.test(t)) console.log(t);
});
page.on('console', (m) => { const t = m.text(); if (process.env.E2E_VERBOSE && !/^%c|Failed to load resource/.test(t)) console.log('[browser]', t.slice(0, 400)); });
const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
const payload = JSON.stringify([['extensionDevelopmentPath', remote(EXT)], ['extensionTestsPath', remote(TESTS)], ['skipWelcome', 'true']]);
await page.goto(`${url}/?folder=${encodeURIComponent(path.join(tmp, 'ws'))}&payload=${encodeURIComponent(payload)}`);
code = await exitCode;
await done();
