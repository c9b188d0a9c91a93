/**
 * PyTorch's side of `pnpm bench`: runs bench/torch_baseline.py with the fastest BLAS this machine
 * can give it, and says when a ratio against it would be dishonest.
 *
 * Debian's python3-torch computes with whatever libblas.so.3 is selected, which on a fresh machine
 * is the reference BLAS (about 3× slower than OpenBLAS here). So the baseline runs with OpenBLAS
 * (pthread build) first on LD_LIBRARY_PATH: the system's libopenblas0-pthread when installed, else
 * one unpacked from Debian's package into bench/.cache (apt-get download; no root needed), with
 * OPENBLAS_CORETYPE=SkylakeX on AVX-512 CPUs (OpenBLAS 0.3.21 does not know newer cores and falls
 * back to AVX2 kernels). The script reports the BLAS it actually mapped; against the reference BLAS
 * (or none) the suite prints no ratio.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const MULTIARCH = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu' }[process.arch];
const OPENBLAS_PACKAGE = 'libopenblas0-pthread';

/** Folders holding OpenBLAS's pthread libblas.so.3: the system's, or one unpacked into `cache`. */
function openblasFolder(cache) {
  if (!MULTIARCH) return undefined;
  const system = `/usr/lib/${MULTIARCH}/openblas-pthread`;
  if (existsSync(join(system, 'libblas.so.3'))) return { folder: system, source: `system ${OPENBLAS_PACKAGE}` };
  const unpacked = join(cache, 'openblas', 'usr', 'lib', MULTIARCH, 'openblas-pthread');
  if (!existsSync(join(unpacked, 'libblas.so.3'))) {
    mkdirSync(cache, { recursive: true });
    const download = spawnSync('apt-get', ['download', OPENBLAS_PACKAGE], { cwd: cache, encoding: 'utf8' });
    const deb = readdirSync(cache).find((f) => f.startsWith(OPENBLAS_PACKAGE) && f.endsWith('.deb'));
    if (download.status !== 0 || !deb) return undefined;
    spawnSync('dpkg', ['-x', deb, join(cache, 'openblas')]);
  }
  return existsSync(join(unpacked, 'libblas.so.3'))
    ? { folder: unpacked, source: `${OPENBLAS_PACKAGE} unpacked into ${cache}` }
    : undefined;
}

const hasAvx512 = () => {
  try {
    return /\bavx512f\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));
  } catch {
    return false;
  }
};

/** The Python interpreter that imports torch (Debian's is /usr/bin/python3, which may not be first on PATH), if any. */
export function torchPython() {
  return ['/usr/bin/python3', 'python3'].find((p) => spawnSync(p, ['-c', 'import torch']).status === 0);
}

/**
 * Environment and notes for the baseline: OMP_NUM_THREADS = cores, and the OpenBLAS recipe when it
 * is available. `env` is the environment the suite started with (the native kernels change OpenMP
 * settings of their own process, which must not reach PyTorch's).
 */
export function torchEnvironment(env, cache) {
  const out = { ...env, OMP_NUM_THREADS: String(cpus().length) };
  const openblas = openblasFolder(cache);
  if (openblas) {
    out.LD_LIBRARY_PATH = [openblas.folder, env.LD_LIBRARY_PATH].filter(Boolean).join(':');
    if (hasAvx512() && !env.OPENBLAS_CORETYPE) out.OPENBLAS_CORETYPE = 'SkylakeX';
  }
  return { env: out, openblas: openblas?.source ?? `not found (install ${OPENBLAS_PACKAGE}, or let apt-get download reach Debian)` };
}

/**
 * Runs the baseline at `size` and returns its JSON with its peak RSS, or `{ error }`. A result
 * computed with the reference BLAS (or none) carries `refused`: the reason no ratio is printed.
 */
export function torchBaseline({ python, script, size, iters, ngf, env }) {
  // The script runs inside a wrapper that then prints its peak RSS (KiB on Linux) as a last line.
  const wrapper =
    'import resource, runpy, sys; sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name="__main__"); print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)';
  const run = spawnSync(python, ['-c', wrapper, script, '--size', String(size), '--iters', String(iters), '--ngf', String(ngf)], {
    encoding: 'utf8',
    env,
  });
  if (run.status !== 0) return { error: run.stderr.trim().split('\n').at(-1) };
  const lines = run.stdout.trim().split('\n');
  const result = { ...JSON.parse(lines.at(-2)), peak_rss_mib: Math.round(Number(lines.at(-1)) / 1024) };
  const kind = result.blas?.kind;
  if (kind === 'reference' || kind === 'none mapped' || kind?.startsWith('unknown')) {
    result.refused = `PyTorch computed with ${kind === 'reference' ? `the reference BLAS (${result.blas.library})` : 'no BLAS it could name'}, so a ratio would flatter translate: install ${OPENBLAS_PACKAGE} (or let apt-get download reach Debian) and run the bench again`;
  }
  return result;
}
