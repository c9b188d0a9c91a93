/**
 * `translate datasets make | combine | make-aligned | download | check`: command parsing only; the work is done by
 * @translate/datasets. Errors are thrown as
 * `TranslateError`s (their `usage` flag selects exit code 2) for the entry point to print.
 */
import { type Command, Option } from 'commander';
import type { OptionSchema, OptionSpec } from '@translate/core';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import {
  CATALOG,
  DatasetError,
  MAKE_KINDS,
  checkDataset,
  combineAB,
  makeAligned,
  MAKE_ALIGNED_SPLITS,
  datasetModeNames,
  downloadEntry,
  findEntry,
  formatCheckReport,
  getDatasetMode,
} from '@translate/datasets';
import type { CliContext } from '../context.js';

/** Exit code of `datasets check` when it finds problems (usage errors stay 2). */
const PROBLEMS_FOUND = 1;

/** Adds `datasets make|combine|make-aligned|download|check` to `program`; `check` sets `ctx.exitCode`. */
export function registerDatasetsCommand(program: Command, ctx: CliContext): void {
  const datasets = program.command('datasets').description('build, download and check datasets');

  datasets
    .command('make')
    .description(
      `build a training set from a folder of photos; kinds: ${Object.keys(MAKE_KINDS)
        .map((k) => `${k} (${MAKE_KINDS[k]!.help})`)
        .join('; ')}`,
    )
    .argument('<kind>', Object.keys(MAKE_KINDS).join(' | '))
    .requiredOption('--input <paths...>', 'folders (searched recursively) and/or image files')
    .requiredOption('--output <dir>', 'folder to write the dataset into')
    .option('--size <px>', 'side of the square images', int('--size'), 256)
    .option('--count <n>', 'crops taken from each photo', int('--count'), 4)
    .option('--test_fraction <f>', 'share of crops put in the test/val split', float('--test_fraction'), 0.2)
    .option('--seed <n>', 'random seed', int('--seed'), 0)
    .addOption(new Option('--format <type>', 'file type of the photos').choices(['png', 'jpg']).default('png'))
    .addOption(new Option('--edges <method>', 'edges2photo: edge detector').choices(['sobel', 'canny']).default('sobel'))
    .option('--classes <n>', 'mosaic: most classes (one per source photo)', int('--classes'), 8)
    .action(
      async (
        kind: string,
        o: {
          input: string[];
          output: string;
          size: number;
          count: number;
          test_fraction: number;
          seed: number;
          format: 'png' | 'jpg';
          edges: 'sobel' | 'canny';
          classes: number;
        },
      ) => {
        const make = MAKE_KINDS[kind];
        if (!make) throw new DatasetError(`Unknown kind '${kind}'. Known: ${Object.keys(MAKE_KINDS).join(', ')}.`);
        const counts = await make.build({
          inputs: o.input,
          output: o.output,
          size: o.size,
          count: o.count,
          testFraction: o.test_fraction,
          seed: o.seed,
          format: o.format,
          edges: o.edges,
          classes: o.classes,
          log: (m) => console.warn(m),
        });
        console.log(
          `Wrote ${Object.entries(counts)
            .map(([k, v]) => `${k}: ${v}`)
            .join(', ')} to ${o.output}`,
        );
        console.log(
          `Read it with --dataroot ${o.output} --dataset_mode ${make.datasetMode}${counts['label_nc'] ? ` --label_nc ${counts['label_nc']}` : ''}`,
        );
      },
    );

  datasets
    .command('combine')
    .description(
      "pair A and B images of the same name into A|B images for --dataset_mode aligned (the reference's datasets/combine_A_and_B.py)",
    )
    .requiredOption('--fold_A <dir>', 'input folder of A images, one subfolder per split (train, val, test, ...)')
    .requiredOption('--fold_B <dir>', 'input folder of B images, with the same split subfolders and file names')
    .requiredOption(
      '--fold_AB <dir>',
      'output folder: <fold_AB>/<split>/<name>, A left, B right (PNG lossless, JPEG at quality 95 as cv2.imwrite)',
    )
    .option('--num_imgs <n>', 'at most this many A images per split (the first in name order)', int('--num_imgs'), 1000000)
    .option('--use_AB', 'pair <x>_A.<ext> with <x>_B.<ext> and write <x>.<ext>')
    .option(
      '--no_multiprocessing',
      "write one pair at a time (default: one pair per CPU core at once; decoding and encoding run on sharp's thread pool either way)",
    )
    .action(
      async (o: { fold_A: string; fold_B: string; fold_AB: string; num_imgs: number; use_AB?: boolean; no_multiprocessing?: boolean }) => {
        const splits = await combineAB({
          foldA: o.fold_A,
          foldB: o.fold_B,
          foldAB: o.fold_AB,
          numImgs: o.num_imgs,
          useAB: o.use_AB ?? false,
          concurrency: o.no_multiprocessing ? 1 : availableParallelism(),
          log: (m) => console.warn(m),
        });
        for (const s of splits) {
          if (s.missingB.length > 0)
            console.warn(
              `Skipped ${s.missingB.length} A image(s) of '${s.split}' without a B image: ${s.missingB.slice(0, 3).join(', ')}${s.missingB.length > 3 ? ', ...' : ''}`,
            );
          console.log(
            `split = ${s.split}: ${s.written} A|B images written to ${join(o.fold_AB, s.split)} (used ${s.written + s.missingB.length}/${s.found} A images)`,
          );
        }
        console.log(`Read it with --dataroot ${o.fold_AB} --dataset_mode aligned`);
      },
    );

  datasets
    .command('make-aligned')
    .description(
      `pair the i-th image of ${MAKE_ALIGNED_SPLITS.map((s) => `${s}A/`).join(', ')} with the i-th of ${MAKE_ALIGNED_SPLITS.map((s) => `${s}B/`).join(', ')} (name order) into <output>/<split>/0000.jpg, ... (the reference's datasets/make_dataset_aligned.py; JPEG quality 75 as PIL)`,
    )
    .option('--dataset-path <dir>', 'folder with testA/, testB/, trainA/, trainB/ (also --dataset_path)')
    .addOption(new Option('--dataset_path <dir>').hideHelp())
    .option('--output <dir>', 'where test/ and train/ go (default: the --dataset-path folder, as the script)')
    .action(async (o: { datasetPath?: string; dataset_path?: string; output?: string }) => {
      const datasetPath = o.datasetPath ?? o.dataset_path;
      if (datasetPath === undefined)
        throw new DatasetError('--dataset-path is required: the folder with testA/, testB/, trainA/ and trainB/.');
      const output = o.output ?? datasetPath;
      const counts = await makeAligned({ datasetPath, output, concurrency: availableParallelism(), log: (m) => console.warn(m) });
      console.log(
        `Wrote ${Object.entries(counts)
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')} A|B images to ${output}`,
      );
      console.log(`Read it with --dataroot ${output} --dataset_mode aligned`);
    });

  datasets
    .command('download')
    .description('download a dataset or pretrained generator of the reference (resumable, sha256-checked)')
    .argument('<name>', `e.g. horse2zebra, pix2pix/facades, cyclegan_model/horse2zebra; all: ${[...CATALOG.keys()].join(', ')}`)
    .option('--dest <dir>', 'destination folder (default ./datasets, or ./checkpoints for models)')
    .option('--mirror <urls...>', 'mirror base URLs to use instead of the original host, tried in order')
    .action(async (name: string, o: { dest?: string; mirror?: string[] }) => {
      const entry = findEntry(name);
      const dest = o.dest ?? (entry.archive === 'none' ? './checkpoints' : './datasets');
      let lastDraw = 0;
      const result = await downloadEntry(name, {
        dest,
        mirrors: o.mirror,
        log: (m) => console.error(m),
        onProgress: (got, total) => {
          const now = Date.now();
          if (now - lastDraw < 200 && got !== total) return;
          lastDraw = now;
          const mb = (n: number) => (n / 1048576).toFixed(1);
          const bar = total ? `[${'#'.repeat(Math.round((got / total) * 30)).padEnd(30)}] ${mb(got)}/${mb(total)} MB` : `${mb(got)} MB`;
          process.stderr.write(`\r${bar}${got === total ? '\n' : ''}`);
        },
      });
      console.log(`${result.entry.name} → ${result.path} (sha256 ${result.sha256}${result.recorded ? ', recorded' : ', verified'})`);
      console.log(result.entry.citation);
    });

  const check = datasets
    .command('check')
    .description(
      'read a dataset as training would and report counts, sizes, channel modes, problems and batch shapes; exits 1 when it finds problems',
    )
    .addOption(new Option('--dataset_mode <mode>', 'dataset mode').choices(datasetModeNames()).default('unaligned'));
  addSchemaOptions(check, allModeOptions());
  check.action(async (o: Record<string, unknown>) => {
    const report = await checkDataset(o);
    console.log(formatCheckReport(report));
    ctx.exitCode = report.ok ? 0 : PROBLEMS_FOUND;
  });
}

