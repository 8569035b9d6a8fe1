#!/usr/bin/env bash
# Builds every tests/isa/*.S test (except the shared runtime.S) into
# tests/isa/bin/<name>.elf.  Idempotent: always rebuilds everything and
# removes ELFs whose source is gone.  Needs riscv64-unknown-elf-gcc
# (Debian: apt-get install gcc-riscv64-unknown-elf).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

CC=${RISCV_CC:-riscv64-unknown-elf-gcc}
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "build.sh: error: '$CC' not found." >&2
  echo "  Install the bare-metal RISC-V toolchain, e.g. 'apt-get install gcc-riscv64-unknown-elf'," >&2
  echo "  or point RISCV_CC at one." >&2
  exit 1
fi

FLAGS=(-march=rv64imafdc_zicsr_zifencei -mabi=lp64d -nostdlib -nostartfiles -static
       -Wa,--fatal-warnings -Wl,--no-warn-rwx-segments -I. -T link.ld)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p bin

"$CC" "${FLAGS[@]}" -c runtime.S -o "$tmp/runtime.o"

count=0
for src in *.S; do
  [ "$src" = runtime.S ] && continue
  name=${src%.S}
  # assemble to a named object first: keeps the ELF reproducible (no
  # random temporary file names in its symbol table)
  "$CC" "${FLAGS[@]}" -c "$src" -o "$tmp/$name.o"
  "$CC" "${FLAGS[@]}" -o "$tmp/$name.elf" "$tmp/$name.o" "$tmp/runtime.o"
  mv "$tmp/$name.elf" "bin/$name.elf"
  count=$((count + 1))
done

# Drop ELFs whose source was removed.
for elf in bin/*.elf; do
  [ -e "$elf" ] || continue
  name=$(basename "$elf" .elf)
  [ -e "$name.S" ] || { echo "removing stale $elf"; rm -f "$elf"; }
done

echo "built $count test(s) into tests/isa/bin/"
