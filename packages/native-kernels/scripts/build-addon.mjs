#!/usr/bin/env node
/**
 * Builds the oneDNN kernels addon with node-gyp (the package's `install` script). Never fails the
 * install: when oneDNN, a compiler or the Node headers are missing it prints one line saying so and
 * that translate will use its wasm kernels, and records why in build/status.json (read by
 * `translate doctor`). `TRANSLATE_NATIVE_KERNELS=0` skips the build. `--verbose` shows node-gyp's output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const verbose = process.argv.includes('--verbose');
const NAME = '@translate/native-kernels';
const INSTALL_HINT =
  'install oneDNN (Debian/Ubuntu: apt-get install libdnnl-dev; macOS: brew install onednn; conda: conda install -c conda-forge onednn) ' +
  `and a C++ compiler, then run: pnpm --filter ${NAME} run rebuild`;

function record(status) {
  mkdirSync(join(root, 'build'), { recursive: true });
  writeFileSync(join(root, 'build', 'status.json'), `${JSON.stringify({ ...status, date: new Date().toISOString() }, null, 2)}\n`);
}

function skip(reason) {
  record({ built: false, reason, hint: INSTALL_HINT });
  console.log(`${NAME}: not built (${reason}); translate will use its wasm kernels. To enable: ${INSTALL_HINT}`);
  process.exit(0);
}

/** oneDNN's include and library folders, from $DNNL_ROOT, $CONDA_PREFIX or the usual prefixes. */
function findOneDnn() {
  const prefixes = [
    process.env.DNNL_ROOT,
    process.env.CONDA_PREFIX,
    '/usr',
    '/usr/local',
    '/opt/homebrew',
    '/opt/homebrew/opt/onednn',
    '/usr/local/opt/onednn',
  ];
  const arch = { x64: 'x86_64', arm64: 'aarch64' }[process.arch] ?? process.arch;
  for (const prefix of prefixes.filter(Boolean)) {
    const include = join(prefix, 'include');
    if (!existsSync(join(include, 'dnnl.hpp'))) continue;
    const libDirs = [join(prefix, 'lib', `${arch}-linux-gnu`), join(prefix, 'lib64'), join(prefix, 'lib')];
    const lib = libDirs.find((d) => ['libdnnl.so', 'libdnnl.dylib'].some((f) => existsSync(join(d, f))));
    if (lib) return { include, lib };
  }
  return undefined;
}

if (['0', 'off', 'false'].includes(process.env.TRANSLATE_NATIVE_KERNELS ?? '')) skip('TRANSLATE_NATIVE_KERNELS=0');
const dnnl = findOneDnn();
if (!dnnl) skip('oneDNN headers and library (dnnl.hpp, libdnnl) not found');

let gyp;
try {
  gyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
} catch {
  skip('node-gyp is not installed');
}
// Node's own headers when this Node ships them (no download needed); else node-gyp's cache/download.
const nodeDir = join(dirname(process.execPath), '..');
const args = [gyp, 'rebuild', '--release'];
if (existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${nodeDir}`);
const run = spawnSync(process.execPath, args, {
  cwd: root,
  env: { ...process.env, TRANSLATE_DNNL_INCLUDE: dnnl.include, TRANSLATE_DNNL_LIB: dnnl.lib },
  encoding: 'utf8',
  stdio: verbose ? 'inherit' : 'pipe',
});
if (run.status !== 0) {
  const out = `${run.stdout ?? ''}${run.stderr ?? ''}`.trim().split('\n');
  const error = verbose
    ? `exit ${run.status}, output above`
    : (out.find((l) => /\berror:/i.test(l)) ?? out.find((l) => /ERR!/.test(l)) ?? out.at(-1) ?? `exit ${run.status}`);
  skip(`node-gyp failed: ${error.trim().slice(0, 200)}`);
}
// Load it once in a child: a missing runtime library shows here, not in the user's first training run.
const addon = join(root, 'build', 'Release', 'native_kernels.node');
const probe = spawnSync(process.execPath, ['-e', `console.log(require(${JSON.stringify(addon)}).version())`], { encoding: 'utf8' });
if (probe.status !== 0) skip(`the built addon does not load: ${(probe.stderr || '').trim().split('\n')[0]}`);
const version = probe.stdout.trim();
record({ built: true, version, include: dnnl.include, lib: dnnl.lib });
console.log(`${NAME}: built with ${version} (${dnnl.lib})`);