/** The union of the registered modes' options (first definition wins). */
function allModeOptions(): OptionSchema {
  const out: Record<string, OptionSchema[string]> = {};
  for (const name of datasetModeNames()) {
    for (const [k, spec] of Object.entries(getDatasetMode(name).options)) out[k] ??= spec;
  }
  return out;
}

/** One flag per schema option (and a hidden one per alias), without defaults: each mode fills in its own. */
function addSchemaOptions(cmd: Command, schema: OptionSchema): void {
  for (const [name, spec] of Object.entries(schema)) {
    const help = `${spec.help}${spec.default !== undefined ? ` (default ${String(spec.default)})` : ''}`;
    for (const flag of [name, ...(spec.aliases ?? [])]) cmd.addOption(schemaOption(flag, spec, help).hideHelp(flag !== name));
  }
}

/** The flag `--<flag>` of an option of `spec`. */
function schemaOption(flag: string, spec: OptionSpec, help: string): Option {
  if (spec.type === 'bool') return new Option(`--${flag}`, help);
  const opt = new Option(`--${flag} <value>`, help);
  if (spec.choices) opt.choices(spec.choices);
  if (spec.type === 'int') opt.argParser(int(`--${flag}`));
  if (spec.type === 'float') opt.argParser(float(`--${flag}`));
  return opt;
}

function int(flag: string) {
  return (v: string): number => {
    if (v === 'inf') return Infinity;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new DatasetError(`${flag} must be an integer, got '${v}'.`);
    return n;
  };
}

function float(flag: string) {
  return (v: string): number => {
    const n = Number(v);
    if (Number.isNaN(n)) throw new DatasetError(`${flag} must be a number, got '${v}'.`);
    return n;
  };
}
