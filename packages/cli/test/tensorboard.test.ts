/**
 * `--tensorboard` (and SPADE's `--tf_log`) end to end: the event files of a tiny pix2pix run and of
 * its `--continue_train`, read back with a TFRecord reader, CRC-32C and protobuf wire decoder
 * written here, against `loss_log.txt` and the `web/` images; and `--use_wandb` refused.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir, tinyPix2pixArgs, translate } from './helpers.js';

/** Bitwise CRC-32C (reflected polynomial 0x82f63b78), masked as TFRecord does. */
function maskedCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  crc = (crc ^ 0xffffffff) >>> 0;
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

/** The records of a TFRecord file, each checked: length CRC, data CRC, nothing left over. */
function readRecords(file: Buffer): Buffer[] {
  const records: Buffer[] = [];
  let offset = 0;
  while (offset < file.length) {
    const length = Number(file.readBigUInt64LE(offset));
    expect(file.readUInt32LE(offset + 8), `length CRC of the record at ${offset}`).toBe(maskedCrc(file.subarray(offset, offset + 8)));
    const data = file.subarray(offset + 12, offset + 12 + length);
    expect(file.readUInt32LE(offset + 12 + length), `data CRC of the record at ${offset}`).toBe(maskedCrc(data));
    records.push(data);
    offset += 16 + length;
  }
  expect(offset).toBe(file.length);
  return records;
}

/** Protobuf fields by number: varints as numbers, fixed64 as doubles, fixed32 as floats, length-delimited as bytes. */
type Fields = Map<number, Array<number | Buffer>>;

function decode(bytes: Buffer): Fields {
  const fields: Fields = new Map();
  let offset = 0;
  const varint = () => {
    let value = 0;
    for (let scale = 1; ; scale *= 128) {
      const byte = bytes[offset++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
    }
  };
  while (offset < bytes.length) {
    const key = varint();
    const [field, wireType] = [Math.floor(key / 8), key % 8];
    let value: number | Buffer;
    if (wireType === 0) value = varint();
    else if (wireType === 1) {
      value = bytes.readDoubleLE(offset);
      offset += 8;
    } else if (wireType === 5) {
      value = bytes.readFloatLE(offset);
      offset += 4;
    } else if (wireType === 2) {
      const length = varint();
      value = bytes.subarray(offset, offset + length);
      offset += length;
    } else throw new Error(`wire type ${wireType}`);
    fields.set(field, [...(fields.get(field) ?? []), value]);
  }
  return fields;
}

const one = (fields: Fields, n: number) => fields.get(n)?.[0];
const message = (fields: Fields, n: number) => decode(one(fields, n) as Buffer);

/** An Event (tensorflow/core/util/event.proto) as this test reads it. */
interface ReadEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  sessionStatus?: number;
  scalars?: Array<[string, number]>;
  images?: Array<{ tag: string; height: number; width: number; colorspace: number; encoded: Buffer }>;
}

function readEvents(path: string): ReadEvent[] {
  return readRecords(readFileSync(path)).map((record) => {
    const event = decode(record);
    const read: ReadEvent = { wallTime: one(event, 1) as number, step: (one(event, 2) as number | undefined) ?? 0 };
    if (event.has(3)) read.fileVersion = (one(event, 3) as Buffer).toString('utf8');
    if (event.has(7)) read.sessionStatus = one(message(event, 7), 1) as number;
    if (event.has(5)) {
      const values = (message(event, 5).get(1) ?? []).map((v) => decode(v as Buffer));
      const tag = (v: Fields) => (one(v, 1) as Buffer).toString('utf8');
      if (values.every((v) => v.has(2))) read.scalars = values.map((v) => [tag(v), one(v, 2) as number]);
      else {
        read.images = values.map((v) => {
          const image = message(v, 4);
          return {
            tag: tag(v),
            height: one(image, 1) as number,
            width: one(image, 2) as number,
            colorspace: one(image, 3) as number,
            encoded: one(image, 4) as Buffer,
          };
        });
      }
    }
    return read;
  });
}

/** The loss lines of loss_log.txt: each line's losses in order, with the printed (3-decimal) values. */
function lossLines(path: string): Array<Array<[string, number]>> {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('(epoch:'))
    .map((line) =>
      [...line.slice(line.indexOf(')') + 1).matchAll(/(\w+): (-?[\d.]+)/g)].map((m): [string, number] => [m[1]!, Number(m[2])]),
    );
}

