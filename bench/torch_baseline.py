#!/usr/bin/env python3
"""PyTorch's side of `pnpm bench`: the CycleGAN training step and generator inference on the CPU.

Run by bench/run.mjs in the same invocation as translate's rows, one process per image size:
  OMP_NUM_THREADS=2 /usr/bin/python3 bench/torch_baseline.py --size 128 --iters 5
It prints one JSON line: every timed iteration (after 2 warm-up iterations), their median, minimum
and maximum, and what PyTorch computed with: its version, threads, the BLAS library this process
actually mapped (read from /proc/self/maps), oneDNN (mkldnn) and OpenMP as torch.__config__ reports.

Which BLAS matters: Debian's python3-torch links the generic libblas.so.3, which is the slow
reference BLAS unless libopenblas0-pthread is installed (or put first on LD_LIBRARY_PATH, as
bench/run.mjs does); pip wheels bring MKL or OpenBLAS. bench/run.mjs refuses ratios against the
reference BLAS, since they would flatter translate by ~3x.

The networks are the published CycleGAN ones (pytorch-CycleGAN-and-pix2pix, networks.py):
resnet_9blocks generator (reflection padding, instance norm without affine parameters, transposed
convolutions), the 70x70 PatchGAN discriminator with 3 layers, lsgan, lambda_A = lambda_B = 10,
lambda_identity 0.5, Adam(2e-4, betas (0.5, 0.999)). One iteration is the reference's
optimize_parameters: both generators forward, the generator update with the discriminators frozen,
then both discriminator updates. The image pool is left out: it moves tensors but computes nothing.
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn


def resnet_generator(ngf, n_blocks=9):
    """ResnetGenerator(3, 3, ngf, norm_layer=InstanceNorm2d, use_dropout=False, n_blocks=9)."""
    def norm(channels):
        return nn.InstanceNorm2d(channels)

    class ResnetBlock(nn.Module):
        def __init__(self, channels):
            super().__init__()
            self.conv_block = nn.Sequential(
                nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), norm(channels), nn.ReLU(True),
                nn.ReflectionPad2d(1), nn.Conv2d(channels, channels, 3), norm(channels))

        def forward(self, x):
            return x + self.conv_block(x)

    layers = [nn.ReflectionPad2d(3), nn.Conv2d(3, ngf, 7), norm(ngf), nn.ReLU(True)]
    for i in range(2):
        c = ngf * 2 ** i
        layers += [nn.Conv2d(c, c * 2, 3, stride=2, padding=1), norm(c * 2), nn.ReLU(True)]
    layers += [ResnetBlock(ngf * 4) for _ in range(n_blocks)]
    for i in range(2):
        c = ngf * 2 ** (2 - i)
        layers += [nn.ConvTranspose2d(c, c // 2, 3, stride=2, padding=1, output_padding=1), norm(c // 2), nn.ReLU(True)]
    layers += [nn.ReflectionPad2d(3), nn.Conv2d(ngf, 3, 7), nn.Tanh()]
    return nn.Sequential(*layers)


def patch_discriminator(ndf, n_layers=3):
    """NLayerDiscriminator(3, ndf, n_layers=3, norm_layer=InstanceNorm2d)."""
    layers, channels = [nn.Conv2d(3, ndf, 4, stride=2, padding=1), nn.LeakyReLU(0.2, True)], ndf
    for n in range(1, n_layers + 1):
        out = ndf * min(2 ** n, 8)
        layers += [nn.Conv2d(channels, out, 4, stride=2 if n < n_layers else 1, padding=1), nn.InstanceNorm2d(out), nn.LeakyReLU(0.2, True)]
        channels = out
    layers += [nn.Conv2d(channels, 1, 4, stride=1, padding=1)]
    return nn.Sequential(*layers)


def mapped_blas():
    """The BLAS shared library this process mapped, and its kind (mkl, openblas, blis, reference)."""
    try:
        with open('/proc/self/maps') as maps:
            paths = sorted({line.split()[-1] for line in maps if '.so' in line})
    except OSError:
        return {'library': None, 'kind': 'unknown (no /proc/self/maps)'}
    mkl = [p for p in paths if os.path.basename(p).startswith('libmkl')]
    if mkl:
        return {'library': mkl[0], 'kind': 'mkl'}
    # Debian's libblas.so.3 is whichever alternative is selected (or first on LD_LIBRARY_PATH):
    # its folder names the implementation (blas/ is the reference one).
    for path in (p for p in paths if os.path.basename(p).startswith('libblas.so')):
        folder = os.path.basename(os.path.dirname(path))
        kind = 'reference' if folder == 'blas' else 'openblas' if 'openblas' in folder else 'blis' if 'blis' in folder else folder
        return {'library': path, 'kind': kind}
    bundled = [p for p in paths if os.path.basename(p).startswith(('libopenblas', 'libblis'))]
    if bundled:
        return {'library': bundled[0], 'kind': 'openblas' if 'openblas' in bundled[0] else 'blis'}
    return {'library': None, 'kind': 'none mapped'}


def build_settings():
    """The parts of torch.__config__ that decide CPU speed."""
    show = torch.__config__.show()
    settings = {}
    for field in ('BLAS_INFO', 'LAPACK_INFO', 'USE_MKLDNN', 'USE_OPENMP'):
        start = show.find(field + '=')
        if start >= 0:
            settings[field] = show[start + len(field) + 1:].split(',')[0].strip()
    settings['cpu_capability'] = next((line.split(':', 1)[1].strip() for line in show.splitlines() if 'CPU capability usage' in line), None)
    settings['mkldnn_enabled'] = torch.backends.mkldnn.is_available() and torch.backends.mkldnn.enabled
    settings['parallel'] = next((line.strip() for line in torch.__config__.parallel_info().splitlines() if 'parallel backend' in line), None)
    return settings


def stats(times):
    return {'median': statistics.median(times), 'min': min(times), 'max': max(times), 'all': times}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--size', type=int, default=128)
    parser.add_argument('--iters', type=int, default=5, help='timed iterations (after 2 warm-up ones)')
    parser.add_argument('--ngf', type=int, default=64, help='ngf = ndf')
    args = parser.parse_args()
    torch.manual_seed(0)
    G_A, G_B = resnet_generator(args.ngf), resnet_generator(args.ngf)
    D_A, D_B = patch_discriminator(args.ngf), patch_discriminator(args.ngf)
    opt_G = torch.optim.Adam(list(G_A.parameters()) + list(G_B.parameters()), lr=2e-4, betas=(0.5, 0.999))
    opt_D = torch.optim.Adam(list(D_A.parameters()) + list(D_B.parameters()), lr=2e-4, betas=(0.5, 0.999))
    mse, l1 = nn.MSELoss(), nn.L1Loss()
    real_A = torch.rand(1, 3, args.size, args.size) * 2 - 1
    real_B = torch.rand(1, 3, args.size, args.size) * 2 - 1

    def gan_loss(prediction, is_real):
        return mse(prediction, torch.full_like(prediction, 1.0 if is_real else 0.0))

    def set_requires_grad(nets, flag):
        for net in nets:
            for p in net.parameters():
                p.requires_grad_(flag)

    train = []
    for i in range(args.iters + 2):
        start = time.perf_counter()
        fake_B, fake_A = G_A(real_A), G_B(real_B)
        rec_A, rec_B = G_B(fake_B), G_A(fake_A)
        set_requires_grad([D_A, D_B], False)
        opt_G.zero_grad()
        loss_G = (gan_loss(D_A(fake_B), True) + gan_loss(D_B(fake_A), True)
                  + 10 * l1(rec_A, real_A) + 10 * l1(rec_B, real_B)
                  + 10 * 0.5 * l1(G_A(real_B), real_B) + 10 * 0.5 * l1(G_B(real_A), real_A))
        loss_G.backward()
        opt_G.step()
        set_requires_grad([D_A, D_B], True)
        opt_D.zero_grad()
        for D, real, fake in ((D_A, real_B, fake_B), (D_B, real_A, fake_A)):
            (0.5 * (gan_loss(D(real), True) + gan_loss(D(fake.detach()), False))).backward()
        opt_D.step()
        if i >= 2:
            train.append(time.perf_counter() - start)

    G_A.eval()
    infer = []
    with torch.no_grad():
        for i in range(args.iters + 1):
            start = time.perf_counter()
            G_A(real_A)
            if i >= 1:
                infer.append(time.perf_counter() - start)

    print(json.dumps({
        'framework': f'torch {torch.__version__}',
        'threads': torch.get_num_threads(),
        'size': args.size,
        'blas': mapped_blas(),
        'openblas_coretype': os.environ.get('OPENBLAS_CORETYPE'),
        'build': build_settings(),
        'train_s_per_iter': stats(train),
        'infer_s': stats(infer),
    }))


if __name__ == '__main__':
    main()
