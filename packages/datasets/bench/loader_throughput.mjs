// Loader throughput on 256×256 JPEGs (CycleGAN defaults: unaligned, resize 286, crop 256, flip).
// Not a test. Build first (`pnpm build` or `npx tsc -p packages/datasets`), then:
//   node packages/datasets/bench/loader_throughput.mjs [images=64] [batch_size=1] [prefetch=2]
// Prints images/s and the mean wait per batch when the consumer does no work (the loader alone),
// and when it "trains" for a fixed time per batch (the wait the training loop would see).
import { mkdtemp, mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createDataset, createLoader } from '../dist/index.js';

const [images = 64, batchSize = 1, prefetch = 2] = process.argv.slice(2).map(Number);
const samples = fileURLToPath(new URL('../../../samples/sr/train', import.meta.url));
const root = await mkdtemp(join(tmpdir(), 'translate-bench-'));
try {
  const photos = (await readdir(samples)).sort();
  for (const side of ['trainA', 'trainB']) {
    await mkdir(join(root, side));
    for (let i = 0; i < images; i++) {
      const src = join(samples, photos[i % photos.length]);
      await sharp(src).resize(256, 256).rotate(90 * (i % 4)).jpeg({ quality: 90 }).toFile(join(root, side, `${i}.jpg`));
    }
  }
  const dataset = await createDataset({ dataset_mode: 'unaligned', dataroot: root }, { warn: () => {} });
  for (const stepMs of [0, 50]) {
    const loader = createLoader(dataset, { batchSize, shuffle: true, seed: 0, prefetch });
    const waits = [];
    const start = performance.now();
    for await (const batch of loader) {
      waits.push(batch.waitMs);
      batch.A.dispose();
      batch.B.dispose();
      if (stepMs) await new Promise((r) => setTimeout(r, stepMs));
    }
    const seconds = (performance.now() - start) / 1000;
    const mean = waits.reduce((a, b) => a + b, 0) / waits.length;
    console.log(`consumer ${stepMs} ms/batch: ${((dataset.length) / seconds).toFixed(1)} samples/s (A+B pairs), mean wait ${mean.toFixed(1)} ms/batch, batches ${waits.length}, batch_size ${batchSize}, prefetch ${prefetch}`);
  }
} finally {
  await rm(root, { recursive: true, force: true });
}
