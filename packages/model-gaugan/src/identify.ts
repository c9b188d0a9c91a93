/**
 * Recognises GauGAN state dicts (SPADE's `latest_net_G.pth` / `latest_net_E.pth`, or ours): the
 * SPADE generator and the VAE style encoder, with the options that build them. Every match is
 * checked by building the network and loading the state dict into it.
 *
 * Generator: semantic_nc (label_nc + contain_dontcare_label + instance map) and the SPADE kernel
 * from the first SPADE conv (`head_0.norm_0.mlp_shared.0`), ngf from `head_0`, spectral norm from
 * `weight_orig` keys, the param-free norm from BatchNorm running statistics, 'most' from an `up_4`
 * block, --use_vae from `fc` being a Linear (then z_dim and the start map size, hence crop_size).
 */
import { BASE_OPTIONS, stateDictMismatch, type OptionValue, type RawStateDict, type WeightsMatch } from '@translate/core';
import { parsePlainNorm, parseSpadeNorm } from './spade/index.js';
import { ConvEncoder } from './encoder.js';
import { SPADEGenerator, UPSAMPLING_LAYERS, latentSize, type UpsamplingLayers } from './generator.js';
import { GAUGAN_OPTIONS } from './options.js';

/** The options of the SPADE generator or style encoder `state` holds exactly, or null. */
export function identifyGauganWeights(state: RawStateDict): WeightsMatch | null {
  return identifySpadeGenerator(state) ?? identifyStyleEncoder(state);
}

const DEFAULT_Z_DIM = GAUGAN_OPTIONS.z_dim!.default as number;
const DEFAULT_CROP = BASE_OPTIONS.crop_size!.default as number;

function identifySpadeGenerator(state: RawStateDict): WeightsMatch | null {
  const mlp = state.get('head_0.norm_0.mlp_shared.0.weight')?.shape;
  const spectral = state.has('head_0.conv_0.weight_orig');
  const head = state.get(spectral ? 'head_0.conv_0.weight_orig' : 'head_0.conv_0.weight')?.shape;
  const fc = state.get('fc.weight')?.shape;
  const out = state.get('conv_img.weight')?.shape;
  if (mlp?.length !== 4 || head?.length !== 4 || fc === undefined || out === undefined) return null;
  const [, semanticNc, kernel] = mlp as [number, number, number];
  const ngf = head[0]! / 16;
  if (kernel % 2 === 0 || !Number.isInteger(ngf)) return null;
  const batch = state.has('head_0.norm_0.param_free_norm.running_mean');
  const normG = `${spectral ? 'spectral' : ''}spade${batch ? 'syncbatch' : 'instance'}${kernel}x${kernel}`;
  const layers: UpsamplingLayers = [...state.keys()].some((k) => k.startsWith('up_4.')) ? 'most' : 'normal';
  const outputNc = out[0]!;
  const useVae = fc.length === 2;
  const zDim = useVae ? fc[1]! : DEFAULT_Z_DIM;
  const size = useVae ? cropForStartMap(fc[0]! / (16 * ngf), layers) : { cropSize: DEFAULT_CROP, aspectRatio: 1 };
  if (size === null) return null;
  const build = () =>
    new SPADEGenerator({ semanticNc, ngf, outputNc, norm: parseSpadeNorm(normG), numUpsamplingLayers: layers, ...size, useVae, zDim });
  if (stateDictMismatch(build, state) !== null) return null;
  const options: Record<string, OptionValue> = {
    netG: 'spade',
    ...semanticOptions(semanticNc),
    ngf,
    norm_G: normG,
    num_upsampling_layers: layers,
    ...outputOption(outputNc),
    ...(useVae
      ? { use_vae: true, z_dim: zDim, crop_size: size.cropSize, ...(size.aspectRatio === 1 ? {} : { aspect_ratio: size.aspectRatio }) }
      : {}),
  };
  const notes: string[] = [];
  if (semanticNc >= 2) {
    notes.push(
      `Its ${semanticNc} semantic channels are label_nc + contain_dontcare_label + 1 for the instance map: the flags assume instance maps and no don't-care label (SPADE's defaults); ` +
        `--label_nc ${semanticNc} --no_instance${semanticNc > 2 ? ` or --label_nc ${semanticNc - 2} --contain_dontcare_label` : ''} load the same weights.`,
    );
  }
  if (layers === 'normal')
    notes.push(
      '--num_upsampling_layers normal and more have the same weights (more adds an upsampling without weights): normal is assumed.',
    );
  if (batch) notes.push("SPADE batch and syncbatch norms have the same weights: syncbatch (SPADE's default) is assumed.");
  notes.push(
    useVae
      ? `--crop_size ${size.cropSize}${size.aspectRatio === 1 ? '' : ` --aspect_ratio ${size.aspectRatio}`} comes from fc's size (a ${fc[0]! / (16 * ngf)}-pixel start map); a --use_vae generator needs its style encoder (latest_net_E) beside it.`
      : '--crop_size and --aspect_ratio do not shape these weights: set them to the size of your label maps.',
  );
  const assumed = [
    ...(semanticNc >= 2 ? ['label_nc', 'contain_dontcare_label', 'no_instance'] : []),
    ...(layers === 'normal' ? ['num_upsampling_layers'] : []),
    ...(batch ? ['norm_G'] : []),
  ];
  return {
    options,
    assumed,
    description:
      `SPADE generator (GauGAN), ngf ${ngf}, ${semanticNc} semantic channels, norm_G ${normG}, ${layers} upsampling, ${outputNc} output channels` +
      (useVae ? `, VAE (z_dim ${zDim})` : ''),
    notes,
  };
}

