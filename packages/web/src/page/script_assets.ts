/**
 * Assets that arrive as `<script src>` files, the one way a page opened from file:// can read files
 * next to it: each script calls a global registration function with its name and base64 bytes.
 */
import { ASSET_GLOBAL } from '../manifest.js';
import { base64ToBytes } from '../weights.js';

type Registry = (name: string, base64: string) => void;
const waiting = new Map<string, (bytes: Uint8Array) => void>();
(globalThis as unknown as Record<string, Registry>)[ASSET_GLOBAL] = (name, base64) => waiting.get(name)?.(base64ToBytes(base64));

/** Loads the script `file` (next to the page) and resolves with the bytes it registers as `name`. */
export function loadScriptAsset(file: string, name = file): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    waiting.set(name, (bytes) => {
      waiting.delete(name);
      resolve(bytes);
    });
    const script = document.createElement('script');
    script.src = file;
    script.onerror = () => reject(new Error(`Could not load ${file}: is it next to index.html?`));
    document.head.append(script);
  });
}
