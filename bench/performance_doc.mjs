/**
 * The targets translate's speed is held to, checked against one bench run, and docs/performance.md
 * written from that run: the command, the machine, what PyTorch computed with, the targets (met or
 * not), every row as median (min–max), and the raw JSON.
 */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Targets on a 2-core machine, per backend and size: CycleGAN training time as a ratio to PyTorch's
 * (native ≤ 0.8× at 128², ≤ 0.6× at 256²; pure wasm ≤ 2.0×), native resnet_9blocks inference at
 * ≥ 1.3× PyTorch's images per second, peak RSS of CycleGAN training at 256² at most PyTorch's, and
 * `translate train` within 5 % of the bare step.
 */
const TARGETS = [
  { kind: 'train', backend: 'wasm-native', size: 128, max: 0.8 },
  { kind: 'train', backend: 'wasm-native', size: 256, max: 0.6 },
  { kind: 'infer', backend: 'wasm-native', size: 128, speedup: 1.3 },
  { kind: 'infer', backend: 'wasm-native', size: 256, speedup: 1.3 },
  { kind: 'train', backend: 'wasm', size: 128, max: 2.0 },
  { kind: 'train', backend: 'wasm', size: 256, max: 2.0 },
  { kind: 'rss', backend: 'wasm-native', size: 256 },
  { kind: 'rss', backend: 'wasm', size: 256 },
  ...['wasm-native', 'wasm'].flatMap((backend) => [128, 256].map((size) => ({ kind: 'cli', backend, size, overhead: 0.05 }))),
];

const fmt = (x, digits = 2) => (x === undefined || x === null || Number.isNaN(x) ? '—' : Number(x).toFixed(digits));
/** `1.48 (1.41–1.60)`: a median with its minimum and maximum. */
const spread = (s, digits = 2) =>
  s?.median === undefined ? '—' : `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)})`;

/** PyTorch's result at `size` when a ratio against it is allowed (it ran, with an optimised BLAS). */
function torchAt(r, size) {
  const t = r.torch?.sizes?.[size];
  return t && !t.error && !t.refused ? t : undefined;
}

/** Each target with what this run measured and whether it was met (undefined: not measured here). */
export function evaluateTargets(r) {
  return TARGETS.map((target) => {
    const { kind, backend, size } = target;
    const entry = r.backends?.[backend];
    const torch = torchAt(r, size);
    const label = `${backend === 'wasm' ? 'pure wasm' : 'native'}`;
    const bare = entry?.cyclegan_train?.[size]?.s_per_iter?.median;
    switch (kind) {
      case 'train': {
        const what = `${label} CycleGAN train, ${size}²: ≤ ${target.max}× PyTorch's time`;
        const ratio = bare && torch ? bare / torch.train_s_per_iter.median : undefined;
        return {
          what,
          measured:
            ratio === undefined
              ? why(r, entry, size, bare)
              : `${fmt(ratio)}× (${fmt(bare)} vs ${fmt(torch.train_s_per_iter.median)} s/iter)`,
          met: ratio === undefined ? undefined : ratio <= target.max,
        };
      }
      case 'infer': {
        const what = `${label} resnet_9blocks inference, ${size}²: ≥ ${target.speedup}× PyTorch's img/s`;
        const ours = entry?.inference?.[`resnet_9blocks@${size}`]?.s_per_image?.median;
        const speedup = ours && torch ? torch.infer_s.median / ours : undefined;
        return {
          what,
          measured:
            speedup === undefined
              ? why(r, entry, size, ours)
              : `${fmt(speedup)}× (${fmt(1 / ours)} vs ${fmt(1 / torch.infer_s.median)} img/s)`,
          met: speedup === undefined ? undefined : speedup >= target.speedup,
        };
      }
      case 'rss': {
        const what = `${label} CycleGAN train, ${size}²: peak RSS ≤ PyTorch's`;
        const ours = entry?.cyclegan_train?.[size]?.peak_rss_mib;
        const theirs = r.torch?.sizes?.[size]?.peak_rss_mib;
        return {
          what,
          measured: ours && theirs ? `${ours} vs ${theirs} MiB` : why(r, entry, size, ours),
          met: ours && theirs ? ours <= theirs : undefined,
        };
      }
      default: {
        const what = `${label} \`translate train\`, ${size}²: wall time per iteration within ${target.overhead * 100} % of the bare step`;
        const row = entry?.cli_train?.[size];
        const cli = row?.wall_s_per_iter?.median;
        const overhead = cli && bare ? cli / bare - 1 : undefined;
        // The loop's own time (wall minus the step the loss log reports), free of the step's variation between processes.
        const loop = cli && row.step_s_per_iter ? `; outside the step ${fmt((cli - row.step_s_per_iter.median) * 1000, 0)} ms` : '';
        return {
          what,
          measured:
            overhead === undefined
              ? why(r, entry, size, cli, true)
              : `${overhead >= 0 ? '+' : ''}${fmt(overhead * 100, 1)} % (${fmt(cli)} vs ${fmt(bare)} s/iter${loop})`,
          met: overhead === undefined ? undefined : overhead <= target.overhead,
        };
      }
    }
  });
}