/** Expects the scalar events to carry `lines`' losses, names in order, equal to the printed precision. */
function expectLosses(events: ReadEvent[], lines: Array<Array<[string, number]>>): void {
  expect(events).toHaveLength(lines.length);
  events.forEach((event, i) => {
    expect(event.scalars!.map(([tag]) => tag)).toEqual(lines[i]!.map(([name]) => name));
    event.scalars!.forEach(([, value], j) => expect(Math.abs(value - lines[i]![j]![1])).toBeLessThanOrEqual(0.0005 + 1e-6));
  });
}

const EVENT_FILE = /^events\.out\.tfevents\.\d{10}\..+\.\d+(\.\d+)?$/;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('translate train --tensorboard', () => {
  it('logs every loss line and the visuals as TensorBoard events, and a --continue_train adds a second file', async () => {
    const dir = tempDir();
    const common = [...tinyPix2pixArgs(dir, 3), '--n_epochs_decay', '0', '--print_freq', '1', '--display_freq', '2'];
    const first = await translate(['train', ...common, '--n_epochs', '1', '--tensorboard', '--wandb_project_name', 'my_project']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const logs = join(dir, 'p2p', 'logs');
    const [firstFile] = readdirSync(logs);
    expect(readdirSync(logs)).toEqual([firstFile]);
    expect(firstFile).toMatch(EVENT_FILE);
    const lines = lossLines(join(dir, 'p2p', 'loss_log.txt'));
    expect(lines).toHaveLength(3);

    const events = readEvents(join(logs, firstFile!));
    expect(events[0]).toMatchObject({ step: 0, fileVersion: 'brain.Event:2' });
    const scalars = events.filter((e) => e.scalars);
    expect(scalars.map((e) => e.step)).toEqual([1, 2, 3]);
    expectLosses(scalars, lines);
    expect(lines[0]!.map(([name]) => name)).toEqual(['G_GAN', 'G_L1', 'D_real', 'D_fake']);
    const wallTimes = events.map((e) => e.wallTime);
    expect(wallTimes).toEqual([...wallTimes].sort((a, b) => a - b));
    expect(Math.abs(wallTimes[0]! - Date.now() / 1000)).toBeLessThan(600);

    const images = events.filter((e) => e.images);
    expect(images.map((e) => e.step)).toEqual([2]);
    expect(images[0]!.images!.map((i) => i.tag)).toEqual(['results/real_A', 'results/fake_B', 'results/real_B']);
    for (const image of images[0]!.images!) {
      expect(image).toMatchObject({ height: 32, width: 32, colorspace: 3 });
      expect(image.encoded.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
      // The last display of epoch 1 (step 2) is also the page's image of that epoch.
      expect(
        image.encoded.equals(readFileSync(join(dir, 'p2p', 'web', 'images', `epoch001_${image.tag.slice('results/'.length)}.png`))),
      ).toBe(true);
    }

    const resumed = await translate(['train', ...common, '--n_epochs', '2', '--tf_log', '--continue_train']);
    expect(resumed.code).toBe(0);
    const files = readdirSync(logs).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe(firstFile);
    expect(files[1]).toMatch(EVENT_FILE);
    expect(readEvents(join(logs, firstFile!))).toEqual(events);
    const second = readEvents(join(logs, files[1]!));
    expect(second[0]).toMatchObject({ step: 0, fileVersion: 'brain.Event:2' });
    // SessionLog START one step past the checkpoint (3 images): TensorBoard drops later points of the first run.
    expect(second[1]).toMatchObject({ step: 4, sessionStatus: 1 });
    const resumedScalars = second.filter((e) => e.scalars);
    expect(resumedScalars.map((e) => e.step)).toEqual([4, 5, 6]);
    expectLosses(resumedScalars, lossLines(join(dir, 'p2p', 'loss_log.txt')).slice(3));
    expect(second.filter((e) => e.images).map((e) => e.step)).toEqual([4, 6]);
  });

  it('--use_wandb is a usage error naming --tensorboard and the wandb sync command', async () => {
    const dir = tempDir();
    const run = await translate(['train', ...tinyPix2pixArgs(dir, 3), '--use_wandb', '--wandb_project_name', 'my project']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('translate: --use_wandb: translate cannot log to Weights & Biases');
    expect(run.stderr).toContain(
      `Train with --tensorboard instead of --use_wandb, then upload the run's TensorBoard events with \`wandb sync --sync-tensorboard --project 'my project' ${join(dir, 'p2p', 'logs')}\`.`,
    );
    expect(existsSync(join(dir, 'p2p'))).toBe(false);
  });
});
