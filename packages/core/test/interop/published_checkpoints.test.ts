/**
 * Checkpoints saved the way their authors save them (test/fixtures/published, made by its
 * make_fixtures.py with the reference's own networks under torch 1.13): both torch.save formats,
 * DataParallel prefixes, pre-0.4 InstanceNorm keys, float16 weights, wrapper dicts, BasicSR's
 * params/params_ema and pickled whole ResnetGenerators all load, and the network then reproduces
 * the reference's output within 1e-4 on every backend. Files that are not state dicts are refused
 * with a message that names what they are.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { tf } from '../../src/tf.js';
import { readPth } from '../../src/interop/pth.js';
import { readSafetensors } from '../../src/interop/safetensors.js';
import { CheckpointFormatError } from '../../src/interop/errors.js';
import { defineD, defineG } from '../../src/networks/registry.js';
import type { NormType } from '../../src/networks/norm_layer.js';
import { BACKENDS, activation, maxAbsDiff, useBackend } from '../helpers.js';

const dir = new URL('../fixtures/published/', import.meta.url);
const read = (file: string) => new Uint8Array(readFileSync(new URL(file, dir)));

interface Entry {
  file: string;
  format: string;
  container: string;
  network: Record<string, string | number | boolean>;
  tensors?: string;
  expectedOutput?: string;
  expectError?: boolean;
  errorMentions?: string;
}

const manifest = JSON.parse(readFileSync(new URL('manifest.json', dir), 'utf8')) as { checkpoints: Entry[] };
const loadable = manifest.checkpoints.filter((c) => !c.expectError);
const refused = manifest.checkpoints.filter((c) => c.expectError);

/** Our network of the manifest's architecture (the reference's define_G / define_D arguments). */
function build(n: Entry['network']) {
  const common = { norm: n.norm as NormType, initType: 'normal', initGain: 0.02 };
  if (typeof n.netD === 'string')
    return defineD(n.netD, { ...common, inputNc: n.input_nc as number, ndf: n.ndf as number, nLayersD: n.n_layers_D as number });
  return defineG(n.netG as string, {
    ...common,
    inputNc: n.input_nc as number,
    outputNc: n.output_nc as number,
    ngf: n.ngf as number,
    useDropout: n.use_dropout as boolean,
  });
}

/** How readPth should describe each container of the manifest. */
const CONTAINERS: Record<string, RegExp> = {
  state_dict: /^state dict$/,
  dataparallel: /^state dict, 'module\.' prefixes \(DataParallel\) removed$/,
  'module:models.networks.ResnetGenerator': /^pickled module models\.networks\.ResnetGenerator$/,
  'wrapped:state_dict': /^'state_dict' entry of a dict$/,
  'basicsr:params_ema': /^'params_ema' entry of a dict \(also holds 'params'\)$/,
};

describe('published-style checkpoints', () => {
  it('cover both formats and every container the fixtures were made with', () => {
    expect(new Set(loadable.map((c) => c.format))).toEqual(new Set(['legacy', 'zip']));
    for (const c of loadable) {
      const ck = readPth(read(c.file), c.file);
      expect(ck.format, c.file).toBe(c.format);
      expect(ck.container, c.file).toMatch(CONTAINERS[c.container]!);
    }
  });

  describe.each(BACKENDS)('on %s', (backend) => {
    it.each(loadable.map((c) => [c.file, c] as const))("%s reproduces the reference network's output within 1e-4", async (_, c) => {
      await useBackend(backend);
      const reference = readSafetensors(read(c.tensors!), c.tensors).tensors;
      const net = build(c.network);
      net.loadStateDict(readPth(read(c.file), c.file).tensors, { source: c.file });
      net.eval();
      const before = tf.memory().numTensors;
      const out = tf.tidy(() => net.forward(activation(reference.get('input')!)) as tf.Tensor);
      const expected = activation(reference.get(c.expectedOutput!)!);
      expect(out.shape).toEqual(expected.shape);
      expect(maxAbsDiff(out, expected)).toBeLessThan(1e-4);
      tf.dispose([out, expected]);
      expect(tf.memory().numTensors).toBe(before);
      net.dispose();
    });
  });

  it.each(refused.map((c) => [c.file, c] as const))('%s is refused with one message naming what it is and the file', (_, c) => {
    let error: unknown;
    try {
      readPth(read(c.file), c.file);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CheckpointFormatError);
    const message = (error as Error).message;
    expect(message).toContain(c.errorMentions!);
    expect(message).toContain('torch.save(');
    expect(message.startsWith(`${c.file}: `)).toBe(true);
  });
});