function identifyStyleEncoder(state: RawStateDict): WeightsMatch | null {
  const mu = state.get('fc_mu.weight')?.shape;
  // With a sub-norm each layer is Sequential(conv, norm): `layer1.0.*`; without, the conv alone: `layer1.*`.
  const conv = ['layer1', 'layer1.0'].find((p) => state.has(`${p}.weight`) || state.has(`${p}.weight_orig`));
  if (mu?.length !== 2 || !state.has('fc_var.weight') || conv === undefined) return null;
  const spectral = state.has(`${conv}.weight_orig`);
  const [ngf, inputNc] = state.get(`${conv}.${spectral ? 'weight_orig' : 'weight'}`)!.shape as [number, number];
  const subnorm = conv === 'layer1' ? '' : state.has('layer1.1.running_mean') ? 'batch' : 'instance';
  const normE = spectral ? `spectral${subnorm}` : subnorm || 'none';
  const zDim = mu[0]!;
  const layerCount = new Set([...state.keys()].map((k) => /^layer(\d+)\./.exec(k)?.[1]).filter((n) => n !== undefined)).size;
  // Six stride-2 layers for crops of at least 256, five below.
  const cropSize = layerCount === 6 ? DEFAULT_CROP : DEFAULT_CROP / 2;
  const build = () => new ConvEncoder({ ngf, norm: parsePlainNorm(normE, '--norm_E'), cropSize, zDim, inputNc });
  if (stateDictMismatch(build, state) !== null) return null;
  return {
    options: { netG: 'spade', use_vae: true, ngf, norm_E: normE, z_dim: zDim, crop_size: cropSize, ...outputOption(inputNc) },
    description: `GauGAN style encoder (ConvEncoder of --use_vae), ngf ${ngf}, norm_E ${normE}, ${layerCount} layers, z_dim ${zDim}, ${inputNc} image channels`,
    network: 'E',
    assumed: ['crop_size'],
    notes: [
      `${layerCount} layers mean --crop_size ${layerCount === 6 ? 'of at least 256' : 'below 256'} (${cropSize} is assumed): take the generator's (latest_net_G) options, which this encoder must go with.`,
    ],
  };
}

/** crop_size and aspect_ratio whose start map has `pixels` pixels: square (aspect 1), else twice as wide (aspect 2); null when neither. */
function cropForStartMap(pixels: number, layers: UpsamplingLayers): { cropSize: number; aspectRatio: number } | null {
  for (const aspectRatio of [1, 2]) {
    const sh = Math.round(Math.sqrt(pixels / aspectRatio));
    if (sh < 1) continue;
    const cropSize = sh * aspectRatio * 2 ** UPSAMPLING_LAYERS[layers];
    const start = latentSize(cropSize, aspectRatio, layers);
    if (start.sh * start.sw === pixels) return { cropSize, aspectRatio };
  }
  return null;
}

/** label_nc (and no_instance) for `semanticNc` channels under SPADE's defaults: instance maps on, no don't-care label. */
function semanticOptions(semanticNc: number): Record<string, OptionValue> {
  return semanticNc >= 2 ? { label_nc: semanticNc - 1 } : { label_nc: semanticNc, no_instance: true };
}

function outputOption(outputNc: number): Record<string, number> {
  return outputNc === BASE_OPTIONS.output_nc!.default ? {} : { output_nc: outputNc };
}
