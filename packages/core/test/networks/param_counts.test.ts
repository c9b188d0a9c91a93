import { describe, expect, it } from 'vitest';
import { ResnetGenerator, UnetGenerator, NLayerDiscriminator, PixelDiscriminator } from '../../src/networks/index.js';
import type { Module } from '../../src/nn/module.js';

/** Counts the parameters of a freshly built network and frees it. */
function count(build: () => Module<any, any>): number {
  const net = build();
  const n = net.numParameters();
  net.dispose();
  return n;
}

// docs/reference.md §1.16: trainable parameter counts for ngf = ndf = 64.
describe('parameter counts equal the reference (ngf = ndf = 64)', () => {
  const g = { inputNc: 3, outputNc: 3, ngf: 64, useDropout: false };
  it.each([
    ['resnet_9blocks instance', () => new ResnetGenerator({ ...g, norm: 'instance', nBlocks: 9 }), 11_378_179],
    ['resnet_9blocks batch', () => new ResnetGenerator({ ...g, norm: 'batch', nBlocks: 9 }), 11_383_427],
    ['resnet_6blocks instance', () => new ResnetGenerator({ ...g, norm: 'instance', nBlocks: 6 }), 7_837_699],
    ['resnet_6blocks batch', () => new ResnetGenerator({ ...g, norm: 'batch', nBlocks: 6 }), 7_841_411],
    ['unet_256 batch', () => new UnetGenerator({ ...g, norm: 'batch', numDowns: 8 }), 54_413_955],
    ['unet_256 instance', () => new UnetGenerator({ ...g, norm: 'instance', numDowns: 8 }), 54_409_603],
    ['unet_128 batch', () => new UnetGenerator({ ...g, norm: 'batch', numDowns: 7 }), 41_828_995],
    ['unet_128 instance', () => new UnetGenerator({ ...g, norm: 'instance', numDowns: 7 }), 41_825_667],
    ['unet_256 colorization 1→2 batch', () => new UnetGenerator({ ...g, inputNc: 1, outputNc: 2, norm: 'batch', numDowns: 8 }), 54_409_858],
    ['basic D 3-ch instance', () => new NLayerDiscriminator({ inputNc: 3, ndf: 64, nLayers: 3, norm: 'instance' }), 2_764_737],
    ['basic D 3-ch batch', () => new NLayerDiscriminator({ inputNc: 3, ndf: 64, nLayers: 3, norm: 'batch' }), 2_765_633],
    ['basic D 6-ch instance', () => new NLayerDiscriminator({ inputNc: 6, ndf: 64, nLayers: 3, norm: 'instance' }), 2_767_809],
    ['basic D 6-ch batch', () => new NLayerDiscriminator({ inputNc: 6, ndf: 64, nLayers: 3, norm: 'batch' }), 2_768_705],
    ['pixel D 3-ch instance', () => new PixelDiscriminator({ inputNc: 3, ndf: 64, norm: 'instance' }), 8_705],
    ['pixel D 3-ch batch', () => new PixelDiscriminator({ inputNc: 3, ndf: 64, norm: 'batch' }), 8_832],
    ['pixel D 6-ch instance', () => new PixelDiscriminator({ inputNc: 6, ndf: 64, norm: 'instance' }), 8_897],
    ['pixel D 6-ch batch', () => new PixelDiscriminator({ inputNc: 6, ndf: 64, norm: 'batch' }), 9_024],
  ] as const)('%s', (_name, build, expected) => {
    expect(count(build)).toBe(expected);
  });
});
