/**
 * `translate weights inspect <file>`: what a `.pth` (either torch.save format) or `.safetensors`
 * file holds — format, container, tensor and parameter counts, dtypes, keys with shapes — and which
 * of translate's networks it is, with the flags that load it (`identifyNetwork`). `--json` prints the
 * same as one JSON object.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import {
  identifyNetwork,
  initBackend,
  isSafetensorsPath,
  numelOf,
  readManifest,
  type NetworkIdentification,
  type NetworkMatch,
  type RawStateDict,
  type WeightsFile,
} from '@translate/core';
import type { CliContext } from '../context.js';
import { FLOAT_DTYPES, readWeightsArgument } from './weights_file.js';

/** Keys listed without `--all`. */
const SHOWN_KEYS = 30;

/** What `--json` prints. */
interface WeightsReport {
  file: string;
  format: WeightsFile['format'];
  /** The zip archive's folder name; null for legacy and safetensors files. */
  archive: string | null;
  container: string;
  bytes: number;
  tensors: number;
  /** Elements of the float tensors that are parameters (see {@link PARAMETERS_COUNTED}). */
  parameters: number;
  /** Tensors per dtype, most frequent first. */
  dtypes: Record<string, number>;
  /** safetensors `__metadata__`. */
  metadata: Record<string, string>;
  keys: Array<{ key: string; shape: number[]; dtype: string }>;
  /** When the file belongs to a translate checkpoint folder: its manifest's view of it. */
  checkpoint: { manifest: string; model: string; label: string; network: string; sha256Matches: boolean } | null;
  identification: NetworkIdentification;
}

/** What the parameter count counts, in words. */
const PARAMETERS_COUNTED =
  'elements of the float tensors, without BatchNorm running statistics, num_batches_tracked and spectral-norm u/v vectors';

/** Adds `weights inspect <file>` to the `weights` command. */
export function addWeightsInspectCommand(weights: Command, ctx: CliContext): void {
  weights
    .command('inspect')
    .description('show what a .pth or .safetensors weights file holds and which translate network (and flags) it is')
    .argument('<file>', '.pth (zip or legacy torch.save format), .safetensors, or a network file of a checkpoint folder')
    .option('--key <key>', "the wrapper entry to read of a .pth dict holding several state dicts (e.g. 'netD')")
    .option('--all', `list every key (default: the first ${SHOWN_KEYS})`)
    .option('--json', 'print the report as one JSON object (every key)')
    .action(async (file: string, o: { key?: string; all?: boolean; json?: boolean }) => {
      const weightsFile = readWeightsArgument(file, o.key);
      await initBackend('cpu', { log: () => undefined });
      const report = inspectWeights(weightsFile);
      ctx.io.stdout(o.json ? `${JSON.stringify(report, null, 1)}\n` : formatReport(report, o.all ?? false));
    });
}

/** The report on a weights file that was read. */
function inspectWeights(file: WeightsFile): WeightsReport {
  const dtypes = new Map<string, number>();
  for (const t of file.tensors.values()) dtypes.set(t.dtype, (dtypes.get(t.dtype) ?? 0) + 1);
  return {
    file: file.path,
    format: file.format,
    archive: file.archiveName === '' ? null : file.archiveName,
    container: file.container,
    bytes: file.bytes,
    tensors: file.tensors.size,
    parameters: countParameters(file.tensors),
    dtypes: Object.fromEntries([...dtypes].sort((a, b) => b[1] - a[1])),
    metadata: file.metadata,
    keys: [...file.tensors].map(([key, t]) => ({ key, shape: t.shape, dtype: t.dtype })),
    checkpoint: checkpointEntry(file.path),
    identification: identifyNetwork(file.tensors, file.module),
  };
}

/** See {@link PARAMETERS_COUNTED}; `<name>_u` / `<name>_v` count as spectral-norm vectors when `<name>_orig` exists. */
function countParameters(tensors: RawStateDict): number {
  let n = 0;
  for (const [key, t] of tensors) {
    if (!FLOAT_DTYPES.has(t.dtype) || /(^|\.)(running_mean|running_var|num_batches_tracked)$/.test(key)) continue;
    const spectral = /^(.*)_[uv]$/.exec(key);
    if (spectral && tensors.has(`${spectral[1]}_orig`)) continue;
    n += numelOf(t.shape);
  }
  return n;
}

