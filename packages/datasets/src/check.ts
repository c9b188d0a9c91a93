/**
 * `translate datasets check`: builds the dataset as training would, reads every file, and reports
 * counts, sizes, channel modes, problems, and what the loader will produce — without training.
 */
import { createDataset, type Dataset, type DatasetContext } from './dataset.js';
import { isDataProblem } from './errors.js';
import { mapLimit } from './modes/common.js';
import { deriveRng } from './rng.js';
import { decodeImage, probeImage, type ImageInfo, ImageDecodeError } from '@translate/core';

/** What `checkDataset` found. */
export interface CheckReport {
  mode: string;
  /** False when the dataset cannot be used as it is (see `problems`). */
  ok: boolean;
  /** Per file role (AB, A, B, label, ...): folder, file count, most common sizes, channel modes. */
  sources: { role: string; dir: string; count: number; sizes: [string, number][]; modes: [string, number][] }[];
  /** Things that stop training, each naming files and a fix. */
  problems: string[];
  /** Things the loader will do that a user may not expect (conversions, padding, warnings). */
  notes: string[];
  /** Shape of each field of one sample, e.g. `A: 256x256x3 float32 in [-1, 1]`. */
  sample: string[];
  length: number;
  /** Batches per epoch at `batch_size`. */
  batches: number;
}

/** Checks the dataset described by `options` (CLI option names, including `dataset_mode`). */
export async function checkDataset(options: Record<string, unknown>): Promise<CheckReport> {
  const mode = String(options['dataset_mode'] ?? 'unaligned');
  const notes: string[] = [];
  const ctx: DatasetContext = { warn: (m) => notes.push(m) };
  const report: CheckReport = { mode, ok: false, sources: [], problems: [], notes, sample: [], length: 0, batches: 0 };
  let dataset: Dataset;
  try {
    dataset = await createDataset({ ...options, skip_bad_images: false }, ctx);
  } catch (err) {
    if (!isDataProblem(err)) throw err;
    report.problems.push(err.message);
    return report;
  }
  const opts = dataset.options as Record<string, number | string | boolean>;
  for (const source of dataset.sources) {
    const infos: ImageInfo[] = [];
    await mapLimit(source.files, 4, async (file) => {
      try {
        infos.push(await probeImage(file));
        await decodeImage(file);
      } catch (err) {
        if (err instanceof ImageDecodeError) report.problems.push(err.message);
        else throw err;
      }
    });
    report.sources.push({
      role: source.role,
      dir: source.dir,
      count: source.files.length,
      sizes: top(infos.map((i) => `${i.width}x${i.height}`)),
      modes: top(infos.map(channelMode)),
    });
    notes.push(...conversionNotes(source.role, infos, opts));
  }
  report.length = dataset.length;
  const batch = Number(opts['batch_size'] ?? 1);
  report.batches = Math.ceil(dataset.length / batch);
  if (report.problems.length === 0) {
    try {
      const s = await dataset.get(0, deriveRng(0, 0, 0));
      for (const [k, v] of Object.entries(s)) {
        if (v && typeof v === 'object' && 'data' in v) {
          const kind = v.data instanceof Float32Array ? 'float32 in [-1, 1]' : 'int32 ids';
          report.sample.push(
            `${k}: ${v.width}x${v.height}x${'channels' in v ? v.channels : 1} ${kind} → batch tensor [${batch}, ${v.height}, ${v.width}, ${'channels' in v ? v.channels : 1}]`,
          );
        }
      }
    } catch (err) {
      if (!isDataProblem(err)) throw err;
      report.problems.push(err.message);
    }
  }
  report.ok = report.problems.length === 0;
  return report;
}

/** The report as text for the terminal. */
export function formatCheckReport(r: CheckReport): string {
  const lines = [`dataset_mode ${r.mode}: ${r.ok ? 'OK' : 'PROBLEMS FOUND'}`];
  for (const s of r.sources) {
    lines.push(`  ${s.role}: ${s.count} files in ${s.dir}`);
    lines.push(`    sizes: ${s.sizes.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
    lines.push(`    modes: ${s.modes.map(([k, n]) => `${k} ×${n}`).join(', ')}`);
  }
  if (r.length > 0) lines.push(`  ${r.length} samples per epoch, ${r.batches} batches`);
  if (r.sample.length > 0) lines.push('  one sample:', ...r.sample.map((s) => `    ${s}`));
  if (r.notes.length > 0) lines.push('  notes:', ...[...new Set(r.notes)].map((n) => `    - ${n}`));
  if (r.problems.length > 0) lines.push('  problems:', ...r.problems.map((p) => `    - ${p.replace(/\n/g, '\n      ')}`));
  return lines.join('\n');
}

function channelMode(i: ImageInfo): string {
  const base = i.isPalette ? 'palette' : (['', 'gray', 'gray+alpha', 'RGB', 'RGBA'][i.channels] ?? `${i.channels}-channel`);
  return `${base} ${i.bitDepth}-bit`;
}

/** The most common values with their counts, most common first (at most 5). */
function top(values: string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1]).slice(0, 5);
}

/** What the loader will do to these files under these options. */
function conversionNotes(role: string, infos: ImageInfo[], opts: Record<string, number | string | boolean>): string[] {
  const out: string[] = [];
  const count = (f: (i: ImageInfo) => boolean) => infos.filter(f).length;
  if (['label', 'instance'].includes(role)) return out;
  const alpha = count((i) => i.hasAlpha);
  if (alpha)
    out.push(
      `${alpha} ${role} file(s) have transparency: --alpha_mode ${opts['alpha_mode']} (${opts['alpha_mode'] === 'drop' ? 'alpha discarded, as the reference' : opts['alpha_mode'] === 'flatten' ? 'composited on white' : 'refused'}).`,
    );
  const wide = count((i) => i.bitDepth === 16);
  if (wide)
    out.push(`${wide} ${role} file(s) are 16-bit: kept at 16-bit precision and scaled by 65535 (the reference clips them to 8 bits).`);
  const gray = count((i) => i.channels <= 2);
  const rgb = infos.length - gray;
  if (gray && rgb) out.push(`${role} mixes ${gray} grayscale and ${rgb} colour files; each is converted to the model's channel count.`);
  else if (gray && opts['input_nc'] === 3 && opts['output_nc'] === 3)
    out.push(`${role} files are grayscale; they are copied to 3 channels for an RGB model (or pass --input_nc 1 / --output_nc 1).`);
  const crop = Number(opts['crop_size']);
  if (opts['preprocess'] === 'crop') {
    const small = count((i) => Math.min(role === 'AB' ? i.width / 2 : i.width, i.height) < crop);
    if (small)
      out.push(
        `${small} ${role} file(s) are smaller than --crop_size ${crop}: paired modes zero-pad them (as the reference), unpaired modes stop with an error.`,
      );
  }
  return out;
}
