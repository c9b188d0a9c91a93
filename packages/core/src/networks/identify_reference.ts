/**
 * Candidates for the reference's four networks (pytorch-CycleGAN-and-pix2pix `models/networks.py`)
 * read off a state dict's keys and shapes: ResnetGenerator, UnetGenerator, NLayerDiscriminator and
 * PixelDiscriminator with the options that would build them. Nothing here is trusted: `identify.ts`
 * builds every candidate and keeps it only when the state dict loads into it exactly.
 *
 * What the keys tell: ngf/ndf and input_nc/output_nc (first and last convs), the residual block
 * count, the U-Net depth, the PatchGAN layer count, and the norm, by the reference's use_bias rule:
 * convs followed by a norm have a bias only with InstanceNorm, so batch = BatchNorm parameters and
 * convs without bias, instance = no norm parameters and convs with bias, none = neither. A ResNet
 * block's Dropout and its padding layers shift the key indices, so they show too; a U-Net's Dropout
 * does not (it comes last in its block), nor does reflect vs replicate padding, nor batch vs
 * syncbatch. A pickled whole module (`module`) names every submodule's class and settles those.
 */
import type { PickledModule } from '../interop/find_state_dict.js';
import type { RawStateDict } from '../interop/raw_tensor.js';
import type { Module } from '../nn/module.js';
import { BASE_OPTIONS } from '../options/base_options.js';
import type { OptionValue } from '../options/schema.js';
import { NLayerDiscriminator, PixelDiscriminator } from './discriminators.js';
import type { NormType } from './norm_layer.js';
import { generatorNames } from './registry.js';
import { ResnetGenerator } from './resnet.js';
import { UnetGenerator } from './unet.js';

/** A network the keys suggest, with how to build it and how to select it. */
export interface ReferenceCandidate {
  /** The network in words. */
  description: string;
  /** The options that select it (flag name → value). */
  options: Record<string, OptionValue>;
  /** The name a model loads it under. */
  network: string;
  /** The translate command the options are for. */
  command: 'test' | 'train';
  /** False when no registered name or flag builds it (e.g. 7 residual blocks, zero padding). */
  selectable: boolean;
  /** What the weights cannot tell, and what the options assume for it. */
  notes: string[];
  /** Options whose value is assumed, not read from the weights. */
  assumed: string[];
  /** Builds the network the options describe. */
  build: () => Module<any, any>;
}

type Padding = 'reflect' | 'replicate' | 'zero';

/** The candidates among the reference networks that `state` (and `module`, when pickled whole) suggest. */
export function referenceCandidates(state: RawStateDict, module?: PickledModule): ReferenceCandidate[] {
  return [resnetCandidate, unetCandidate, nLayerCandidate, pixelCandidate]
    .map((candidate) => candidate(state, module))
    .filter((c): c is ReferenceCandidate => c !== null);
}

function resnetCandidate(state: RawStateDict, module?: PickledModule): ReferenceCandidate | null {
  const first = convShape(state, 'model.1');
  const blocks = indices(state, /^model\.(\d+)\.conv_block\./);
  if (first?.[2] !== 7 || blocks.length === 0) return null;
  const [ngf, inputNc] = first as [number, number];
  const outputNc = convShape(state, `model.${Math.max(...convIndices(state, 'model'))}`)![0]!;
  const norm = normOf(state, module, 'model.2', 'model.1');
  const block = `model.${blocks[0]}.conv_block`;
  const [a = 0, b = 0] = convIndices(state, block);
  const padding: Padding = module ? paddingOf(module, `${block}.0`) : a === 1 ? 'reflect' : 'zero';
  const useDropout = module ? hasClassUnder(module, `${block}.`, 'Dropout') : b - a === (a === 1 ? 5 : 4);
  const nBlocks = blocks.length;
  const netG = `resnet_${nBlocks}blocks`;
  const registered = generatorNames().includes(netG);
  const notes = [...normNotes(norm, module)];
  if (!module && padding === 'reflect')
    notes.push("Reflect and replicate padding have the same weights: reflect (the reference's) is assumed.");
  if (padding !== 'reflect')
    notes.push(
      `translate's resnet generators pad with reflection; no flag selects ${padding} padding, so these weights would load but compute something else.`,
    );
  if (!registered) notes.push(registrationNote(`${nBlocks} residual blocks`, 'resnet_'));
  return {
    description:
      `${netG} generator (ResnetGenerator, ${nBlocks} residual blocks), ngf ${ngf}, ${normWords(norm)}, ${useDropout ? 'dropout' : 'no dropout'}` +
      `${padding === 'reflect' ? '' : `, ${padding} padding`}, ${inputNc} → ${outputNc} channels`,
    options: { model: 'test', netG, ngf, norm, ...(useDropout ? {} : { no_dropout: true }), ...channelOptions(inputNc, outputNc) },
    network: 'G',
    command: 'test',
    selectable: registered && padding === 'reflect',
    notes,
    assumed: normAssumed(norm, module),
    build: () => new ResnetGenerator({ inputNc, outputNc, ngf, norm, useDropout, nBlocks, paddingType: padding }),
  };
}

