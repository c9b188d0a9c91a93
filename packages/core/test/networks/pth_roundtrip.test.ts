/** Reference `.pth` → our network → `.pth` reproduces the original file byte for byte. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ResnetGenerator, UnetGenerator, NLayerDiscriminator, PixelDiscriminator } from '../../src/networks/index.js';
import type { Module } from '../../src/nn/module.js';
import { readPth, writePth } from '../../src/interop/pth.js';
import { fixturePath, useBackend } from '../helpers.js';

const networks: Array<[string, () => Module<any, any>]> = [
  ['resnet_9blocks', () => new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 8, norm: 'instance', useDropout: false, nBlocks: 9 })],
  ['unet_128', () => new UnetGenerator({ inputNc: 3, outputNc: 3, ngf: 8, norm: 'batch', useDropout: false, numDowns: 7 })],
  ['basic_D', () => new NLayerDiscriminator({ inputNc: 3, ndf: 8, nLayers: 3, norm: 'instance' })],
  ['pixel_D', () => new PixelDiscriminator({ inputNc: 3, ndf: 8, norm: 'instance' })],
];

describe('.pth round trip through our modules', () => {
  it.each(networks)('%s', async (name, build) => {
    await useBackend('cpu');
    const original = new Uint8Array(readFileSync(fixturePath(`reference/${name}.pth`)));
    const checkpoint = readPth(original);
    const net = build();
    net.loadStateDict(checkpoint.tensors);
    const written = writePth(net.stateDict(), { archiveName: checkpoint.archiveName, moduleMetadata: checkpoint.moduleMetadata });
    expect(Buffer.from(written).equals(Buffer.from(original))).toBe(true);
    net.dispose();
  });
});
