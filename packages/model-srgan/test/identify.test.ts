/** identifySrresnetWeights: scale, block count, trunk end and channels of SRResNet state dicts. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readPth, type RawStateDict } from '@translate/core';
import { SRResNetGenerator, identifySrresnetWeights, type SRResNetOptions } from '../src/index.js';
import { useBackend } from '../../core/test/helpers.js';

function generator(options: Partial<SRResNetOptions> = {}): RawStateDict {
  const net = new SRResNetGenerator({ scale: 4, nBlocks: 2, ngf: 4, inputNc: 3, outputNc: 3, ...options });
  const state = net.stateDict();
  net.dispose();
  return state;
}

describe('identifySrresnetWeights', () => {
  it.each([
    [
      { scale: 2, nBlocks: 3 },
      { scale: 2, n_blocks: 3, trunk_end: 'bn', ngf: 4 },
    ],
    [
      { scale: 8, trunkEnd: 'prelu' as const, inputNc: 1, outputNc: 1 },
      { scale: 8, n_blocks: 2, trunk_end: 'prelu', ngf: 4, input_nc: 1, output_nc: 1 },
    ],
  ])('%o → %o', async (built, options) => {
    await useBackend('cpu');
    expect(identifySrresnetWeights(generator(built))?.options).toEqual(options);
  });

  it("leftthomas/SRGAN's published netG_epoch_2_100.pth (legacy format, before num_batches_tracked): ×2, 5 blocks, PReLU trunk end, ngf 64", async () => {
    await useBackend('cpu');
    const file = fileURLToPath(new URL('./fixtures/leftthomas_2018/netG_epoch_2_100.pth', import.meta.url));
    const state = readPth(new Uint8Array(readFileSync(file))).tensors;
    expect(identifySrresnetWeights(state)?.options).toEqual({ scale: 2, n_blocks: 5, trunk_end: 'prelu', ngf: 64 });
  });

  it('describes the generator, and claims nothing that does not load', async () => {
    await useBackend('cpu');
    expect(identifySrresnetWeights(generator())?.description).toBe(
      'SRResNet generator (SRGAN), ×4, 2 residual blocks, trunk end bn, ngf 4, 3 → 3 channels',
    );
    const state = generator();
    state.delete('block2.bn1.running_var');
    expect(identifySrresnetWeights(state)).toBeNull();
  });
});
