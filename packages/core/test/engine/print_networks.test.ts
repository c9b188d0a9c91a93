import { describe, expect, it } from 'vitest';
import { Conv2d, LeakyReLU, Sequential } from '../../src/nn/index.js';
import { moduleTree, printNetworks } from '../../src/engine/print_networks.js';
import { useBackend } from '../helpers.js';

describe("print_networks (the reference's BaseModel.print_networks)", () => {
  const network = async () => {
    await useBackend('cpu');
    return new Sequential([
      new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 4 }),
      new LeakyReLU(0.2),
      new Sequential([new Conv2d({ inChannels: 8, outChannels: 1, kernelSize: 1, bias: false })]),
    ]);
  };

  it('always logs each parameter count between the rulers; --verbose adds the module tree with PyTorch shapes first', async () => {
    const net = await network();
    const quiet: string[] = [];
    printNetworks(new Map([['D', net]]), false, (line) => quiet.push(line));
    // 3·8·4·4 + 8 + 8·1 = 400 parameters
    expect(quiet).toEqual([
      '---------- Networks initialized -------------',
      '[Network D] Total number of parameters : 0.000 M',
      '-----------------------------------------------',
    ]);
    const verbose: string[] = [];
    printNetworks(new Map([['D', net]]), true, (line) => verbose.push(line));
    expect(verbose.slice(1, -2)).toEqual(moduleTree(net));
    expect(moduleTree(net)).toEqual([
      'Sequential(',
      '  (0): Conv2d(weight [8, 3, 4, 4], bias [8])',
      '  (1): LeakyReLU()',
      '  (2): Sequential(',
      '    (0): Conv2d(weight [1, 8, 1, 1])',
      '  )',
      ')',
    ]);
    expect(net.numParameters()).toBe(400);
    net.dispose();
  });
});
