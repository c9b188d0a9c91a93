/** The ONNX ModelProto writer: the bytes decode (by a minimal protobuf reader) to the graph that was built. */
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession } from 'onnxruntime-node';
import { OnnxGraph } from '../../src/export/onnx/graph.js';
import { ONNX_IR_VERSION, ONNX_OPSET, encodeOnnxModel } from '../../src/export/onnx/model_proto.js';
import { ResnetGenerator } from '../../src/networks/resnet.js';
import { exportForTest, useCpuBackend } from './onnx_helpers.js';

beforeAll(useCpuBackend);

type Field = { field: number; value: number | Uint8Array };

/** The top-level fields of one protobuf message (varint and length-delimited; fixed32 as its bit pattern). */
function decode(bytes: Uint8Array): Field[] {
  const fields: Field[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * shift;
      if (byte < 0x80) return value;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const wire = key % 8;
    if (wire === 0) fields.push({ field: Math.floor(key / 8), value: varint() });
    else if (wire === 2) {
      const length = varint();
      fields.push({ field: Math.floor(key / 8), value: bytes.subarray(at, at + length) });
      at += length;
    } else if (wire === 5) {
      fields.push({ field: Math.floor(key / 8), value: new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, true) });
      at += 4;
    } else throw new Error(`unexpected wire type ${wire}`);
  }
  return fields;
}

const text = (value: number | Uint8Array) => new TextDecoder().decode(value as Uint8Array);
const all = (fields: Field[], n: number) => fields.filter((f) => f.field === n).map((f) => f.value);
const one = (fields: Field[], n: number) => all(fields, n)[0]!;

describe('encodeOnnxModel', () => {
  it('writes ir_version 8, opset 17, nodes with typed attributes, int64 raw data and symbolic dims', async () => {
    const graph = new OnnxGraph('tiny');
    const x = graph.addInput({ name: 'input', dims: ['N', 2], description: 'two numbers' });
    const y = graph.node('LeakyRelu', [graph.node('Add', [x, graph.floats('bias', [1, -2])])], { alpha: { f: 0.5 } });
    graph.int64s('shape', [-1, 2]);
    graph.addOutput(y, { name: 'output', dims: ['N', 2], description: 'out' });
    const bytes = encodeOnnxModel(graph, { name: 'translate', version: '1.2.3' });

    const model = decode(bytes);
    expect(one(model, 1)).toBe(ONNX_IR_VERSION);
    expect(ONNX_IR_VERSION).toBe(8);
    expect([text(one(model, 2)), text(one(model, 3))]).toEqual(['translate', '1.2.3']);
    const opset = decode(one(model, 8) as Uint8Array);
    expect([text(one(opset, 1)), one(opset, 2)]).toEqual(['', ONNX_OPSET]);
    expect(ONNX_OPSET).toBe(17);

    const g = decode(one(model, 7) as Uint8Array);
    expect(text(one(g, 2))).toBe('tiny');
    const nodes = all(g, 1).map((n) => decode(n as Uint8Array));
    expect(nodes.map((n) => text(one(n, 4)))).toEqual(['Add', 'LeakyRelu', 'Identity']);
    expect(all(nodes[0]!, 1).map(text)).toEqual(['input', 'bias']);
    const alpha = decode(one(nodes[1]!, 5) as Uint8Array);
    // name 'alpha', f = 0.5 (0x3f000000), type FLOAT (1)
    expect([text(one(alpha, 1)), one(alpha, 2), one(alpha, 20)]).toEqual(['alpha', 0x3f000000, 1]);

    const [bias, shape] = all(g, 5).map((t) => decode(t as Uint8Array));
    expect([all(bias!, 1), one(bias!, 2), text(one(bias!, 8))]).toEqual([[2], 1, 'bias']);
    expect([...new Float32Array((one(bias!, 9) as Uint8Array).slice().buffer)]).toEqual([1, -2]);
    expect([one(shape!, 2), [...new BigInt64Array((one(shape!, 9) as Uint8Array).slice().buffer)]]).toEqual([7, [-1n, 2n]]);

    const input = decode(one(g, 11) as Uint8Array);
    expect([text(one(input, 1)), text(one(input, 3))]).toEqual(['input', 'two numbers']);
    const tensorType = decode(one(decode(one(input, 2) as Uint8Array), 1) as Uint8Array);
    const dims = all(decode(one(tensorType, 2) as Uint8Array), 1).map((d) => decode(d as Uint8Array)[0]!);
    expect(one(tensorType, 1)).toBe(1);
    expect(dims.map((d) => [d.field, typeof d.value === 'number' ? d.value : text(d.value)])).toEqual([
      [2, 'N'],
      [1, 2],
    ]);

    const session = await InferenceSession.create(bytes);
    expect([session.inputNames, session.outputNames]).toEqual([['input'], ['output']]);
    await session.release();
  });

  it('names the initializers of a network by its PyTorch state_dict keys', () => {
    const net = new ResnetGenerator({ inputNc: 3, outputNc: 3, ngf: 4, norm: 'batch', useDropout: false, nBlocks: 2 }).eval();
    const g = decode(one(decode(exportForTest(net).bytes), 7) as Uint8Array);
    const initializers = all(g, 5).map((t) => text(one(decode(t as Uint8Array), 8)));
    const weights = [...net.stateDict().keys()].filter((k) => !k.endsWith('num_batches_tracked'));
    expect(weights.filter((k) => !initializers.includes(k))).toEqual([]);
    expect(initializers).toContain('model.1.weight');
    expect(initializers).toContain('model.10.conv_block.2.running_var');
    net.dispose();
  });
});
