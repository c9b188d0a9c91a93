/**
 * TensorBoard event files: CRC-32C's published check values, the bytes of known events against a
 * file written by Google's protobuf runtime and the crc32c package (fixtures/tfevents.py), and the
 * event file's name and first record.
 */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { crc32c } from '../../src/tensorboard/crc32c.js';
import { encodeEvent, type TensorBoardEvent } from '../../src/tensorboard/event.js';
import { EventFileWriter } from '../../src/tensorboard/event_file.js';
import { frameRecord } from '../../src/tensorboard/tfrecord.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** The known events of fixtures/known_events.json, images' bytes decoded from base64. */
function knownEvents(): TensorBoardEvent[] {
  const events = JSON.parse(readFileSync(fixture('known_events.json'), 'utf8')) as Array<Record<string, unknown>>;
  return events.map((event) => {
    if (!('summary' in event)) return event as TensorBoardEvent;
    const summary = (event.summary as Array<Record<string, unknown>>).map((value) => {
      if (!('image' in value)) return value;
      const image = value.image as Record<string, unknown>;
      return { ...value, image: { ...image, encoded: new Uint8Array(Buffer.from(image.encoded as string, 'base64')) } };
    });
    return { ...event, summary } as unknown as TensorBoardEvent;
  });
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('TensorBoard event files', () => {
  it('computes CRC-32C (the check values of the CRC catalogue and RFC 3720)', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43); // RFC 3720 B.4: 32 bytes of ones
  });

  it('encodes and frames the known events exactly as protobuf and crc32c do (fixtures/tfevents.py)', () => {
    const expected = new Uint8Array(readFileSync(fixture('known_events.tfevents')));
    const events = knownEvents();
    expect(events).toHaveLength(5);
    expect(concat(events.map((event) => frameRecord(encodeEvent(event))))).toEqual(expected);
  });

  it('names a new file events.out.tfevents.<seconds>.<host>.<pid>, starts it with the file version and appends events', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'translate-tb-')), 'logs');
    const now = new Date(1_700_000_000_500);
    const first = EventFileWriter.create(dir, now);
    const [fileVersion, , scalars] = knownEvents();
    first.write(scalars!);
    first.close();
    const second = EventFileWriter.create(dir, now);
    second.close();
    const base = `events.out.tfevents.1700000000.${hostname()}.${process.pid}`;
    expect(readdirSync(dir).sort()).toEqual([base, `${base}.1`]);
    expect(first.path).toBe(join(dir, base));
    const bytes = new Uint8Array(readFileSync(join(dir, base)));
    expect(bytes).toEqual(concat([frameRecord(encodeEvent(fileVersion!)), frameRecord(encodeEvent(scalars!))]));
    expect(new Uint8Array(readFileSync(join(dir, `${base}.1`)))).toEqual(frameRecord(encodeEvent(fileVersion!)));
  });
});
