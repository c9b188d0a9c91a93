#!/bin/sh
# Rebuilds packages/core/wasm/winograd{,-shared}.wasm from winograd.c (the .wasm files are committed:
# installing the project needs no compiler). Needs clang and wasm-ld (Debian: apt-get install clang lld).
# Two variants: one importing a shared memory (tfjs' threaded wasm build), one a plain memory.
set -eu
cd "$(dirname "$0")/../wasm"
flags="--target=wasm32 -O3 -msimd128 -nostdlib -ffreestanding -Wall -Werror -Wl,--no-entry -Wl,--import-memory -Wl,--max-memory=4294967296 -Wl,--strip-all"
clang $flags -o winograd.wasm winograd.c
clang $flags -matomics -mbulk-memory -Wl,--shared-memory -o winograd-shared.wasm winograd.c
ls -l winograd.wasm winograd-shared.wasm