/** Why a target has no figure in this run. */
function why(r, entry, size, ours, noTorchNeeded = false) {
  if (!entry) return 'backend not measured in this run';
  if (!r.settings.sizes.includes(size)) return `size ${size} not in this run`;
  if (!ours) return 'our row failed (see the raw JSON)';
  if (noTorchNeeded) return 'not measured';
  const t = r.torch?.sizes?.[size];
  return t?.refused
    ? 'no ratio: PyTorch used the reference BLAS'
    : t?.error
      ? `PyTorch failed: ${t.error}`
      : `no PyTorch run (${r.torch?.skipped ?? 'unknown'})`;
}

/** What PyTorch computed with, in one paragraph. */
function torchParagraph(r) {
  if (r.torch?.skipped) return `PyTorch did not run: ${r.torch.skipped}. No ratios.`;
  const any = Object.values(r.torch?.sizes ?? {}).find((t) => t && !t.error);
  if (!any) return 'PyTorch failed at every size (see the raw JSON). No ratios.';
  const refused = Object.values(r.torch.sizes).find((t) => t?.refused);
  return [
    `PyTorch: ${any.framework}, ${any.threads} threads (\`OMP_NUM_THREADS\` = cores), BLAS: ${any.blas.kind} (\`${any.blas.library}\`), `,
    `\`OPENBLAS_CORETYPE\`=${any.openblas_coretype ?? 'unset'}, built with BLAS_INFO=${any.build.BLAS_INFO}, oneDNN (mkldnn) ${any.build.mkldnn_enabled ? 'on' : 'off'}, `,
    `${any.build.parallel ?? 'parallel backend unknown'}, CPU capability ${any.build.cpu_capability ?? 'unknown'}. OpenBLAS for it: ${r.torch.openblas}.`,
    refused ? `\n\n**No ratios in this run**: ${refused.refused}.` : '',
  ].join('');
}

/** The table of every row, as median (min–max). */
function rowsTable(r) {
  const rows = [];
  const rss = (t) => (t?.peak_rss_mib ? `${t.peak_rss_mib} MiB` : '—');
  const cell = (t, key, unit, digits = 2) => (t?.error ? `failed: ${t.error}` : `${spread(t?.[key], digits)} ${unit}`);
  for (const [backend, e] of Object.entries(r.backends)) {
    for (const [size, t] of Object.entries(e.cyclegan_train)) {
      const torch = torchAt(r, size);
      const theirs = r.torch?.sizes?.[size];
      const ratio = torch && t.s_per_iter ? `${fmt(t.s_per_iter.median / torch.train_s_per_iter.median)}×` : '—';
      rows.push(
        `| ${backend} | CycleGAN train, ${size}² (bare step) | ${cell(t, 's_per_iter', 's/iter')} | ${theirs?.train_s_per_iter ? `${spread(theirs.train_s_per_iter)} s/iter` : '—'} | ${ratio} | ${rss(t)} | ${rss(theirs)} |`,
      );
      const cli = e.cli_train?.[size];
      if (cli) {
        const cliRatio = torch && cli.wall_s_per_iter ? `${fmt(cli.wall_s_per_iter.median / torch.train_s_per_iter.median)}×` : '—';
        const text = cli.error
          ? `failed: ${cli.error}`
          : `${spread(cli.wall_s_per_iter)} s/iter wall; loss log ${spread(cli.step_s_per_iter)}`;
        rows.push(`| ${backend} | \`translate train\` CycleGAN, ${size}² | ${text} | | ${cliRatio} | ${rss(cli)} | |`);
      }
    }
    for (const [size, t] of Object.entries(e.pix2pix_train))
      rows.push(`| ${backend} | pix2pix train, ${size}² | ${cell(t, 's_per_iter', 's/iter')} | — | — | ${rss(t)} | — |`);
    for (const [size, t] of Object.entries(e.gaugan_train))
      rows.push(`| ${backend} | GauGAN train, ${size}² (no VGG loss) | ${cell(t, 's_per_iter', 's/iter')} | — | — | ${rss(t)} | — |`);
    for (const [size, t] of Object.entries(e.srgan_train))
      rows.push(
        `| ${backend} | SRGAN ×4 train, batch 4 × ${size}² HR (no VGG loss) | ${cell(t, 's_per_iter', 's/iter')} | — | — | ${rss(t)} | — |`,
      );
    for (const [name, t] of Object.entries(e.inference)) {
      const size = name.split('@')[1];
      const torch = name.startsWith('resnet') ? r.torch?.sizes?.[size] : undefined;
      const ratio = torchAt(r, size) && torch && t.s_per_image ? `${fmt(t.s_per_image.median / torch.infer_s.median)}×` : '—';
      rows.push(
        `| ${backend} | ${name} inference | ${cell(t, 's_per_image', 's/img', 3)} | ${torch?.infer_s ? `${spread(torch.infer_s, 3)} s/img` : '—'} | ${ratio} | ${rss(t)} | — |`,
      );
    }
  }
  return rows.join('\n');
}

