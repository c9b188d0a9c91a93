#!/bin/sh
# Installs oneDNN, which @translate/native-kernels builds against during `pnpm install` (translate's
# fast CPU path), with the platform's package manager: apt-get (Debian/Ubuntu, as root or with
# passwordless sudo), Homebrew (macOS) or conda (an active environment). Never fails: where none of
# them works it says so, and translate runs on its wasm kernels. Skip it with TRANSLATE_NATIVE_KERNELS=0.
case "${TRANSLATE_NATIVE_KERNELS:-}" in 0|off|false) exit 0 ;; esac
have() { command -v "$1" >/dev/null 2>&1; }
found() { [ -f /usr/include/dnnl.hpp ] || [ -f /usr/local/include/dnnl.hpp ] || [ -f /opt/homebrew/include/dnnl.hpp ] ||
  { [ -n "${CONDA_PREFIX:-}" ] && [ -f "$CONDA_PREFIX/include/dnnl.hpp" ]; }; }
if found; then echo "oneDNN: already installed"; exit 0; fi
if have apt-get; then
  if [ "$(id -u)" = 0 ]; then SUDO=; elif have sudo && sudo -n true 2>/dev/null; then SUDO=sudo; else SUDO=none; fi
  if [ "$SUDO" != none ]; then
    $SUDO apt-get install -y --no-install-recommends libdnnl-dev >/dev/null 2>&1 ||
      { $SUDO apt-get update >/dev/null 2>&1 && $SUDO apt-get install -y --no-install-recommends libdnnl-dev >/dev/null 2>&1; }
  fi
elif have brew; then
  brew install onednn >/dev/null 2>&1
elif [ -n "${CONDA_PREFIX:-}" ] && have conda; then
  conda install -y -c conda-forge onednn >/dev/null 2>&1
fi
if found; then
  echo "oneDNN: installed; pnpm install builds the native kernels with it"
else
  echo "note: oneDNN not installed (needs apt-get as root, Homebrew or conda); translate will use its wasm kernels." \
    "To add them later: install libdnnl-dev / onednn, then run: pnpm --filter @translate/native-kernels run rebuild"
fi
