/**
 * Reads `--style_image` for example-guided synthesis. The model API is synchronous, so the photo is
 * decoded by sharp in a short-lived Node child process (sharp has no synchronous API): flattened on
 * white, converted to sRGB, resized (bicubic) to the generator's output size, as raw RGB.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { OptionError, tf } from '@translate/core';

const DECODE = `
const [sharpPath, file, w, h] = process.argv.slice(1);
require(sharpPath)(file).flatten({ background: '#ffffff' }).toColourspace('srgb')
  .resize(Number(w), Number(h), { fit: 'fill', kernel: 'cubic' }).removeAlpha().raw().toBuffer()
  .then((b) => process.stdout.write(b), (e) => { process.stderr.write(String(e.message)); process.exit(1); });
`;

/** sharp, resolved from @translate/datasets (which depends on it). */
function sharpPath(): string {
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve('@translate/datasets')).resolve('sharp');
}

/** The photo at `file` as a [1, height, width, 3] tensor in [-1, 1]; a bad file is an OptionError naming `--style_image`. */
export function loadStyleImage(file: string, height: number, width: number): tf.Tensor4D {
  if (!existsSync(file)) throw new OptionError(`--style_image ${file} does not exist.`);
  let bytes: Buffer;
  try {
    bytes = execFileSync(process.execPath, ['-e', DECODE, sharpPath(), file, String(width), String(height)], {
      maxBuffer: width * height * 3 + 1024,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const stderr = String((err as { stderr?: Buffer }).stderr ?? '').trim();
    throw new OptionError(`--style_image ${file} cannot be read as an image${stderr ? `: ${stderr}` : ''}.`);
  }
  if (bytes.length !== width * height * 3) throw new OptionError(`--style_image ${file}: decoding gave ${bytes.length} bytes, expected ${width * height * 3}.`);
  return tf.tidy(() => tf.sub(tf.div(tf.tensor4d(Float32Array.from(bytes), [1, height, width, 3]), 127.5), 1));
}
