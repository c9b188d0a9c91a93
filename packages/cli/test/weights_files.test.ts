/**
 * `translate weights inspect` and `translate weights convert` on files saved by PyTorch (the
 * reference fixtures and core's published-style checkpoints of both torch.save formats) and on
 * files made here with writePth / writeSafetensors.
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  halfToFloat,
  rawTensorBytes,
  readPth,
  readSafetensors,
  writePth,
  writeSafetensors,
  type RawStateDict,
  type RawTensor,
} from '@translate/core';
import { tempDir, translate } from './helpers.js';

const core = (path: string) => fileURLToPath(new URL(`../../core/test/fixtures/${path}`, import.meta.url));
const bytesOf = (path: string) => new Uint8Array(readFileSync(path));

/** dtype, shape and data bytes of every tensor, in order: what "bit-exact" compares. */
const contents = (tensors: RawStateDict) =>
  [...tensors].map(([key, t]) => [key, t.dtype, t.shape, Buffer.from(rawTensorBytes(t)).toString('hex')]);

/** A small state dict with every kind of entry the parameter count tells apart. */
function mixedState(): RawStateDict {
  const f32 = (shape: number[], values: number[]) => ({ dtype: 'F32' as const, shape, data: Float32Array.from(values) });
  return new Map<string, RawTensor>([
    ['conv.weight', f32([4, 1, 1, 1], [1, 65504, 65520, 2 ** -24])],
    ['conv.bias', f32([2], [0.1, -0])],
    ['bn.running_mean', f32([2], [0, 0])],
    ['bn.num_batches_tracked', { dtype: 'I64' as const, shape: [], data: BigInt64Array.of(7n) }],
    ['sn.weight_orig', f32([3, 2], [1, 2, 3, 4, 5, 6])],
    ['sn.weight_u', f32([3], [1, 0, 0])],
    ['sn.weight_v', f32([2], [0, 1])],
    ['index', { dtype: 'I32' as const, shape: [5], data: Int32Array.of(1, 2, 3, 4, 5) }],
  ]);
}

