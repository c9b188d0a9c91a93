/** GauGAN's networks built from resolved options: G (`--netG spade|pix2pixhd`), D and the VAE encoder E. */
import { OptionError, initNetwork, optBool, optNumber, optString, type Module, type Options } from '@translate/core';
import { parsePlainNorm, parseSpadeNorm } from './spade/index.js';
import { semanticChannels } from './semantics.js';
import { SPADEGenerator, type UpsamplingLayers } from './generator.js';
import { Pix2PixHDGenerator } from './pix2pixhd.js';
import { ConvEncoder } from './encoder.js';
import { spadeDiscriminator, type ScaledDiscriminator } from './discriminator.js';
import { DEFAULT_NORM_G } from './options.js';

/** The `--netG` values of GauGAN. */
export const GAUGAN_NET_G = ['spade', 'pix2pixhd'] as const;

/** semantic_nc = label_nc + contain_dontcare_label + (not no_instance). */
export function semanticNcOf(opt: Options): number {
  return semanticChannels({
    label_nc: optNumber(opt, 'label_nc'),
    contain_dontcare_label: optBool(opt, 'contain_dontcare_label'),
    no_instance: optBool(opt, 'no_instance'),
  });
}

function initialized<M extends Module<any, any>>(net: M, opt: Options): M {
  initNetwork(net, optString(opt, 'init_type'), optNumber(opt, 'init_gain'));
  return net;
}

/** The generator of `--netG`, initialised with `--init_type` / `--init_gain`. */
export function buildGenerator(opt: Options): SPADEGenerator | Pix2PixHDGenerator {
  const netG = optString(opt, 'netG');
  const semanticNc = semanticNcOf(opt);
  const ngf = optNumber(opt, 'ngf');
  const outputNc = optNumber(opt, 'output_nc');
  const normG = optString(opt, 'norm_G');
  if (netG === 'spade') {
    return initialized(
      new SPADEGenerator({
        semanticNc,
        ngf,
        outputNc,
        norm: parseSpadeNorm(normG),
        numUpsamplingLayers: optString(opt, 'num_upsampling_layers') as UpsamplingLayers,
        cropSize: optNumber(opt, 'crop_size'),
        aspectRatio: optNumber(opt, 'aspect_ratio'),
        useVae: optBool(opt, 'use_vae'),
        zDim: optNumber(opt, 'z_dim'),
      }),
      opt,
    );
  }
  if (netG === 'pix2pixhd') {
    if (optBool(opt, 'use_vae')) throw new OptionError('--use_vae needs --netG spade (pix2pixhd takes no latent code).');
    // SPADE's pix2pixhd option hook makes `instance` its norm_G default.
    if (normG.includes('spade') && normG !== DEFAULT_NORM_G)
      throw new OptionError(`--norm_G '${normG}' is a SPADE norm; --netG pix2pixhd takes e.g. instance or spectralinstance.`);
    return initialized(
      new Pix2PixHDGenerator({
        semanticNc,
        outputNc,
        ngf,
        norm: parsePlainNorm(normG === DEFAULT_NORM_G ? 'instance' : normG, '--norm_G'),
        nDownsample: optNumber(opt, 'resnet_n_downsample'),
        nBlocks: optNumber(opt, 'resnet_n_blocks'),
        kernelSize: optNumber(opt, 'resnet_kernel_size'),
        initialKernelSize: optNumber(opt, 'resnet_initial_kernel_size'),
      }),
      opt,
    );
  }
  throw new OptionError(`--netG '${netG}' is not a GauGAN generator; use ${GAUGAN_NET_G.join(' or ')}.`);
}

/** The VAE encoder (`--use_vae`), with `--norm_E`. */
export function buildEncoder(opt: Options): ConvEncoder {
  return initialized(
    new ConvEncoder({
      ngf: optNumber(opt, 'ngf'),
      norm: parsePlainNorm(optString(opt, 'norm_E'), '--norm_E'),
      cropSize: optNumber(opt, 'crop_size'),
      zDim: optNumber(opt, 'z_dim'),
      inputNc: optNumber(opt, 'output_nc'),
    }),
    opt,
  );
}

/** The discriminator of `--netD` on semantics ⊕ image, with `--norm_D`, `--n_layers_D`, `--num_D`. */
export function buildDiscriminator(opt: Options): ScaledDiscriminator {
  const d = spadeDiscriminator(optString(opt, 'netD'), optNumber(opt, 'num_D'), {
    inputNc: semanticNcOf(opt) + optNumber(opt, 'output_nc'),
    ndf: optNumber(opt, 'ndf'),
    nLayers: optNumber(opt, 'n_layers_D'),
    norm: parsePlainNorm(optString(opt, 'norm_D'), '--norm_D'),
  });
  initialized(d.net, opt);
  return d;
}
