/**
 * Where a checkpoint keeps its weights. Authors save a bare state dict, wrap one in a training dict
 * (`{'state_dict': …}`, `{'model': …}`, `{'netG': …}`, BasicSR's `{'params': …, 'params_ema': …}`),
 * save a DataParallel model's state dict (every key prefixed `module.`), or pickle the whole
 * `nn.Module`. {@link findStateDict} finds the state dict in the unpickled object graph (an inert
 * description: nothing in it was run) and says how it was stored.
 */
import { PyCall, PyDict, PySet, type PyValue } from './pickle.js';
import { isTensorNode, type Fail } from './torch_tensors.js';

/** Wrapper keys, most preferred first: BasicSR's EMA weights (what its inference uses) before its raw ones. */
export const STATE_DICT_KEYS = [
  'params_ema',
  'params',
  'state_dict',
  'model_state_dict',
  'netG',
  'generator',
  'G',
  'g_ema',
  'model',
  'net',
  'network',
] as const;

/**
 * Classes of pickled whole modules that load (the reference's networks, matched by class name in
 * any module): translate maps them onto its own networks of the same names.
 */
export const MAPPED_MODULE_CLASSES: ReadonlySet<string> = new Set([
  'ResnetGenerator',
  'UnetGenerator',
  'NLayerDiscriminator',
  'PixelDiscriminator',
]);

const PARALLEL_WRAPPERS = new Set(['DataParallel', 'DistributedDataParallel']);

/** A pickled `nn.Module`: its class and every submodule's class by state-dict prefix (`''` = the root). */
export interface PickledModule {
  /** `module.Class` of the root, e.g. `models.networks.ResnetGenerator`. */
  className: string;
  /** Submodule key prefix (`'model.2'`) → its class (`torch.nn.modules.instancenorm.InstanceNorm2d`). */
  submodules: Map<string, string>;
}

/** What {@link findStateDict} found. */
export interface FoundStateDict {
  /** State-dict key → pickled tensor, in file order, `module.` prefixes removed. */
  entries: Array<[string, PyCall]>;
  /** How the weights were stored, in words (e.g. `'state_dict' entry of a dict`). */
  container: string;
  /** The wrapper key the state dict was found under, if any. */
  key: string | undefined;
  /** The state dict object itself (its `_metadata` lives there), when it was a dict. */
  dict: PyDict | undefined;
  /** The pickled module the state dict came from, when a whole module was saved. */
  module: PickledModule | undefined;
  /** Other wrapper keys that hold state dicts too (not loaded). */
  otherKeys: string[];
}

/** A short description of a pickled value for messages (`an OrderedDict`, `models.Net(…)`, `int`). */
export function describePyValue(v: PyValue | undefined): string {
  if (v === null) return 'None';
  if (v === undefined) return 'nothing';
  if (typeof v !== 'object') return typeof v;
  if (v instanceof PyCall) return `${v.func.qualifiedName}(…)`;
  if (v instanceof PyDict) return v.ordered ? 'an OrderedDict' : 'a dict';
  return v.constructor.name.replace(/^Py/, 'a ').toLowerCase();
}

function isTensorDict(v: PyValue | undefined): v is PyDict {
  return v instanceof PyDict && v.size > 0 && v.entries.every(([k, val]) => typeof k === 'string' && isTensorNode(val));
}

/** The instance `__dict__` of a pickled nn.Module, or undefined for anything else. */
function moduleState(v: PyValue | undefined): PyDict | undefined {
  if (!(v instanceof PyCall) || !(v.state instanceof PyDict)) return undefined;
  return v.state.get('_modules') instanceof PyDict && v.state.get('_parameters') instanceof PyDict ? v.state : undefined;
}

/** Collects a module's state dict as torch's `state_dict()` orders it: own parameters, own persistent buffers, then children. */
function moduleEntries(mod: PyCall, prefix: string, entries: Array<[string, PyCall]>, submodules: Map<string, string>): void {
  const state = moduleState(mod)!;
  submodules.set(prefix.replace(/\.$/, ''), mod.func.qualifiedName);
  const nonPersistent = state.get('_non_persistent_buffers_set');
  const skip = new Set(nonPersistent instanceof PySet ? nonPersistent.items.filter((x): x is string => typeof x === 'string') : []);
  for (const field of ['_parameters', '_buffers']) {
    for (const [name, value] of (state.get(field) as PyDict).entries) {
      if (typeof name === 'string' && isTensorNode(value) && !skip.has(name)) entries.push([`${prefix}${name}`, value]);
    }
  }
  for (const [name, child] of (state.get('_modules') as PyDict).entries) {
    if (typeof name === 'string' && moduleState(child) !== undefined)
      moduleEntries(child as PyCall, `${prefix}${name}.`, entries, submodules);
  }
}