function unetCandidate(state: RawStateDict, module?: PickledModule): ReferenceCandidate | null {
  const first = convShape(state, 'model.model.0');
  const up = convShape(state, 'model.model.3');
  if (first?.[2] !== 4 || up === undefined) return null;
  // The outermost block's keys start `model.model.`; each level down adds one `model.` segment.
  const numDowns = Math.max(...[...state.keys()].map((k) => k.split('.').filter((s) => s === 'model').length)) - 1;
  if (numDowns < 5) return null;
  const [ngf, inputNc] = first as [number, number];
  const outputNc = up[1]!;
  const norm = normOf(state, module, 'model.model.1.model.2', 'model.model.1.model.1');
  const useDropout = module ? hasClassUnder(module, '', 'Dropout') : true;
  const netG = `unet_${2 ** numDowns}`;
  const registered = generatorNames().includes(netG);
  const notes = [...normNotes(norm, module)];
  if (!module) {
    notes.push(
      'A U-Net state dict cannot tell dropout (Dropout has no weights and comes last in its block): dropout is assumed on, as pix2pix trains; ' +
        'add --no_dropout if it was trained without (it matters only when testing without --eval).',
    );
  }
  if (!registered) notes.push(registrationNote(`${numDowns} downsamplings`, 'unet_'));
  return {
    description: `${netG} generator (UnetGenerator, ${numDowns} downsamplings), ngf ${ngf}, ${normWords(norm)}, ${useDropout ? 'dropout' : 'no dropout'}, ${inputNc} → ${outputNc} channels`,
    options: { model: 'test', netG, ngf, norm, ...(useDropout ? {} : { no_dropout: true }), ...channelOptions(inputNc, outputNc) },
    network: 'G',
    command: 'test',
    selectable: registered,
    notes,
    assumed: [...normAssumed(norm, module), ...(module ? [] : ['no_dropout'])],
    build: () => new UnetGenerator({ inputNc, outputNc, ngf, norm, useDropout, numDowns }),
  };
}

function nLayerCandidate(state: RawStateDict, module?: PickledModule): ReferenceCandidate | null {
  const first = convShape(state, 'model.0');
  const nLayers = convIndices(state, 'model').length - 2;
  if (first?.[2] !== 4 || nLayers < 1) return null;
  const [ndf, inputNc] = first as [number, number];
  const norm = normOf(state, module, 'model.3', 'model.2');
  const basic = nLayers === 3;
  return {
    description: `${basic ? 'basic discriminator (70×70 PatchGAN, 3 layers)' : `n_layers discriminator (PatchGAN, ${nLayers} layers)`}, ndf ${ndf}, ${normWords(norm)}, ${inputNc} input channels`,
    options: { netD: basic ? 'basic' : 'n_layers', ...(basic ? {} : { n_layers_D: nLayers }), ndf, norm },
    network: 'D',
    command: 'train',
    selectable: true,
    notes: [...normNotes(norm, module), discriminatorChannelsNote(inputNc)],
    assumed: normAssumed(norm, module),
    build: () => new NLayerDiscriminator({ inputNc, ndf, nLayers, norm }),
  };
}