/** The manifest entry of a `<label>_net_<network>.<ext>` file in a translate checkpoint folder, when its manifest lists this file. */
function checkpointEntry(path: string): WeightsReport['checkpoint'] {
  const name = /^(.+)_net_(.+)\.(safetensors|pth)$/.exec(basename(path));
  if (!name) return null;
  const [, label, network] = name as unknown as [string, string, string];
  const manifest = readManifest(dirname(path), label);
  const saved = manifest?.networks[network];
  if (!manifest || saved?.file !== basename(path)) return null;
  const sha256 = createHash('sha256').update(readFileSync(path)).digest('hex');
  return { manifest: `${label}_checkpoint.json`, model: manifest.model, label, network, sha256Matches: sha256 === saved.sha256 };
}

const FORMAT_WORDS: Record<WeightsFile['format'], string> = {
  zip: 'zip (torch.save of torch ≥ 1.6)',
  legacy: 'legacy (torch.save of torch 0.4–1.5)',
  safetensors: 'safetensors',
};

const count = (n: number) => n.toLocaleString('en-US');

/** The report as text; `all` lists every key. */
function formatReport(report: WeightsReport, all: boolean): string {
  const lines = [
    report.file,
    `  format:     ${FORMAT_WORDS[report.format]}${report.archive === null ? '' : `, archive '${report.archive}'`}`,
    `  container:  ${report.container}`,
    `  size:       ${count(report.bytes)} bytes`,
    `  tensors:    ${count(report.tensors)}`,
    `  parameters: ${count(report.parameters)} (${PARAMETERS_COUNTED})`,
    `  dtypes:     ${
      Object.entries(report.dtypes)
        .map(([d, n]) => `${d} × ${n}`)
        .join(', ') || 'none'
    }`,
  ];
  const metadata = Object.entries(report.metadata);
  if (metadata.length > 0) lines.push(`  metadata:   ${metadata.map(([k, v]) => `${k}=${v}`).join(', ')}`);
  if (report.checkpoint) {
    const c = report.checkpoint;
    lines.push(
      `  checkpoint: network ${c.network} of '${c.label}', model ${c.model} (${c.manifest}; sha256 ${c.sha256Matches ? 'matches' : 'DIFFERS: the file was modified'})`,
    );
  }
  lines.push('', ...keyTable(report.keys, all), '', ...identificationLines(report));
  return `${lines.join('\n')}\n`;
}

function keyTable(keys: WeightsReport['keys'], all: boolean): string[] {
  const shown = all ? keys : keys.slice(0, SHOWN_KEYS);
  const rows = [['key', 'shape', 'dtype'], ...shown.map((k) => [k.key, `[${k.shape.join(', ')}]`, k.dtype])];
  const widths = [0, 1].map((col) => Math.max(...rows.map((r) => r[col]!.length)));
  const table = rows.map(([key, shape, dtype]) => `  ${key!.padEnd(widths[0]!)}  ${shape!.padEnd(widths[1]!)}  ${dtype}`.trimEnd());
  if (shown.length < keys.length) table.push(`  … ${count(keys.length - shown.length)} more (--all lists every key)`);
  return table;
}

function identificationLines(report: WeightsReport): string[] {
  const { matches, reason } = report.identification;
  if (matches.length === 0) return [`No translate network matches: ${reason}.`];
  const ext = isSafetensorsPath(report.file) ? 'safetensors' : 'pth';
  return [matches.length === 1 ? 'Network:' : `Networks (${matches.length} fit exactly):`, ...matches.flatMap((m) => matchLines(m, ext))];
}

function matchLines(match: NetworkMatch, ext: string): string[] {
  const file = `<checkpoints_dir>/<name>/latest_net_${match.network}.${ext}`;
  let use: string;
  if (match.flags === null) use = '    no translate flags build it (see the notes)';
  else if (match.command === 'test')
    use = `    translate test ${match.flags} --dataroot <images> --name <name>\n      (which reads it as ${file})`;
  else use = `    translate train flags: ${match.flags}\n      (--continue_train reads it as ${file})`;
  return [`  ${match.description}`, use, ...match.notes.map((n) => `    note: ${n}`)];
}