/** The state dict of a pickled module of a mapped class (through DataParallel wrappers), else a failure naming the class. */
function fromModule(mod: PyCall, fail: Fail): { entries: Array<[string, PyCall]>; module: PickledModule; container: string } {
  let inner = mod;
  let wrapped = '';
  while (PARALLEL_WRAPPERS.has(inner.func.name)) {
    const child = moduleState(inner)!.get('_modules') as PyDict;
    const next = child.get('module');
    if (moduleState(next) === undefined) break;
    wrapped = ` inside ${inner.func.name}`;
    inner = next as PyCall;
  }
  const className = inner.func.qualifiedName;
  if (!MAPPED_MODULE_CLASSES.has(inner.func.name)) {
    return fail(
      `a pickled whole module of class ${className} (torch.save(model)), which translate cannot map onto its networks ` +
        `(it maps ${[...MAPPED_MODULE_CLASSES].join(', ')}). In Python, load it with the code that defines ${inner.func.name} and save its weights: ` +
        `torch.save(model.state_dict(), 'weights.pth')`,
    );
  }
  const entries: Array<[string, PyCall]> = [];
  const submodules = new Map<string, string>();
  moduleEntries(inner, '', entries, submodules);
  return { entries, module: { className, submodules }, container: `pickled module ${className}${wrapped}` };
}

function stateDictIn(value: PyValue | undefined): boolean {
  return isTensorDict(value) || moduleState(value) !== undefined;
}

function keyList(dict: PyDict): string {
  const keys = dict.entries.map(([k]) => (typeof k === 'string' ? `'${k}'` : describePyValue(k)));
  return `[${keys.slice(0, 20).join(', ')}${keys.length > 20 ? ', …' : ''}]`;
}

/**
 * Finds the state dict in an unpickled checkpoint (see the module doc). `key` picks a wrapper
 * entry explicitly; otherwise the first of {@link STATE_DICT_KEYS} that holds one, else the only
 * entry that does. Keys that all start with `module.` lose that prefix. Anything else (several
 * candidates, no tensors, a pickled module of another class) fails with what was found.
 */
export function findStateDict(root: PyValue, fail: Fail, key?: string): FoundStateDict {
  const found = locate(root, fail, key);
  const prefixed = found.entries.length > 0 && found.entries.every(([k]) => k.startsWith('module.'));
  if (!prefixed) return found;
  return {
    ...found,
    entries: found.entries.map(([k, v]) => [k.slice('module.'.length), v]),
    container: `${found.container}, 'module.' prefixes (DataParallel) removed`,
  };
}

function locate(root: PyValue, fail: Fail, key: string | undefined): FoundStateDict {
  const none = { key: undefined, dict: undefined, module: undefined, otherKeys: [] as string[] };
  if (moduleState(root) !== undefined) return { ...none, ...fromModule(root as PyCall, fail) };
  if (!(root instanceof PyDict)) {
    return fail(`the pickled object is ${describePyValue(root)}, not a state dict or a network (nothing in it was run)`);
  }
  if (key === undefined && (root.size === 0 || isTensorDict(root))) {
    return { ...none, entries: root.entries as Array<[string, PyCall]>, container: 'state dict', dict: root };
  }
  const candidates = root.entries.filter(([k, v]) => typeof k === 'string' && stateDictIn(v)).map(([k]) => k as string);
  let chosen: string | undefined = key;
  if (chosen !== undefined) {
    if (!candidates.includes(chosen)) {
      return fail(
        `no state dict under '${chosen}'${candidates.length > 0 ? `; state dicts are under ${candidates.map((k) => `'${k}'`).join(', ')}` : `: top-level keys are ${keyList(root)}`}`,
      );
    }
  } else {
    chosen = STATE_DICT_KEYS.find((k) => candidates.includes(k)) ?? (candidates.length === 1 ? candidates[0] : undefined);
  }
  if (chosen === undefined) {
    if (candidates.length > 1) {
      return fail(
        `several state dicts (${candidates.map((k) => `'${k}'`).join(', ')}); pick one, e.g. translate weights convert <file> <out.safetensors> --key ${candidates[0]}`,
      );
    }
    const bad = root.entries.find(([, v]) => !isTensorNode(v));
    if (root.entries.some(([, v]) => isTensorNode(v)) && bad !== undefined) {
      return fail(
        `state dict entry ${typeof bad[0] === 'string' ? `'${bad[0]}'` : describePyValue(bad[0])} is ${describePyValue(bad[1])}, not a tensor`,
      );
    }
    return fail(
      `not a state dict: top-level keys are ${keyList(root)}; ` +
        `expected a dict of tensors, a pickled network, or a dict with one ${STATE_DICT_KEYS.map((k) => `'${k}'`).join('/')} entry holding one`,
    );
  }
  const otherKeys = candidates.filter((k) => k !== chosen);
  const value = root.get(chosen);
  const also = otherKeys.length > 0 ? ` (also holds ${otherKeys.map((k) => `'${k}'`).join(', ')})` : '';
  if (moduleState(value) !== undefined) {
    const m = fromModule(value as PyCall, fail);
    return { ...m, key: chosen, dict: undefined, otherKeys, container: `'${chosen}' entry of a dict: ${m.container}${also}` };
  }
  return {
    entries: (value as PyDict).entries as Array<[string, PyCall]>,
    container: `'${chosen}' entry of a dict${also}`,
    key: chosen,
    dict: value as PyDict,
    module: undefined,
    otherKeys,
  };
}
