// Packages a platform-specific .vsix that carries the starling server:
//
//   npm run package:target -- <vsce-target> <path to the starling binary> [out.vsix]
//   npm run package:target -- linux-x64 ../../target/release/starling
//
// copies the binary to server/starling (server/starling.exe for win32-*), runs
// `vsce package --target <vsce-target>` (default output: starling-<vsce-target>.vsix) and
// removes server/ again, so that the universal `npm run package` never carries a stale binary.
// The extension runs the bundled server unless `starling.path` is set (extension.js).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const TARGETS = ['linux-x64', 'linux-arm64', 'linux-armhf', 'alpine-x64', 'alpine-arm64',
  'darwin-x64', 'darwin-arm64', 'win32-x64', 'win32-arm64'];
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [target, binary, out = `starling-${target}.vsix`] = process.argv.slice(2);
const fail = (msg) => { console.error(`package-target: ${msg}`); process.exit(2); };
if (!TARGETS.includes(target)) fail(`the first argument is a vsce target, one of ${TARGETS.join(', ')} (got ${target})`);
if (!binary || !fs.statSync(binary, { throwIfNoEntry: false })?.isFile()) fail(`no starling binary at ${binary}`);

const server = path.join(root, 'server');
const dest = path.join(server, target.startsWith('win32-') ? 'starling.exe' : 'starling');
fs.rmSync(server, { recursive: true, force: true });
fs.mkdirSync(server);
let status = 1;
try {
  fs.copyFileSync(binary, dest);
  fs.chmodSync(dest, 0o755);   // artifacts and copies may lose the executable bit
  const vsce = path.join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
  const run = spawnSync(process.execPath, [vsce, 'package', '--target', target, '--out', path.resolve(out)],
    { cwd: root, stdio: 'inherit' });
  status = run.status ?? 1;
} finally {
  fs.rmSync(server, { recursive: true, force: true });
}
process.exit(status);
