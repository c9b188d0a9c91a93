import { describe, expect, it } from 'vitest';
import { useBackend } from '../helpers.js';
import { ResnetGenerator, NLayerDiscriminator } from '../../src/networks/index.js';
import { StateDictError } from '../../src/errors.js';

describe('state dicts', () => {
  it('names keys exactly as the reference state_dict, in PyTorch order', async () => {
    await useBackend('cpu');
    const d = new NLayerDiscriminator({ inputNc: 3, ndf: 4, nLayers: 3, norm: 'batch' });
    expect([...d.stateDict().keys()].slice(0, 8)).toEqual([
      'model.0.weight',
      'model.0.bias',
      'model.2.weight',
      'model.3.weight',
      'model.3.bias',
      'model.3.running_mean',
      'model.3.running_var',
      'model.3.num_batches_tracked',
    ]);
    d.dispose();
  });

  it('round-trips through stateDict/loadStateDict exactly', async () => {
    await useBackend('cpu');
    const a = new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false, nBlocks: 2 });
    const b = new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 4, norm: 'instance', useDropout: false, nBlocks: 2 });
    b.loadStateDict(a.stateDict());
    for (const [key, raw] of a.stateDict()) expect(b.stateDict().get(key)!.data, key).toEqual(raw.data);
    a.dispose();
    b.dispose();
  });

  it('strict loading lists missing, unexpected and mis-shaped keys in one error', async () => {
    await useBackend('cpu');
    const net = new NLayerDiscriminator({ inputNc: 3, ndf: 4, nLayers: 3, norm: 'instance' });
    const state = net.stateDict();
    state.delete('model.0.bias');
    state.set('model.99.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) });
    state.set('model.2.weight', { dtype: 'F32', shape: [8, 4, 3, 3], data: new Float32Array(8 * 4 * 9) });
    let error: unknown;
    try {
      net.loadStateDict(state, { source: 'ckpt/latest_net_D.pth' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StateDictError);
    const message = (error as Error).message;
    expect(message).toContain('ckpt/latest_net_D.pth');
    expect(message).toContain('missing keys: model.0.bias');
    expect(message).toContain('unexpected keys: model.99.weight');
    expect(message).toContain('model.2.weight: file has [8, 4, 3, 3], model expects [8, 4, 4, 4]');
    // Nothing was half-loaded: the failing call left the weights untouched.
    expect(net.stateDict().get('model.0.weight')!.data).toEqual(state.get('model.0.weight')!.data);
    net.dispose();
  });

  it('non-strict loading skips missing and unexpected keys', async () => {
    await useBackend('cpu');
    const net = new NLayerDiscriminator({ inputNc: 3, ndf: 4, nLayers: 3, norm: 'instance' });
    const state = net.stateDict();
    state.delete('model.0.bias');
    state.set('extra', { dtype: 'F32', shape: [1], data: new Float32Array(1) });
    expect(() => net.loadStateDict(state, { strict: false })).not.toThrow();
    net.dispose();
  });
});
