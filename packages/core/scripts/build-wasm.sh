#!/bin/sh
# Rebuilds packages/core/wasm/winograd{,-shared}{,-relaxed}.wasm from winograd.c (the .wasm files are
# committed: installing the project needs no compiler). Needs clang ≥ 16 and wasm-ld (Debian: apt-get
# install clang-16 lld-16, then CLANG=clang-16 with /usr/lib/llvm-16/bin on PATH). Four variants: a shared
# memory (tfjs' threaded wasm build) or a plain one, each with plain SIMD or relaxed SIMD (fused multiply-add).
set -eu
cd "$(dirname "$0")/../wasm"
flags="--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -Wall -Werror -Wl,--no-entry -Wl,--import-memory -Wl,--max-memory=4294967296 -Wl,--strip-all"
clang=${CLANG:-clang}
shared="-matomics -mbulk-memory -Wl,--shared-memory"
relaxed="-DRELAXED -mrelaxed-simd"
$clang $flags -o winograd.wasm winograd.c
$clang $flags $shared -o winograd-shared.wasm winograd.c
$clang $flags $relaxed -o winograd-relaxed.wasm winograd.c
$clang $flags $relaxed $shared -o winograd-shared-relaxed.wasm winograd.c
ls -l winograd*.wasm