function pixelCandidate(state: RawStateDict, module?: PickledModule): ReferenceCandidate | null {
  const first = convShape(state, 'net.0');
  if (first?.[2] !== 1) return null;
  const [ndf, inputNc] = first as [number, number];
  const norm = normOf(state, module, 'net.3', 'net.2');
  return {
    description: `pixel discriminator (1×1 PatchGAN), ndf ${ndf}, ${normWords(norm)}, ${inputNc} input channels`,
    options: { netD: 'pixel', ndf, norm },
    network: 'D',
    command: 'train',
    selectable: true,
    notes: [...normNotes(norm, module), discriminatorChannelsNote(inputNc)],
    assumed: normAssumed(norm, module),
    build: () => new PixelDiscriminator({ inputNc, ndf, norm }),
  };
}

/** The shape of `<prefix>.weight` when it is a conv weight (4-D), else undefined. */
function convShape(state: RawStateDict, prefix: string): readonly number[] | undefined {
  const shape = state.get(`${prefix}.weight`)?.shape;
  return shape?.length === 4 ? shape : undefined;
}

/** The distinct numbers `pattern`'s first group captures over the keys, ascending. */
function indices(state: RawStateDict, pattern: RegExp): number[] {
  const found = new Set<number>();
  for (const key of state.keys()) {
    const m = pattern.exec(key);
    if (m) found.add(Number(m[1]));
  }
  return [...found].sort((x, y) => x - y);
}

/** The indices i of the convs `<prefix>.<i>.weight` (4-D weights) of a Sequential, ascending. */
function convIndices(state: RawStateDict, prefix: string): number[] {
  const escaped = prefix.replace(/\./g, '\\.');
  return indices(state, new RegExp(`^${escaped}\\.(\\d+)\\.weight$`)).filter((i) => convShape(state, `${prefix}.${i}`) !== undefined);
}

const lastName = (qualified: string) => qualified.slice(qualified.lastIndexOf('.') + 1);

/** The norm of the layer at `normPrefix`: from its class when pickled whole, else by the use_bias rule (see the module doc). */
function normOf(state: RawStateDict, module: PickledModule | undefined, normPrefix: string, convPrefix: string): NormType {
  const cls = module?.submodules.get(normPrefix);
  if (cls !== undefined) {
    const name = lastName(cls);
    return name === 'BatchNorm2d' ? 'batch' : name === 'SyncBatchNorm' ? 'syncbatch' : name === 'InstanceNorm2d' ? 'instance' : 'none';
  }
  if (state.has(`${normPrefix}.weight`) && state.has(`${normPrefix}.running_mean`)) return 'batch';
  return state.has(`${convPrefix}.bias`) ? 'instance' : 'none';
}

function paddingOf(module: PickledModule, prefix: string): Padding {
  const cls = lastName(module.submodules.get(prefix) ?? '');
  return cls === 'ReflectionPad2d' ? 'reflect' : cls === 'ReplicationPad2d' ? 'replicate' : 'zero';
}

function hasClassUnder(module: PickledModule, prefix: string, className: string): boolean {
  return [...module.submodules].some(([key, cls]) => key.startsWith(prefix) && lastName(cls) === className);
}

const normWords = (norm: NormType) => (norm === 'none' ? 'no norm' : `${norm} norm`);

function normNotes(norm: NormType, module: PickledModule | undefined): string[] {
  return norm === 'batch' && !module ? ['Batch and syncbatch norm have the same weights: --norm batch is assumed.'] : [];
}

/** `norm` when the weights cannot tell batch from syncbatch (a state dict without the module's classes). */
function normAssumed(norm: NormType, module: PickledModule | undefined): string[] {
  return norm === 'batch' && !module ? ['norm'] : [];
}

function registrationNote(what: string, family: string): string {
  const names = generatorNames()
    .filter((n) => n.startsWith(family))
    .sort();
  return `No registered --netG has ${what} (translate has ${names.join(', ')}); a plugin can add one with registerGenerator.`;
}

function discriminatorChannelsNote(inputNc: number): string {
  return `Its ${inputNc} input channels are input_nc + output_nc for pix2pix's conditional D, output_nc for CycleGAN's D_A and input_nc for its D_B.`;
}

/** `input_nc` / `output_nc` when they differ from the defaults. */
function channelOptions(inputNc: number, outputNc: number): Record<string, number> {
  return {
    ...(inputNc === BASE_OPTIONS.input_nc!.default ? {} : { input_nc: inputNc }),
    ...(outputNc === BASE_OPTIONS.output_nc!.default ? {} : { output_nc: outputNc }),
  };
}
