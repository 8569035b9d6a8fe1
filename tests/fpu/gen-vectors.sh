#!/usr/bin/env bash
# Regenerates tests/fixtures/fpu/vectors.txt.gz from QEMU's RISC-V F/D
# implementation. Needs riscv64-linux-gnu-gcc (+ libc6-dev-riscv64-cross)
# and qemu-riscv64 (qemu-user). Output is deterministic (fixed PRNG seed).
#   usage: tests/fpu/gen-vectors.sh [random-vectors-per-op]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="$root/tests/fixtures/fpu/vectors.txt.gz"
nrand="${1:-2500}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

riscv64-linux-gnu-gcc -O2 -static -Wall -o "$tmp/gen-vectors" "$here/gen-vectors.c"
qemu-riscv64 "$tmp/gen-vectors" "$nrand" > "$tmp/vectors.txt"
mkdir -p "$(dirname "$out")"
gzip -9 -n -c "$tmp/vectors.txt" > "$out"
echo "wrote $out ($(stat -c %s "$out") bytes, qemu: $(qemu-riscv64 --version | head -1))"
