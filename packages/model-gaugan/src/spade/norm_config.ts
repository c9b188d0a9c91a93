/**
 * SPADE's normalisation mini-language: `--norm_G` strings such as `spectralspadesyncbatch3x3`
 * (SPADE layers) and `--norm_D` / `--norm_E` strings such as `spectralinstance` (plain layers).
 */
import { OptionError } from '@translate/core';

/** Parameter-free normalisations a SPADE layer can use (`syncbatch` is batch norm on one device). */
export const SPADE_PARAM_FREE_NORMS = ['instance', 'batch', 'syncbatch'] as const;

/** One of `SPADE_PARAM_FREE_NORMS`. */
export type SpadeParamFreeNorm = (typeof SPADE_PARAM_FREE_NORMS)[number];

/** A parsed `--norm_G` of the SPADE generator. */
export interface SpadeNormConfig {
  /** Spectral normalisation of the residual blocks' convs (`'spectral'` in the string). */
  spectral: boolean;
  /** The parameter-free norm inside every SPADE layer. */
  paramFree: SpadeParamFreeNorm;
  /** Kernel size of the SPADE MLP convs (odd, so that `padding = k // 2` keeps the size). */
  kernelSize: number;
}

const SPADE_PATTERN = /^(spectral)?spade(instance|batch|syncbatch)(\d+)x(\d+)$/;

/** Parses `[spectral]spade<instance|batch|syncbatch><k>x<k>`; anything else is an OptionError naming `flag`. */
export function parseSpadeNorm(value: string, flag = '--norm_G'): SpadeNormConfig {
  const m = SPADE_PATTERN.exec(value);
  if (!m) {
    throw new OptionError(
      `${flag} '${value}' is not a SPADE norm. Use [spectral]spade<instance|batch|syncbatch><k>x<k>, e.g. spectralspadesyncbatch3x3 (the default) or spectralspadeinstance3x3.`,
    );
  }
  const k = Number(m[3]);
  if (k !== Number(m[4]) || k % 2 === 0)
    throw new OptionError(`${flag} '${value}': the SPADE kernel must be square and odd (3x3, 5x5, …).`);
  return { spectral: m[1] !== undefined, paramFree: m[2] as SpadeParamFreeNorm, kernelSize: k };
}

/** Sub-norms of SPADE's `get_nonspade_norm_layer` (`sync_batch` and `syncbatch` are batch norm on one device). */
export const PLAIN_SUBNORMS = ['none', 'instance', 'batch', 'sync_batch', 'syncbatch'] as const;

/** A parsed `--norm_D` / `--norm_E` (or pix2pixhd `--norm_G`). */
export interface PlainNormConfig {
  spectral: boolean;
  /** `'none'` keeps the conv alone (with its bias); otherwise conv (no bias) → norm. */
  subnorm: 'none' | 'instance' | 'batch';
}

/**
 * Parses `[spectral]<none|instance|batch|sync_batch|syncbatch>` (`spectral` alone means spectral
 * norm and no sub-norm, as in SPADE). Unknown strings are an OptionError naming `flag`.
 */
export function parsePlainNorm(value: string, flag: string): PlainNormConfig {
  const spectral = value.startsWith('spectral');
  const rest = spectral ? value.slice('spectral'.length) : value;
  const sub = rest === '' ? 'none' : rest;
  if (!(PLAIN_SUBNORMS as readonly string[]).includes(sub)) {
    throw new OptionError(`${flag} '${value}' is not a known norm. Use [spectral]<${PLAIN_SUBNORMS.join('|')}>, e.g. spectralinstance.`);
  }
  return { spectral, subnorm: sub === 'sync_batch' || sub === 'syncbatch' ? 'batch' : (sub as PlainNormConfig['subnorm']) };
}