describe('translate weights inspect', () => {
  it('a reference .pth: format, counts (180,419 parameters, as the reference network counts them), the first 30 keys, and the network with its translate test command', async () => {
    const file = core('reference/resnet_9blocks.pth');
    const run = await translate(['weights', 'inspect', file]);
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 7)).toEqual([
      file,
      "  format:     zip (torch.save of torch ≥ 1.6), archive 'resnet_9blocks'",
      '  container:  state dict',
      `  size:       ${readFileSync(file).byteLength.toLocaleString('en-US')} bytes`,
      '  tensors:    48',
      '  parameters: 180,419 (elements of the float tensors, without BatchNorm running statistics, num_batches_tracked and spectral-norm u/v vectors)',
      '  dtypes:     F32 × 48',
    ]);
    expect(lines.slice(8, 10)).toEqual([
      '  key                           shape           dtype',
      '  model.1.weight                [8, 3, 7, 7]    F32',
    ]);
    expect(lines).toContain('  … 18 more (--all lists every key)');
    expect(run.stdout).toContain(
      '  resnet_9blocks generator (ResnetGenerator, 9 residual blocks), ngf 8, instance norm, no dropout, 3 → 3 channels\n' +
        '    translate test --model test --netG resnet_9blocks --ngf 8 --norm instance --no_dropout --dataroot <images> --name <name>\n' +
        '      (which reads it as <checkpoints_dir>/<name>/latest_net_G.pth)\n',
    );
    const all = await translate(['weights', 'inspect', file, '--all']);
    expect(all.stdout).toContain('  model.26.bias ');
    expect(all.stdout).not.toContain('more (--all lists every key)');
  });

  it('--json: the same report as one object, every key, and the identification', async () => {
    const run = await translate(['weights', 'inspect', core('published/unet_G.legacy.pth'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ format: 'legacy', archive: null, container: 'state dict', checkpoint: null });
    expect(report.keys).toHaveLength(report.tensors);
    expect(report.keys[0]).toEqual({ key: 'model.model.0.weight', shape: [4, 3, 4, 4], dtype: 'F32' });
    expect(report.identification.reason).toBeNull();
    expect(report.identification.matches.map((m: { flags: string }) => m.flags)).toEqual([
      '--model test --netG unet_64 --ngf 4 --norm batch',
    ]);
  });

  it('counts parameters without running statistics, num_batches_tracked and spectral-norm u/v; says why no network matches', async () => {
    const file = join(tempDir(), 'mixed.safetensors');
    writeFileSync(file, writeSafetensors(mixedState(), { format: 'pt' }));
    const run = await translate(['weights', 'inspect', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  parameters: 12 (');
    expect(run.stdout).toContain('  dtypes:     F32 × 6, I64 × 1, I32 × 1\n  metadata:   format=pt\n');
    expect(run.stdout).toContain(
      "No translate network matches: its keys (conv.weight, conv.bias, bn.running_mean, …) are not those of the reference's networks",
    );
    expect(run.stdout).toMatch(/no model plugin recognised them \(asked: [a-z_, ]*gaugan[a-z_, ]*srresnet/);
  });

  it("a model plugin's network: leftthomas/SRGAN's published generator, as srresnet identifies it", async () => {
    const file = fileURLToPath(new URL('../../model-srgan/test/fixtures/leftthomas_2018/netG_epoch_2_100.pth', import.meta.url));
    const run = await translate(['weights', 'inspect', file]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('  format:     legacy (torch.save of torch 0.4–1.5)\n');
    expect(run.stdout).toContain(
      'Network:\n  SRResNet generator (SRGAN), ×2, 5 residual blocks, trunk end prelu, ngf 64, 3 → 3 channels\n' +
        '    translate test --model srresnet --scale 2 --n_blocks 5 --trunk_end prelu --ngf 64 --dataroot <images> --name <name>\n',
    );
  });

  it('a pickled whole module, and --key for a wrapper entry', async () => {
    const module = await translate(['weights', 'inspect', core('published/resnet_G.module.zip.pth')]);
    expect(module.code, module.stderr).toBe(0);
    expect(module.stdout).toContain('  container:  pickled module models.networks.ResnetGenerator\n');
    expect(module.stdout).toContain('--model test --netG resnet_6blocks --ngf 4 --norm instance --no_dropout');
    expect(module.stdout).not.toContain('note: Reflect and replicate padding');
    const wrapped = await translate(['weights', 'inspect', core('published/resnet_G.basicsr.zip.pth'), '--key', 'params']);
    expect(wrapped.code, wrapped.stderr).toBe(0);
    expect(wrapped.stdout).toMatch(/ {2}container: {2}'params' entry of a dict/);
  });

  it('usage errors name the file and what it is: exit 2', async () => {
    const dir = tempDir();
    const missing = await translate(['weights', 'inspect', join(dir, 'nope.pth')]);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      `translate: ${join(dir, 'nope.pth')} does not exist. Give a .pth or .safetensors weights file.\n`,
    ]);
    writeFileSync(join(dir, 'latest_net_G.pth'), writePth(mixedState()));
    const folder = await translate(['weights', 'inspect', dir]);
    expect([folder.code, folder.stderr]).toEqual([
      2,
      `translate: ${dir} is a folder; give one weights file, e.g. ${dir}/latest_net_G.pth.\n`,
    ]);
    writeFileSync(join(dir, 'junk.pth'), 'not a checkpoint');
    const junk = await translate(['weights', 'inspect', join(dir, 'junk.pth')]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toContain(join(dir, 'junk.pth'));
    expect(junk.stderr).toContain(
      'not a PyTorch checkpoint (neither the zip format of torch ≥ 1.6 nor the legacy format of torch 0.4–1.5)',
    );
    const scripted = await translate(['weights', 'inspect', core('published/scripted.pt')]);
    expect(scripted.code).toBe(2);
    expect(scripted.stderr).toContain(core('published/scripted.pt'));
    expect(scripted.stderr).toContain('TorchScript archive (torch.jit.save)');
    const key = await translate(['weights', 'inspect', core('published/resnet_G.safetensors'), '--key', 'params']);
    expect(key.code).toBe(2);
    expect(key.stderr).toContain('--key params: ');
  });
});

describe('translate weights convert', () => {
  it('legacy .pth → safetensors → .pth (zip) is bit-exact, and the .pth is what writePth writes (torch.save byte for byte)', async () => {
    const dir = tempDir();
    const legacy = core('published/resnet_G.legacy.pth');
    const original = readPth(bytesOf(legacy));
    const st = join(dir, 'resnet_G.safetensors');
    const toSt = await translate(['weights', 'convert', legacy, st]);
    expect(toSt.code, toSt.stderr).toBe(0);
    expect(toSt.stdout).toBe(
      `Wrote ${st} (safetensors): ${original.tensors.size} tensors, ${readFileSync(st).byteLength.toLocaleString('en-US')} bytes, from the state dict of a legacy file.\n`,
    );
    const middle = readSafetensors(bytesOf(st));
    expect(middle.metadata).toEqual({ format: 'pt' });
    expect(contents(middle.tensors)).toEqual(contents(original.tensors));
    const back = join(dir, 'latest_net_G.pth');
    expect((await translate(['weights', 'convert', st, back])).code).toBe(0);
    const final = readPth(bytesOf(back));
    expect(final).toMatchObject({ format: 'zip', archiveName: 'latest_net_G', container: 'state dict' });
    expect(contents(final.tensors)).toEqual(contents(original.tensors));
    expect(Buffer.from(bytesOf(back)).equals(Buffer.from(writePth(original.tensors, { archiveName: 'latest_net_G' })))).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(['latest_net_G.pth', 'resnet_G.safetensors']);
  });

  it('legacy .pth → .pth keeps the _metadata; --key picks a wrapper entry', async () => {
    const dir = tempDir();
    const legacy = core('published/resnet_G.legacy.pth');
    const out = join(dir, 'zip.pth');
    expect((await translate(['weights', 'convert', legacy, out])).code).toBe(0);
    expect(readPth(bytesOf(out)).moduleMetadata).toEqual(readPth(bytesOf(legacy)).moduleMetadata);
    const basicsr = core('published/resnet_G.basicsr.zip.pth');
    const params = join(dir, 'params.safetensors');
    const run = await translate(['weights', 'convert', basicsr, params, '--key', 'params']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/from the 'params' entry of a dict .*of a zip file\.\n$/);
    expect(contents(readSafetensors(bytesOf(params)).tensors)).toEqual(
      contents(readPth(bytesOf(basicsr), basicsr, { key: 'params' }).tensors),
    );
  });

  it('--dtype float16 rounds float tensors to nearest even and keeps integer tensors; float32 widens them back', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.pth');
    writeFileSync(input, writePth(mixedState()));
    const half = join(dir, 'half.safetensors');
    const run = await translate(['weights', 'convert', input, half, '--dtype', 'float16']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(', float tensors as float16, ');
    const tensors = readSafetensors(bytesOf(half)).tensors;
    const bits = (key: string) => [...new Uint16Array((tensors.get(key)!.data as Uint8Array).slice().buffer)];
    // 1, 65504 (largest half), 65520 (a tie: to even, which overflows to Inf), 2^-24 (smallest subnormal); 0.1, -0.
    expect(bits('conv.weight')).toEqual([0x3c00, 0x7bff, 0x7c00, 0x0001]);
    expect(bits('conv.bias')).toEqual([0x2e66, 0x8000]);
    expect(tensors.get('bn.num_batches_tracked')).toEqual({ dtype: 'I64', shape: [], data: BigInt64Array.of(7n) });
    expect(tensors.get('index')!.dtype).toBe('I32');
    const wide = join(dir, 'wide.pth');
    expect((await translate(['weights', 'convert', half, wide, '--dtype', 'float32'])).code).toBe(0);
    const widened = readPth(bytesOf(wide)).tensors.get('conv.bias')!;
    expect(widened.dtype).toBe('F32');
    expect([...(widened.data as Float32Array)]).toEqual([halfToFloat(0x2e66), -0]);
  });

  it('refuses to overwrite the input (even with --force) or an existing file without --force; checks the output name and --dtype', async () => {
    const dir = tempDir();
    const input = join(dir, 'in.pth');
    writeFileSync(input, writePth(mixedState()));
    const self = await translate(['weights', 'convert', input, join(dir, '.', 'in.pth'), '--force']);
    expect([self.code, self.stderr]).toEqual([
      2,
      `translate: ${join(dir, 'in.pth')} is the input file; write the conversion to another path.\n`,
    ]);
    const out = join(dir, 'out.safetensors');
    writeFileSync(out, 'keep me');
    const exists = await translate(['weights', 'convert', input, out]);
    expect([exists.code, exists.stderr]).toEqual([2, `translate: ${out} exists; pass --force to overwrite it.\n`]);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    expect((await translate(['weights', 'convert', input, out, '--force'])).code).toBe(0);
    expect(readSafetensors(bytesOf(out)).tensors.size).toBe(8);
    const badName = await translate(['weights', 'convert', input, join(dir, 'out.bin')]);
    expect([badName.code, badName.stderr]).toEqual([
      2,
      `translate: ${join(dir, 'out.bin')}: the output must end in .safetensors or .pth (that picks its format).\n`,
    ]);
    const badDtype = await translate(['weights', 'convert', input, join(dir, 'x.pth'), '--dtype', 'bfloat16']);
    expect([badDtype.code, badDtype.stderr]).toEqual([2, "translate: --dtype 'bfloat16' is not supported; use float32 or float16.\n"]);
    expect(existsSync(join(dir, 'x.pth'))).toBe(false);
    expect(readdirSync(dir).sort()).toEqual(['in.pth', 'out.safetensors']);
  });
});
