"""Regenerates torch_samples.ts and the digests pinned in the interop tests (run with PyTorch 1.13.1:
/usr/bin/python3 with Debian's python3-torch).

Not run in CI: the tests use the embedded bytes / digests.
"""
import io, torch, base64, hashlib, pickle, collections, zipfile
from collections import OrderedDict as OD

def save(obj, **kw):
    b = io.BytesIO(); torch.save(obj, b, **kw); return b.getvalue()

def save_legacy(obj, **kw):
    return save(obj, _use_new_zipfile_serialization=False, **kw)

dt = OD([
  ('f64', torch.tensor([1.5, -2.25], dtype=torch.float64)),
  ('f16', torch.tensor([1.0, -0.5, 65504.0], dtype=torch.float16)),
  ('bf16', torch.tensor([1.0, -3.0], dtype=torch.bfloat16)),
  ('i64', torch.tensor([-1, 2**40])),
  ('i32', torch.tensor([-7, 8], dtype=torch.int32)),
  ('i16', torch.tensor([-300, 300], dtype=torch.int16)),
  ('i8', torch.tensor([-128, 127], dtype=torch.int8)),
  ('u8', torch.tensor([0, 255], dtype=torch.uint8)),
  ('b', torch.tensor([True, False])),
  ('scalar', torch.tensor(3.5)),
  ('empty', torch.zeros(0, 3)),
  ('big', torch.arange(300.).reshape(3, 100)),
])
dt._metadata = OD([('', {'version': 1}), ('sub', {'version': 2})])
A = save(dt)

base = torch.arange(24, dtype=torch.float32).reshape(4, 6)
views = {'base': base, 't': base.t(), 's': base[1:3, 2:5], 'row': base[2], 'v': base.view(2, 12),
         'p': torch.nn.Parameter(torch.tensor([1., 2.])), 'col': base[:, 1]}
B = save(views)

C = save({'epoch': 7, 'lr': 0.0002, 'state_dict': OD([('w', torch.tensor([[1., 2.], [3., 4.]])), ('n', torch.tensor(5))]),
          'opt': {'state': {}, 'param_groups': [{'lr': 0.0002, 'betas': (0.5, 0.999), 'params': [0, 1], 'amsgrad': False, 'name': None}]}})

big = OD((f'layer{i}.weight', torch.tensor(float(i))) for i in range(1001))
big._metadata = OD((f'layer{i}', {'version': 1}) for i in range(1001))
D = save(big)

print('D (1001-entry state dict) sha256', len(D), hashlib.sha256(D).hexdigest())

# The legacy format (torch 0.4-1.5's default): the same objects, plus what training scripts wrap around them.
import argparse, numpy
LA = save_legacy(dt)
LB = save_legacy(views)
LC = save_legacy({'epoch': 7, 'args': argparse.Namespace(lr=0.0002, name='run'), 'best': numpy.float64(0.5),
                  'state_dict': OD([('module.w', torch.tensor([[1., 2.], [3., 4.]])), ('module.n', torch.tensor(5))])},
                 pickle_protocol=4)
tiny = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 1), torch.nn.BatchNorm2d(2))
torch.manual_seed(0)
LM = save_legacy(tiny)

def ph(o):
    b = pickle.dumps(o, protocol=2); return len(b), hashlib.sha256(b).hexdigest()
s = 'shared'
print('P1', ph(OD((str(i), i) for i in range(2500))))
print('P2', ph({str(i): i for i in range(2000)}))
print('P3', ph([i * 1000 for i in range(2001)]))
print('P4', ph((0, 255, 256, 65535, 65536, -1, -129, 2**31 - 1, 2**31, -2**31, -2**31 - 1, 2**63, -2**63, 2**64, -2**64, 1.5, -0.0, 1e300, None, True, False, '', 'h\u00e9llo', [], {}, (), (1,), (1, 2), (1, 2, 3), [s, s, (s,)])))
print('P5', ph({'a': 1}), ph([7]), ph({'k': 1, 'l': 2}))

import base64, textwrap
out = ['/**',
 ' * Small checkpoints written by real PyTorch 1.13.1 (Debian python3-torch, torch.save to a BytesIO, so',
 ' * the archive name is "archive"), embedded so that CI needs neither Python nor torch.',
 ' * Regenerate with `python3 gen_torch_samples.py` in this folder (writes this file).',
 ' */',
 '']
docs = {
 'A': 'DTYPES_PTH: OrderedDict of f64, f16, bf16, i64, i32, i16, i8, u8, bool, a 0-d scalar, an empty [0,3]\n * and a [3,100] tensor, with _metadata {"": {version: 1}, "sub": {version: 2}}. Contiguous, unshared.',
 'B': 'VIEWS_PTH: plain dict of views on one storage (base 4x6 arange, its transpose, a [1:3,2:5] slice,\n * row 2, a 2x12 view, column 1) plus an nn.Parameter (_rebuild_parameter).',
 'C': "WRAPPED_PTH: {'epoch': 7, 'lr': 2e-4, 'state_dict': OrderedDict(w=[[1,2],[3,4]], n=int64 5), 'opt': {...}}.",
 'LA': 'LEGACY_DTYPES_PTH: DTYPES_PTH saved in the legacy format (_use_new_zipfile_serialization=False).',
 'LB': 'LEGACY_VIEWS_PTH: VIEWS_PTH saved in the legacy format.',
 'LC': "LEGACY_WRAPPED_PTH: legacy, pickle protocol 4: {'epoch': 7, 'args': argparse.Namespace(lr=2e-4, name='run'),\n * 'best': numpy.float64(0.5), 'state_dict': OrderedDict('module.w'=[[1,2],[3,4]], 'module.n'=int64 5)}.",
 'LM': 'LEGACY_MODULE_PTH: a whole pickled nn.Sequential(Conv2d(1, 2, 1), BatchNorm2d(2)), legacy format.',
}
names = {'A': 'DTYPES_PTH', 'B': 'VIEWS_PTH', 'C': 'WRAPPED_PTH', 'LA': 'LEGACY_DTYPES_PTH', 'LB': 'LEGACY_VIEWS_PTH', 'LC': 'LEGACY_WRAPPED_PTH', 'LM': 'LEGACY_MODULE_PTH'}
for k, data in [('A', A), ('B', B), ('C', C), ('LA', LA), ('LB', LB), ('LC', LC), ('LM', LM)]:
    b64 = base64.b64encode(data).decode()
    out.append('/** ' + docs[k] + ' */')
    out.append('export const ' + names[k] + ' =')
    lines = textwrap.wrap(b64, 100)
    out.append('\n'.join("  '" + l + "' +" for l in lines)[:-2] + ';')
    out.append('')
open('torch_samples.ts', 'w').write('\n'.join(out))
