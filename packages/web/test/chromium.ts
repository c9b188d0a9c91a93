/**
 * Headless Chromium (Debian's /usr/bin/chromium through playwright-core) on exported pages opened
 * from file://, with software WebGL (SwiftShader); no --allow-file-access-from-files.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

/** The Chromium the tests drive. */
export const CHROMIUM = '/usr/bin/chromium';

/** Launches headless Chromium with SwiftShader WebGL. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--ignore-gpu-blocklist'],
  });
}

/** RGBA pixels read back from the page. */
export interface PagePixels {
  width: number;
  height: number;
  data: Uint8Array;
}

/** Opens `<dir>/index.html?<query>` and waits until the page is ready; returns the page and the backend it runs. */
export async function openExport(browser: Browser, dir: string, query = ''): Promise<{ page: Page; backend: string }> {
  const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${pathToFileURL(join(dir, 'index.html')).href}${query ? `?${query}` : ''}`);
  await page.waitForFunction(() => ['ready', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 60_000 });
  const state = await page.evaluate(() => document.body.dataset.state);
  if (state !== 'ready') throw new Error(`The page did not start: ${await page.textContent('#status')} ${errors.join('; ')}`);
  return { page, backend: (await page.textContent('#backend')) ?? '' };
}

/** Picks `file` in the page's file input and waits for the translation; returns the output pixels. */
export async function translateFile(page: Page, file: string): Promise<PagePixels> {
  await page.evaluate(() => (document.body.dataset.state = 'picking'));
  await page.setInputFiles('#file', file);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 120_000 });
  if ((await page.evaluate(() => document.body.dataset.state)) === 'error') throw new Error(`${await page.textContent('#status')}`);
  return lastOutput(page);
}

/** Switches the direction select to network `name` and waits for the page to translate the last input again. */
export async function chooseNetwork(page: Page, name: string): Promise<PagePixels> {
  await page.selectOption('#direction', name);
  await page.waitForFunction(() => ['done', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 120_000 });
  return lastOutput(page);
}

/** The page's last output pixels. */
export async function lastOutput(page: Page): Promise<PagePixels> {
  const { width, height, base64 } = await page.evaluate(() => {
    const out = (globalThis as unknown as { translatePage: { lastOutput: { width: number; height: number; data: Uint8ClampedArray } } })
      .translatePage.lastOutput;
    let text = '';
    for (let i = 0; i < out.data.length; i += 0x8000) text += String.fromCharCode(...out.data.subarray(i, i + 0x8000));
    return { width: out.width, height: out.height, base64: btoa(text) };
  });
  return { width, height, data: new Uint8Array(Buffer.from(base64, 'base64')) };
}

/** Largest per-channel difference (0–255) between page RGBA pixels and an RGB or gray image of the same size. */
export function maxPixelDiff(
  page: PagePixels,
  image: { width: number; height: number; channels: number; data: ArrayLike<number> },
): number {
  if (page.width !== image.width || page.height !== image.height)
    throw new Error(`sizes differ: page ${page.width}×${page.height}, image ${image.width}×${image.height}`);
  let max = 0;
  for (let i = 0; i < page.width * page.height; i++)
    for (let c = 0; c < 3; c++)
      max = Math.max(max, Math.abs(page.data[i * 4 + c]! - image.data[i * image.channels + (image.channels === 1 ? 0 : c)]!));
  return max;
}
