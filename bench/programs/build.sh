#!/usr/bin/env bash
# Builds the bench programs with Debian's gcc-riscv64-unknown-elf; the ELFs are committed.
set -euo pipefail
cd "$(dirname "$0")"
command -v riscv64-unknown-elf-gcc >/dev/null || { echo "needs gcc-riscv64-unknown-elf (apt-get install gcc-riscv64-unknown-elf)" >&2; exit 1; }
mkdir -p ../bin
for paging in 0 1; do
  name=$([ $paging = 1 ] && echo cpu-sv39 || echo cpu-bare)
  riscv64-unknown-elf-gcc -march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -O2 -nostdlib -nostartfiles \
    -ffreestanding -fno-builtin -static -T link.ld -DPAGING=$paging -DROUNDS=${ROUNDS:-20} -DEXPECTED=0 \
    -Wl,--no-warn-rwx-segments -o ../bin/$name.elf start.S workload.c
done
echo "built bench/bin/cpu-bare.elf bench/bin/cpu-sv39.elf"
