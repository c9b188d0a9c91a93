/**
 * `translate export --format web`: a static folder that runs the generators in a browser —
 * index.html (manifest inlined, for file://), manifest.json, translate-web.js, the wasm binaries
 * and the weights as content-hashed script shards.
 */
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { OptionError, writeFileAtomic, type Options } from '@translate/core';
import {
  GENERATOR_CLASSES,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type GeneratorClass,
  type NetworkEntry,
  type WebManifest,
} from '@translate/web/export';
import type { ExportContext, ExportedNetwork } from './formats.js';
import { COPIED_ASSETS, readWebAsset } from './web_assets.js';
import { networkLabel, paletteOf, preprocessingOf, type GeneratorArchitecture } from './web_preprocessing.js';
import { packWeights } from './web_weights.js';

/** Writes the web export; returns the files written. */
export async function writeWeb(ctx: ExportContext): Promise<string[]> {
  const model = String(ctx.options.model);
  const classes = ctx.networks.map(classOf);
  const { tensors, shards } = packWeights(
    ctx.networks.map((n) => n.module.stateDict()),
    ctx.float16,
  );
  const networks = ctx.networks.map((n, i): NetworkEntry => {
    const options = constructorOptions(n);
    return {
      name: n.name,
      label: networkLabel(model, n.name),
      class: classes[i]!,
      options,
      training: n.module.training,
      preprocessing: preprocessingOf(classes[i]!, n.module, options as GeneratorArchitecture, ctx.options),
      tensors: tensors[i]!,
    };
  });
  const manifest: WebManifest = {
    format: MANIFEST_FORMAT,
    version: MANIFEST_VERSION,
    name: String(ctx.options.name),
    model,
    architecture: architecture(ctx.options),
    palette: networks[0]!.preprocessing.input === 'labels' ? paletteOf(ctx.options) : null,
    networks,
    shards: shards.map(({ file, bytes }) => ({ file, bytes })),
  };
  const files = new Map<string, string>([
    ['index.html', indexHtml(manifest)],
    ['manifest.json', `${JSON.stringify(manifest, null, 1)}\n`],
    ...COPIED_ASSETS.map((name): [string, string] => [name, readWebAsset(name)]),
    ...shards.map((s): [string, string] => [s.file, s.text]),
  ]);
  mkdirSync(ctx.out, { recursive: true });
  for (const [name, text] of files) writeFileAtomic(join(ctx.out, name), text);
  removeStaleShards(ctx.out, new Set(files.keys()));
  const megabytes = shards.reduce((n, s) => n + s.bytes, 0) / 2 ** 20;
  ctx.log(
    `web: ${networks.map((n) => `${n.name} (${n.class})`).join(', ')}; weights ${megabytes.toFixed(2)} MB${ctx.float16 ? ' float16' : ''} in ${shards.length} shard(s). Open ${join(ctx.out, 'index.html')} in a browser.`,
  );
  return [...files.keys()].map((name) => join(ctx.out, name));
}

function classOf({ name, module }: ExportedNetwork): GeneratorClass {
  const cls = module.constructor.name;
  const known = GENERATOR_CLASSES.find((c) => c === cls);
  if (!known) throw new OptionError(`--format web runs ${GENERATOR_CLASSES.join(', ')}; network ${name} is a ${cls}.`);
  return known;
}

/** The options the module was constructed with, as JSON. */
function constructorOptions({ module }: ExportedNetwork): Record<string, unknown> {
  return JSON.parse(JSON.stringify((module as unknown as { options: Record<string, unknown> }).options)) as Record<string, unknown>;
}

/** The checkpoint's options, for the page title and tools (paths left out: they name this machine). */
function architecture(options: Options): Record<string, string | number | boolean> {
  const local = new Set(['dataroot', 'checkpoints_dir', 'results_dir', 'label_dir', 'image_dir', 'instance_dir', 'lr_dir', 'gpu_ids']);
  return Object.fromEntries(Object.entries(options).filter(([key]) => !local.has(key)));
}

function indexHtml(manifest: WebManifest): string {
  const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
  // `<` as \u003c keeps `</script>` inside a string from ending the inlined JSON.
  const json = JSON.stringify(manifest).replace(/</g, '\\u003c');
  return readWebAsset('index.html')
    .replace('__TITLE__', escapeHtml(manifest.name))
    .replace('__MANIFEST__', () => json);
}

/** Deletes weight shards of an earlier export in `dir` that this one does not use. */
function removeStaleShards(dir: string, keep: ReadonlySet<string>): void {
  for (const name of readdirSync(dir)) if (/^weights-[0-9a-f]+\.js$/.test(name) && !keep.has(name)) rmSync(join(dir, name));
}
