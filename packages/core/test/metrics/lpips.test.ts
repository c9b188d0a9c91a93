/**
 * LPIPS v0.1 on VGG16 and AlexNet with the fixtures' deterministic weights against the same
 * architecture under Debian's torch (fixtures/make_eval_fixtures.py → eval/reference.json), on the
 * real/fake PNG pairs, and the assembly of a state dict from torchvision's and LPIPS's files
 * (`translate weights fetch lpips-*`'s merge, from .pth parts with the published keys).
 */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { Lpips, convertMetricWeights, loadLpips, lpipsOfPairs, lpipsStateFromParts, type MetricImage } from '../../src/metrics/index.js';
import { writePth } from '../../src/interop/pth.js';
import { useBackend } from '../helpers.js';
import { deterministicState } from './deterministic_weights.js';

const evalDir = (name: string) => fileURLToPath(new URL(`./fixtures/eval/${name}`, import.meta.url));
const reference = JSON.parse(readFileSync(evalDir('reference.json'), 'utf8')) as Record<string, number[]>;

async function folder(name: string): Promise<MetricImage[]> {
  return Promise.all(
    readdirSync(evalDir(name))
      .sort()
      .map(async (f) => {
        const { data, info } = await sharp(evalDir(`${name}/${f}`))
          .removeAlpha()
          .raw()
          .toBuffer({ resolveWithObject: true });
        return { data, width: info.width, height: info.height, channels: info.channels };
      }),
  );
}

describe('LPIPS v0.1', () => {
  let real: MetricImage[];
  let fake: MetricImage[];
  beforeAll(async () => {
    await useBackend('wasm');
    [real, fake] = await Promise.all([folder('real'), folder('fake')]);
  });

  for (const kind of ['vgg', 'alex'] as const) {
    it(`${kind}: every pair within 1e-3 relative of lpips's forward`, () => {
      const model = new Lpips(kind);
      model.loadPublishedState(deterministicState(model), 'deterministic');
      const ours = lpipsOfPairs(model, real, fake);
      model.dispose();
      const want = reference[`lpips_${kind}`]!;
      const worst = Math.max(...ours.map((v, i) => Math.abs(v / want[i]! - 1)));
      expect(worst).toBeLessThan(1e-3);
    });
  }

  it('merges a torchvision-keyed backbone .pth and a heads .pth into a cache file that loads and gives the reference values', () => {
    const probe = new Lpips('alex');
    const state = deterministicState(probe);
    probe.dispose();
    const dir = mkdtempSync(join(tmpdir(), 'lpips-'));
    const backbone = new Map(
      [...state].filter(([k]) => k.startsWith('net.')).map(([k, t]) => [k.replace(/^net\.slice\d\./, 'features.'), t]),
    );
    writeFileSync(join(dir, 'alexnet-owt-7be5be79.pth'), writePth(backbone));
    writeFileSync(join(dir, 'alex.pth'), writePth(new Map([...state].filter(([k]) => k.startsWith('lin')))));
    const cached = join(dir, 'cache', 'lpips-v0.1-alex.safetensors');
    convertMetricWeights('lpips-alex', [join(dir, 'alexnet-owt-7be5be79.pth'), join(dir, 'alex.pth')], cached);
    const model = loadLpips('alex', cached);
    const ours = lpipsOfPairs(model, real, fake);
    model.dispose();
    expect(Math.max(...ours.map((v, i) => Math.abs(v / reference.lpips_alex![i]! - 1)))).toBeLessThan(1e-3);
  });

  it('assembles torchvision features + v0.1 heads into LPIPS keys', () => {
    const model = new Lpips('alex');
    const full = model.stateDict();
    const backbone = new Map(
      [...full].filter(([k]) => k.startsWith('net.')).map(([k, t]) => [k.replace(/^net\.slice\d\./, 'features.'), t]),
    );
    backbone.set('classifier.1.weight', full.get('lin0.model.1.weight')!);
    const heads = new Map([...full].filter(([k]) => k.startsWith('lin')));
    const assembled = lpipsStateFromParts('alex', backbone, heads);
    expect([...assembled.keys()].sort()).toEqual([...full.keys()].sort());
    expect(assembled.get('net.slice3.6.weight')!.shape).toEqual([384, 192, 3, 3]);
    model.dispose();
  });
});
