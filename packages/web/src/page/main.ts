/**
 * The exported page: reads the inlined manifest, loads weights and backend, and translates the
 * photos (or painted label maps) the user gives it, showing input and output side by side.
 * `?backend=webgl|wasm|webgpu` forces a backend, `?tile=N` a tile side (0: untiled).
 */
import { backendOrder } from '../backend.js';
import { labelIds, semanticMap } from '../labels.js';
import type { Preprocessing, WebManifest } from '../manifest.js';
import { outputToRgba, rgbaToInput, type FloatImage, type Rgba } from '../pixels.js';
import { downloadPng, filePixels, paint } from './dom.js';
import { buildLayout } from './layout.js';
import { openSession, type Session } from './session.js';

/** What the page exposes on `window.translatePage` (for scripts and tests). */
export interface PageHandle {
  /** Settles when the session is ready (or failed). */
  ready: Promise<Session>;
  /** The last output's pixels. */
  lastOutput: Rgba | null;
  /** Milliseconds of the last translation (network input to output pixels). */
  lastMs: number;
  /** Shows `image` as the input (a label map goes into the painter) and translates it with the selected network. */
  translate(image: Rgba): Promise<Rgba>;
}

const manifest = JSON.parse(document.getElementById('translate-manifest')!.textContent!) as WebManifest;
const params = new URLSearchParams(location.search);
const tileParam = params.get('tile');
const page = buildLayout(manifest);
/** The photo shown as input (photo models). */
let shown: Rgba | null = null;

/** The preprocessing of the network the direction select names. */
function current(): Preprocessing {
  return manifest.networks.find((n) => n.name === page.direction.value)!.preprocessing;
}

function showInput(image: Rgba): void {
  if (page.painter && manifest.palette) page.painter.set(labelIds(image, manifest.palette));
  else paint(page.input, image);
  shown = image;
}

/** The network input: the painter's labels one-hot, or the shown photo normalised. */
function networkInput(): FloatImage | null {
  const [height, width] = current().fixedSize ?? [0, 0];
  if (page.painter && manifest.palette) return semanticMap(page.painter.ids, width, height, manifest.palette);
  return shown && rgbaToInput(shown, current().inputChannels, current().range);
}

async function translate(session: Session): Promise<Rgba> {
  const input = networkInput();
  if (!input) throw new Error('Pick a photo first.');
  document.body.dataset.state = 'running';
  const started = performance.now();
  const size = `${input.width}×${input.height}`;
  page.status.textContent = `Translating ${size}…`;
  page.progress.value = 0;
  const output = await session.run(page.direction.value, input, {
    ...(tileParam === null ? {} : { tile: Number(tileParam) }),
    onProgress: (done, total) => {
      page.progress.max = total;
      page.progress.value = done;
      page.status.textContent = `Translating ${size}: tile ${done}/${total}`;
    },
  });
  const rgba = outputToRgba(output, current().range);
  paint(page.output, rgba);
  handle.lastMs = performance.now() - started;
  handle.lastOutput = rgba;
  page.download.disabled = false;
  page.status.textContent = `Done: ${rgba.width}×${rgba.height} in ${Math.round(handle.lastMs)} ms`;
  document.body.dataset.state = 'done';
  return rgba;
}

/** Reads a picked or dropped file (label maps nearest-resized to the generator's size), shows it and translates it. */
async function translateFile(session: Session, file: Blob): Promise<void> {
  document.body.dataset.state = 'running';
  showInput(await filePixels(file, page.painter ? (current().fixedSize ?? undefined) : undefined));
  await translate(session);
}

function fail(error: unknown): void {
  page.status.textContent = `Error: ${error instanceof Error ? error.message : String(error)}`;
  document.body.dataset.state = 'error';
}

function wire(session: Session): void {
  page.backend.textContent = session.backend;
  page.status.textContent = page.painter ? 'Paint a label map or pick one, then Translate.' : 'Pick or drop a photo.';
  document.body.dataset.state = 'ready';
  const run = (work: Promise<unknown>) => void work.catch(fail);
  page.picker.onchange = () => page.picker.files?.[0] && run(translateFile(session, page.picker.files[0]));
  document.body.ondragover = (event) => event.preventDefault();
  document.body.ondrop = (event) => {
    event.preventDefault();
    const file = event.dataTransfer?.files[0];
    if (file) run(translateFile(session, file));
  };
  page.direction.onchange = () => shown && run(translate(session));
  page.translate.onclick = () => run(translate(session));
  page.download.onclick = () => downloadPng(page.output, `${manifest.name}_${page.direction.value}.png`);
}

const ready = openSession(manifest, backendOrder(params.get('backend')), (line) => (page.status.textContent = line));
const handle: PageHandle = {
  ready,
  lastOutput: null,
  lastMs: 0,
  translate: async (image) => {
    const session = await ready;
    showInput(image);
    return translate(session);
  },
};
(globalThis as unknown as { translatePage: PageHandle }).translatePage = handle;
document.body.append(page.root);
ready.then(wire, fail);
