/** Pixel containers used between decoding and batching. All are row-major HWC. */

/** Integer pixels as decoded: 8-bit (`Uint8Array`) or 16-bit (`Uint16Array`) per channel. */
export type PixelData = Uint8Array | Uint16Array;

/** A decoded image before normalisation: `channels` is 1 (gray), 2 (gray+alpha), 3 (RGB) or 4 (RGBA). */
export interface RawImage {
  data: PixelData;
  width: number;
  height: number;
  channels: number;
}

/** A normalised image: float32 in [-1, 1], HWC. What a dataset's `get` returns for image fields. */
export interface ImageArray {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/** An integer map (semantic label ids or instance ids), one channel, HW. */
export interface LabelMap {
  data: Int32Array;
  height: number;
  width: number;
}

/** The largest value of one channel sample: 255 for 8-bit data, 65535 for 16-bit data. */
export function maxValue(data: PixelData): number {
  return data instanceof Uint16Array ? 65535 : 255;
}

/** A zero-filled array of the same type as `like`. */
export function allocLike(like: PixelData, length: number): PixelData {
  return like instanceof Uint16Array ? new Uint16Array(length) : new Uint8Array(length);
}
