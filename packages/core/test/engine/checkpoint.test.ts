import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBackend } from '../helpers.js';
import { tf } from '../../src/tf.js';
import { commitFiles, recoverCommits } from '../../src/engine/atomic_files.js';
import { loadCheckpoint, readManifest, saveCheckpoint } from '../../src/engine/checkpoint.js';
import { readPth, writePth } from '../../src/interop/pth.js';
import { StateDictError, TranslateError } from '../../src/errors.js';
import { seedEverything } from '../../src/random.js';
import { TINY_OPTIONS, TinyModel } from './tiny_model.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'translate-ckpt-'));

describe('atomic checkpoint groups', () => {
  it('a crash before the commit point leaves the previous files; the next writer discards the staging folder', () => {
    const dir = tempDir();
    commitFiles(
      dir,
      'latest',
      new Map([
        ['a.txt', 'old a'],
        ['b.txt', 'old b'],
      ]),
    );
    // Simulate a process killed while writing the next checkpoint: staging folder half written.
    mkdirSync(join(dir, '.staging-latest'));
    writeFileSync(join(dir, '.staging-latest', 'a.txt'), 'new a');
    recoverCommits(dir); // a reader: never touches a staging folder (a live writer may own it)
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old a');
    commitFiles(dir, '1', new Map([['c.txt', 'c']]));
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'b.txt', 'c.txt']);
  });

  it('the manifest is moved into place last, also when a crash mid-move is rolled forward', () => {
    const dir = tempDir();
    commitFiles(
      dir,
      'latest',
      new Map([
        ['a.txt', 'old a'],
        ['m.json', 'old m'],
      ]),
      'm.json',
    );
    // Killed after the commit rename, before any move: the new manifest waits in `.last`.
    mkdirSync(join(dir, '.commit-latest', '.last'), { recursive: true });
    writeFileSync(join(dir, '.commit-latest', 'a.txt'), 'new a');
    writeFileSync(join(dir, '.commit-latest', '.last', 'm.json'), 'new m');
    expect(readFileSync(join(dir, 'm.json'), 'utf8')).toBe('old m');
    recoverCommits(dir);
    expect([readFileSync(join(dir, 'a.txt'), 'utf8'), readFileSync(join(dir, 'm.json'), 'utf8')]).toEqual(['new a', 'new m']);
    expect(readdirSync(dir).sort()).toEqual(['a.txt', 'm.json']);
  });

  it('a failed write removes the staged files and keeps the previous group', () => {
    const dir = tempDir();
    commitFiles(dir, 'latest', new Map([['a.txt', 'old a']]));
    expect(() =>
      commitFiles(
        dir,
        'latest',
        new Map([
          ['a.txt', 'new a'],
          ['no/such/b.txt', 'b'],
        ]),
      ),
    ).toThrow(/ENOENT/);
    expect(readdirSync(dir)).toEqual(['a.txt']);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('old a');
  });

  it('a crash after the commit point is rolled forward: all new files or none', () => {
    const dir = tempDir();
    commitFiles(
      dir,
      'latest',
      new Map([
        ['a.txt', 'old a'],
        ['b.txt', 'old b'],
      ]),
    );
    mkdirSync(join(dir, '.commit-latest'));
    writeFileSync(join(dir, '.commit-latest', 'b.txt'), 'new b');
    writeFileSync(join(dir, 'a.txt'), 'new a'); // a.txt was already moved into place when the process died
    recoverCommits(dir);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('new a');
    expect(readFileSync(join(dir, 'b.txt'), 'utf8')).toBe('new b');
    expect(existsSync(join(dir, '.commit-latest'))).toBe(false);
  });
});

