/**
 * Screenshots of exported pages for docs/browser.md: trains tiny CycleGAN, pix2pix, GauGAN and
 * SRResNet runs on the shipped samples (a few epochs: the outputs show the page, not a good model),
 * exports each with `translate export --format web`, opens it in headless Chromium from file:// and
 * writes docs/images/web_<model>.png. Needs `pnpm build` first.
 * Run: node packages/web/scripts/screenshots.mjs
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { cropImage, decodeImage, writeImage } from '@translate/core';
import { main } from '../../cli/dist/main.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const samples = join(repo, 'samples');
const images = join(repo, 'docs', 'images');
const work = mkdtempSync(join(tmpdir(), 'translate-shots-'));
const quiet = { stdout: () => {}, stderr: (t) => process.stderr.write(t), env: {} };

async function translate(argv) {
  const code = await main(argv, quiet);
  if (code !== 0) throw new Error(`translate ${argv.join(' ')} exited with ${code}`);
}

/** Trains `run` with `train` flags, exports it, and returns the export folder. */
async function trainAndExport(name, common, train) {
  await translate(['train', ...common, '--name', name, '--checkpoints_dir', join(work, 'ck'), ...train]);
  const out = join(work, name);
  await translate(['export', ...common, '--name', name, '--checkpoints_dir', join(work, 'ck'), '--format', 'web', '--out', out]);
  return out;
}

/** The edges half (A) of a shipped edges2photo pair, as pix2pix's input. */
async function edgesPhoto() {
  const ab = await decodeImage(join(samples, 'edges2photo/test/skimage_astronaut_0.jpg'));
  const file = join(work, 'edges.png');
  await writeImage(file, cropImage(ab, 0, 0, ab.width / 2, ab.height));
  return file;
}

const runs = {
  cyclegan: {
    export: () =>
      trainAndExport(
        'cyclegan',
        ['--model', 'cyclegan', '--dataroot', join(samples, 'photo2gray'), '--ngf', '8', '--ndf', '8', '--backend', 'wasm'],
        ['--load_size', '72', '--crop_size', '64', '--n_epochs', '5', '--n_epochs_decay', '0'],
      ),
    show: (page) => page.setInputFiles('#file', join(samples, 'photo2gray/testA/skimage_astronaut_0.jpg')),
  },
  pix2pix: {
    export: () =>
      trainAndExport(
        'pix2pix',
        [
          '--model',
          'pix2pix',
          '--dataroot',
          join(samples, 'edges2photo'),
          '--netG',
          'unet_64',
          '--ngf',
          '8',
          '--ndf',
          '8',
          '--backend',
          'wasm',
        ],
        ['--load_size', '64', '--crop_size', '64', '--n_epochs', '20', '--n_epochs_decay', '0'],
      ),
    show: async (page) => page.setInputFiles('#file', await edgesPhoto()),
  },
  gaugan: {
    export: () =>
      trainAndExport(
        'gaugan',
        [
          '--model',
          'gaugan',
          '--dataset_mode',
          'custom',
          '--label_dir',
          join(samples, 'mosaic/train_label'),
          '--image_dir',
          join(samples, 'mosaic/train_img'),
          '--label_nc',
          '5',
          '--no_instance',
          '--ngf',
          '8',
          '--crop_size',
          '64',
          '--load_size',
          '64',
          '--preprocess_mode',
          'fixed',
          '--backend',
          'wasm',
        ],
        ['--ndf', '8', '--n_epochs', '3', '--n_epochs_decay', '0', '--no_vgg_loss', '--max_dataset_size', '8'],
      ),
    show: async (page) => {
      const box = await page.locator('#labels').boundingBox();
      for (const [swatch, y] of [
        [1, 0.3],
        [3, 0.7],
      ]) {
        await page.click(`.swatch >> nth=${swatch}`);
        await page.mouse.move(box.x + 10, box.y + box.height * y);
        await page.mouse.down();
        await page.mouse.move(box.x + box.width - 10, box.y + box.height * y, { steps: 12 });
        await page.mouse.up();
      }
      await page.click('#translate');
    },
  },
  srgan: {
    export: () =>
      trainAndExport(
        'srgan',
        [
          '--model',
          'srresnet',
          '--dataset_mode',
          'super_resolution',
          '--dataroot',
          join(samples, 'sr'),
          '--scale',
          '4',
          '--ngf',
          '16',
          '--n_blocks',
          '4',
          '--backend',
          'wasm',
        ],
        ['--crop_size', '48', '--n_epochs', '10', '--n_epochs_decay', '0'],
      ),
    show: (page) => page.setInputFiles('#file', join(samples, 'photo2gray/testA/skimage_chelsea_0.jpg')),
  },
};

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  headless: true,
  args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
});
try {
  for (const [model, run] of Object.entries(runs)) {
    const dir = await run.export();
    const page = await browser.newPage({ viewport: { width: 720, height: { srgan: 420, gaugan: 480 }[model] ?? 400 } });
    await page.goto(`${pathToFileURL(join(dir, 'index.html')).href}?backend=webgl`);
    await page.waitForFunction(() => document.body.dataset.state === 'ready', null, { timeout: 60_000 });
    await run.show(page);
    await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state), null, { timeout: 60_000 });
    const file = join(images, `web_${model}.png`);
    await page.screenshot({ path: file });
    console.log(`${file}: ${await page.textContent('#status')}`);
    await page.close();
  }
} finally {
  await browser.close();
}
