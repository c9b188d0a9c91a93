import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { ResnetGenerator, UnetGenerator, NLayerDiscriminator, PixelDiscriminator } from '../../src/networks/index.js';
import type { Module } from '../../src/nn/module.js';
import { readPth } from '../../src/interop/pth.js';
import type { RawStateDict } from '../../src/interop/raw_tensor.js';
import { BACKENDS, activation, fixturePath, loadReference, maxAbsDiff, useBackend, weightsOf } from '../helpers.js';

interface Case {
  fixture: string;
  build: () => Module<any, any>;
  tolerance: number;
}

// Architectures as in test/fixtures/reference/README.md (ngf = ndf = 8).
const cases: Case[] = [
  {
    fixture: 'resnet_9blocks',
    build: () => new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 8, norm: 'instance', useDropout: false, nBlocks: 9 }),
    tolerance: 1e-4,
  },
  {
    fixture: 'unet_128',
    build: () => new UnetGenerator({ inputNc: 3, outputNc: 3, ngf: 8, norm: 'batch', useDropout: false, numDowns: 7 }),
    tolerance: 1e-5,
  },
  { fixture: 'basic_D', build: () => new NLayerDiscriminator({ inputNc: 3, ndf: 8, nLayers: 3, norm: 'instance' }), tolerance: 1e-4 },
  { fixture: 'pixel_D', build: () => new PixelDiscriminator({ inputNc: 3, ndf: 8, norm: 'instance' }), tolerance: 1e-4 },
];

function forwardWith(c: Case, weights: RawStateDict): { out: tf.Tensor; expected: tf.Tensor } {
  const reference = loadReference(`${c.fixture}.safetensors`);
  const net = c.build();
  net.loadStateDict(weights);
  net.eval();
  const out = tf.tidy(() => net.forward(activation(reference.get('input')!)));
  net.dispose();
  return { out, expected: activation(reference.get('output')!) };
}

describe.each(BACKENDS)('reference networks reproduce PyTorch outputs on %s', (backend) => {
  it.each(cases)('$fixture from .safetensors', async (c) => {
    await useBackend(backend);
    const { out, expected } = forwardWith(c, weightsOf(loadReference(`${c.fixture}.safetensors`)));
    expect(out.shape).toEqual(expected.shape);
    expect(maxAbsDiff(out, expected)).toBeLessThan(c.tolerance);
    tf.dispose([out, expected]);
  });

  it.each(cases)('$fixture from .pth', async (c) => {
    await useBackend(backend);
    const pth = readPth(new Uint8Array(readFileSync(fixturePath(`reference/${c.fixture}.pth`))));
    const { out, expected } = forwardWith(c, pth.tensors);
    expect(maxAbsDiff(out, expected)).toBeLessThan(c.tolerance);
    tf.dispose([out, expected]);
  });
});
