/**
 * Recognises an SRResNet generator state dict (leftthomas/SRGAN's `netG_epoch_*.pth`, or ours):
 * ngf and input channels from `block1`'s 9×9 conv, n_blocks from the residual blocks, the trunk's
 * end from the layer after its last conv (BatchNorm running statistics: bn, else prelu), the scale
 * from the upsampling blocks of the tail (log2(scale) of them), output channels from its last conv.
 * The match is checked by building the generator and loading the state dict into it.
 */
import { BASE_OPTIONS, stateDictMismatch, type RawStateDict, type WeightsMatch } from '@translate/core';
import { SCALES, SRResNetGenerator, type TrunkEnd } from './generator.js';

/** The options of the SRResNet generator `state` holds exactly, or null. */
export function identifySrresnetWeights(state: RawStateDict): WeightsMatch | null {
  const head = state.get('block1.0.weight')?.shape;
  if (head?.length !== 4 || head[2] !== 9 || !state.has('block1.1.weight')) return null;
  const [ngf, inputNc] = head as [number, number];
  const nBlocks = countKeys(state, /^block\d+\.conv1\.weight$/);
  const tail = `block${nBlocks + 3}`;
  const ups = countKeys(state, new RegExp(`^${tail}\\.\\d+\\.conv\\.weight$`));
  const scale = 2 ** ups;
  const out = state.get(`${tail}.${ups}.weight`)?.shape;
  if (nBlocks === 0 || out === undefined || !(SCALES as readonly number[]).includes(scale)) return null;
  const outputNc = out[0]!;
  const trunkEnd: TrunkEnd = state.has(`block${nBlocks + 2}.1.running_mean`) ? 'bn' : 'prelu';
  const options = {
    scale,
    n_blocks: nBlocks,
    trunk_end: trunkEnd,
    ngf,
    ...(inputNc === BASE_OPTIONS.input_nc!.default ? {} : { input_nc: inputNc }),
    ...(outputNc === BASE_OPTIONS.output_nc!.default ? {} : { output_nc: outputNc }),
  };
  const build = () => new SRResNetGenerator({ scale, nBlocks, ngf, inputNc, outputNc, trunkEnd });
  if (stateDictMismatch(build, state) !== null) return null;
  return {
    options,
    description: `SRResNet generator (SRGAN), ×${scale}, ${nBlocks} residual blocks, trunk end ${trunkEnd}, ngf ${ngf}, ${inputNc} → ${outputNc} channels`,
    notes: ['It is the generator of --model srgan too (or its --pretrained_G).'],
  };
}

function countKeys(state: RawStateDict, pattern: RegExp): number {
  return [...state.keys()].filter((key) => pattern.test(key)).length;
}
