/** The `config.pbtxt` of one exported network in a Triton Inference Server model repository. */
import type { OnnxDim, OnnxExport, OnnxValueInfo } from '@translate/core';

/** Requests Triton may join into one batch. */
export const TRITON_MAX_BATCH_SIZE = 8;

/**
 * Triton's model configuration (protobuf text format) for an ONNX model served by the onnxruntime
 * backend, dynamic dims as -1. A network whose samples are independent gets Triton's batch
 * dimension (`max_batch_size`) and dynamic batching; one with batch statistics (train-mode batch
 * norm) gets neither, since joining requests would change every result. The leading comment says
 * what the tensors hold and why clients should send fixed-size tiles.
 */
export function tritonConfig(modelName: string, exported: OnnxExport, about: string): string {
  const { signature, batchDependent } = exported;
  const tensors = [...signature.inputs, signature.output];
  const dynamic = tensors.some((info) => info.dims.slice(1).some((d) => typeof d === 'string'));
  const comment = [
    `# ${about}, exported by translate.`,
    ...tensors.map((info) => `# ${info.name}: ${info.description}.`),
    batchDependent
      ? '# Batch norm uses batch statistics (exported in train mode), so requests are not batched together: each result depends on its whole batch, as in translate test. Export with --eval to batch them.'
      : dynamic
        ? '# Height and width are dynamic (-1), but dynamic batching only joins requests of one shape: send fixed-size tiles (e.g. the training --crop_size) so that requests batch together.'
        : '# The shapes are fixed: send exactly these tiles; requests of this shape are batched together.',
  ];
  const dims = (info: OnnxValueInfo) => (batchDependent ? info.dims : info.dims.slice(1));
  return [
    ...comment,
    `name: "${modelName}"`,
    'platform: "onnxruntime_onnx"',
    `max_batch_size: ${batchDependent ? 0 : TRITON_MAX_BATCH_SIZE}`,
    `input [\n${signature.inputs.map((info) => tensorConfig(info.name, dims(info))).join(',\n')}\n]`,
    `output [\n${tensorConfig(signature.output.name, dims(signature.output))}\n]`,
    ...(batchDependent ? [] : ['dynamic_batching { }']),
    '',
  ].join('\n');
}

function tensorConfig(name: string, dims: readonly OnnxDim[]): string {
  return `  {\n    name: "${name}"\n    data_type: TYPE_FP32\n    dims: [ ${dims.map((d) => (typeof d === 'number' ? d : -1)).join(', ')} ]\n  }`;
}
