/**
 * TensorBoard's `Event` protocol buffer (tensorflow/core/util/event.proto and
 * framework/summary.proto): the fields translate writes, encoded as protobuf serializers do
 * (fields in number order; `wall_time` and `step` left out at their proto3 default of 0).
 */
import { ProtoWriter } from './protobuf.js';

/** The first event of every event file names the format version. */
export const FILE_VERSION = 'brain.Event:2';

/** An encoded image of a summary (`Summary.Image`). */
export interface SummaryImage {
  height: number;
  width: number;
  /** 1 grayscale, 2 grayscale + alpha, 3 RGB, 4 RGBA: the channel count. */
  colorspace: number;
  /** PNG (or JPEG) bytes. */
  encoded: Uint8Array;
}

/** One tagged value of a summary: a scalar (`simple_value`, stored as float32) or an image. */
export type SummaryValue = { tag: string; simpleValue: number } | { tag: string; image: SummaryImage };

/**
 * What an event carries (the `what` oneof): the file version, a summary, or `SessionLog{status:
 * START}`, on which TensorBoard drops the points it has loaded at that step or later (those that
 * a resumed run computes again).
 */
export type EventPayload = { fileVersion: string } | { summary: readonly SummaryValue[] } | { sessionStart: true };

/** One event: when (seconds since the epoch), at which global step, and what. */
export type TensorBoardEvent = { wallTime: number; step: number } & EventPayload;

/** The `Event` message's bytes. */
export function encodeEvent(event: TensorBoardEvent): Uint8Array {
  const writer = new ProtoWriter();
  if (event.wallTime !== 0) writer.double(1, event.wallTime);
  if (event.step !== 0) writer.uint(2, event.step);
  if ('fileVersion' in event) writer.string(3, event.fileVersion);
  else if ('summary' in event) writer.message(5, summary(event.summary));
  else writer.message(7, new ProtoWriter().uint(1, 1));
  return writer.finish();
}

function summary(values: readonly SummaryValue[]): ProtoWriter {
  const writer = new ProtoWriter();
  for (const value of values) {
    const encoded = new ProtoWriter().string(1, value.tag);
    if ('simpleValue' in value) encoded.float(2, value.simpleValue);
    else encoded.message(4, image(value.image));
    writer.message(1, encoded);
  }
  return writer;
}

function image({ height, width, colorspace, encoded }: SummaryImage): ProtoWriter {
  return new ProtoWriter().uint(1, height).uint(2, width).uint(3, colorspace).bytes(4, encoded);
}