describe('checkpoints', () => {
  it('save and load restore weights, Adam moments and progress exactly', async () => {
    await useBackend('cpu');
    seedEverything(1);
    const dir = tempDir();
    const a = new TinyModel(TINY_OPTIONS, { isTrain: true });
    const x = tf.randomNormal([1, 8, 8, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    a.setInput({ A: x, B: x, A_paths: ['x.png'] });
    a.optimizeParameters();
    const manifest = saveCheckpoint(dir, 'latest', a, { progress: { epoch: 2, epochIter: 3, totalIters: 9 } });
    expect(readdirSync(dir).sort()).toEqual(['latest_checkpoint.json', 'latest_net_G.safetensors', 'latest_optim_G.safetensors']);
    expect(manifest.networks.G!.parameters).toBe(a.network('G').numParameters());
    seedEverything(2);
    const b = new TinyModel(TINY_OPTIONS, { isTrain: true });
    const loaded = loadCheckpoint(dir, 'latest', b, { withOptimizers: true });
    expect(loaded?.progress).toEqual({ epoch: 2, epochIter: 3, totalIters: 9 });
    for (const [key, raw] of a.network('G').stateDict()) expect(b.network('G').stateDict().get(key)!.data, key).toEqual(raw.data);
    const [sa, sb] = [a, b].map((m) => m.optimizers.get('G')!.optimizer.stateDict());
    expect(sb!.step).toBe(1);
    for (const [key, raw] of sa!.tensors) expect(sb!.tensors.get(key)!.data, key).toEqual(raw.data);
    a.dispose();
    b.dispose();
    x.dispose();
  });

  it('refuses a checkpoint of another architecture with the differing options', async () => {
    await useBackend('cpu');
    const dir = tempDir();
    const a = new TinyModel(TINY_OPTIONS, { isTrain: false });
    saveCheckpoint(dir, 'latest', a);
    const b = new TinyModel({ ...TINY_OPTIONS, ngf: 8 }, { isTrain: false });
    expect(() => loadCheckpoint(dir, 'latest', b, { withOptimizers: false })).toThrow(StateDictError);
    expect(() => loadCheckpoint(dir, 'latest', b, { withOptimizers: false })).toThrow(/--ngf: checkpoint 4, requested 8/);
    // A plugin's own architecture options are compared too (srgan's --n_blocks, say).
    const c = new TinyModel({ ...TINY_OPTIONS, n_blocks: 5 }, { isTrain: false });
    expect(loadCheckpoint(dir, 'latest', c, { withOptimizers: false })).not.toBeNull();
    const savedWith16 = tempDir();
    const d = new TinyModel({ ...TINY_OPTIONS, n_blocks: 16 }, { isTrain: false });
    saveCheckpoint(savedWith16, 'latest', d);
    d.dispose();
    expect(() => loadCheckpoint(savedWith16, 'latest', c, { withOptimizers: false, architectureOptions: ['n_blocks'] })).toThrow(
      /--n_blocks: checkpoint 16, requested 5/,
    );
    a.dispose();
    b.dispose();
    c.dispose();
  });

  it('loads reference .pth files and strips legacy InstanceNorm running-stat keys', async () => {
    await useBackend('cpu');
    const dir = tempDir();
    const a = new TinyModel(TINY_OPTIONS, { isTrain: false });
    const state = a.network('G').stateDict();
    // A pre-0.4 PyTorch checkpoint carried running stats for InstanceNorm layers (model.2 is one).
    state.set('model.2.running_mean', { dtype: 'F32', shape: [4], data: new Float32Array(4) });
    state.set('model.2.running_var', { dtype: 'F32', shape: [4], data: new Float32Array(4).fill(1) });
    writeFileSync(join(dir, 'latest_net_G.pth'), writePth(state));
    const b = new TinyModel(TINY_OPTIONS, { isTrain: false });
    expect(loadCheckpoint(dir, 'latest', b, { withOptimizers: false })).toBeNull();
    expect(b.network('G').stateDict().get('model.1.weight')!.data).toEqual(state.get('model.1.weight')!.data);
    a.dispose();
    b.dispose();
  });

  it("save_format pth writes each network as <label>_net_<Net>.pth (zip, archive named after the file), which the manifest's sha256 guards", async () => {
    await useBackend('cpu');
    const dir = tempDir();
    const a = new TinyModel({ ...TINY_OPTIONS, save_format: 'pth' }, { isTrain: true });
    const manifest = saveCheckpoint(dir, 'latest', a);
    expect(readdirSync(dir).sort()).toEqual(['latest_checkpoint.json', 'latest_net_G.pth', 'latest_optim_G.safetensors']);
    const bytes = new Uint8Array(readFileSync(join(dir, 'latest_net_G.pth')));
    expect(manifest.networks.G).toMatchObject({ file: 'latest_net_G.pth', sha256: createHash('sha256').update(bytes).digest('hex') });
    const written = readPth(bytes);
    expect(written).toMatchObject({ format: 'zip', archiveName: 'latest_net_G', container: 'state dict' });
    const saved = a.network('G').stateDict();
    expect([...written.tensors.keys()]).toEqual([...saved.keys()]);
    const b = new TinyModel({ ...TINY_OPTIONS, save_format: 'pth' }, { isTrain: true });
    loadCheckpoint(dir, 'latest', b, { withOptimizers: true });
    for (const [key, raw] of saved) expect(b.network('G').stateDict().get(key)!.data, key).toEqual(raw.data);
    bytes[bytes.length - 30]! ^= 1;
    writeFileSync(join(dir, 'latest_net_G.pth'), bytes);
    expect(() => loadCheckpoint(dir, 'latest', b, { withOptimizers: false })).toThrow(
      /latest_net_G\.pth does not match its manifest \(sha256 differs\)/,
    );
    a.dispose();
    b.dispose();
  });

  it("reads the network file the manifest names, not another format's file of an earlier run", async () => {
    await useBackend('cpu');
    const dir = tempDir();
    seedEverything(3);
    const first = new TinyModel(TINY_OPTIONS, { isTrain: false });
    saveCheckpoint(dir, 'latest', first);
    seedEverything(4);
    const second = new TinyModel({ ...TINY_OPTIONS, save_format: 'pth' }, { isTrain: false });
    saveCheckpoint(dir, 'latest', second);
    expect(
      readdirSync(dir)
        .filter((f) => f.includes('_net_'))
        .sort(),
    ).toEqual(['latest_net_G.pth', 'latest_net_G.safetensors']);
    const loaded = new TinyModel(TINY_OPTIONS, { isTrain: false });
    loadCheckpoint(dir, 'latest', loaded, { withOptimizers: false });
    const key = 'model.1.weight';
    expect(loaded.network('G').stateDict().get(key)!.data).toEqual(second.network('G').stateDict().get(key)!.data);
    expect(loaded.network('G').stateDict().get(key)!.data).not.toEqual(first.network('G').stateDict().get(key)!.data);
    rmSync(join(dir, 'latest_net_G.pth'));
    expect(() => loadCheckpoint(dir, 'latest', loaded, { withOptimizers: false })).toThrow(
      /latest_net_G\.pth is missing, though latest_checkpoint\.json lists it for network G/,
    );
    for (const m of [first, second, loaded]) m.dispose();
  });

  it('the manifest names every file of the group with its sha256; an optimizer file of another group is refused', async () => {
    await useBackend('cpu');
    const dir = tempDir();
    const a = new TinyModel(TINY_OPTIONS, { isTrain: true });
    const manifest = saveCheckpoint(dir, 'latest', a, { tensors: { pool: new Map() } });
    const hash = (file: string) =>
      createHash('sha256')
        .update(readFileSync(join(dir, file)))
        .digest('hex');
    expect(manifest.optimizers!.G).toMatchObject({ file: 'latest_optim_G.safetensors', sha256: hash('latest_optim_G.safetensors') });
    expect(manifest.tensors!.pool).toEqual({ file: 'latest_pool.safetensors', sha256: hash('latest_pool.safetensors') });
    writeFileSync(join(dir, 'latest_optim_G.safetensors'), readFileSync(join(dir, 'latest_pool.safetensors')));
    expect(() => loadCheckpoint(dir, 'latest', a, { withOptimizers: true })).toThrow(
      /latest_optim_G\.safetensors does not match its manifest/,
    );
    a.dispose();
  });

  it('names the expected files when a checkpoint is missing', async () => {
    await useBackend('cpu');
    const dir = tempDir();
    const m = new TinyModel(TINY_OPTIONS, { isTrain: false });
    expect(() => loadCheckpoint(dir, 'latest', m, { withOptimizers: false })).toThrow(TranslateError);
    expect(() => loadCheckpoint(dir, 'latest', m, { withOptimizers: false })).toThrow(/latest_net_G\.safetensors or latest_net_G\.pth/);
    expect(readManifest(dir, 'latest')).toBeNull();
    m.dispose();
  });
});