/** Writes docs/performance.md from results `r` (read from `file`, when given). */
export function writePerformanceDoc(repo, r, file) {
  const targets = evaluateTargets(r);
  const mark = (met) => (met === undefined ? '— (not measured)' : met ? 'met' : '**not met**');
  const details = Object.entries(r.backends)
    .map(([b, e]) => `- \`${b}\`: ${e.detail ?? 'failed'}`)
    .join('\n');
  const doc = `# Performance

Measured by \`${r.command}\` on ${r.date.slice(0, 10)}: ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memory_gib} GiB, Node ${r.machine.node}.
Batch 1, ngf = ndf = ${r.settings.ngf}. Every figure is the median of ${r.settings.iters} timed iterations after ${r.settings.warmup} warm-up,
with the minimum and maximum in brackets; PyTorch's side is \`bench/torch_baseline.py\` (the published CycleGAN
networks and step) run in the same invocation, one process per size. A ratio is our median time divided by
PyTorch's (lower is better; 1.0 = PyTorch's speed). These machines are shared: repeated runs moved ratios by up
to 30 %, so compare rows of one run, not figures across runs.

${torchParagraph(r)}

Backends (each row ran in its own process, so its peak RSS is its own):
${details}

## Targets

| target | this run | |
|---|---|---|
${targets.map((t) => `| ${t.what} | ${t.measured} | ${mark(t.met)} |`).join('\n')}

## All rows

The bare step is \`setInput\` + \`optimizeParameters\` on tensors already in memory. \`translate train\` is the
CLI itself on a generated dataset of JPEGs (resize to size·286/256, random crop, flips, as the reference's
defaults scaled), \`--print_freq 1\`: "wall" is the time between consecutive loss lines, everything the loop
does per iteration; "loss log" is the step time it writes (the reference's \`time\`).

| backend | what | translate | PyTorch | ratio | peak RSS | PyTorch peak RSS |
|---|---|---|---|---|---|---|
${rowsTable(r)}

Data loader (256×256 JPEGs, resize_and_crop 286 → 256, flips): ${r.loader?.batches_per_s ? `${fmt(r.loader.batches_per_s, 1)} batches/s` : `failed: ${r.loader?.error}`}.
Tensor count growth over the timed bare steps (CycleGAN's two image pools keep up to 50 images each, so they grow by 2 per step until full): ${Object.values(
    r.backends,
  )
    .flatMap((e) => Object.values(e.cyclegan_train).map((t) => t.tensor_growth))
    .join(', ')}.

What the backends are: \`wasm\` is tfjs' WebAssembly backend with our kernel fixes (SIMD, one thread per
core; Winograd F(4×4, 3×3) for 3×3 stride-1 convolutions with ≥ 32 channels — forward, input and
filter gradient — in translate's own wasm SIMD module on tfjs' heap, and in the same module large
filters on small outputs as columns × filter; Sum/Mean over H, W as one average pool, filter-gradient
columns in one pass over the heap, heap-view Slice, storage-sharing Identity). \`wasm-native\` adds
\`@translate/native-kernels\` (oneDNN convolutions, Winograd F(4×4, 3×3) for 3×3 stride-1 layers with
≥ 64 channels on AVX-512 CPUs, and matmuls; fused instance norm (+ ReLU), mirror-pad gradient, Adam and
contiguous reductions, in place on the wasm heap; see its README). Both free each gradient and saved
activation once used, release intermediate layer outputs as soon as the next layer ran, hold one
parameter's Adam temporaries at a time, and differentiate CycleGAN's generator loss in four parts.

Where a step's time goes: \`node bench/profile.mjs --backend wasm --model cyclegan --size 256\` (or
\`--backend wasm-native\`, \`--infer resnet_9blocks\`) lists the kernels by exclusive time and the
convolutions by shape.

## Raw results

${file ? `\`${relative(repo, file)}\`:` : 'The run:'}

\`\`\`json
${JSON.stringify(r, null, 1)}
\`\`\`
`;
  writeFileSync(join(repo, 'docs', 'performance.md'), doc);
  console.log('wrote docs/performance.md');
}
