#!/usr/bin/env bash
# Builds the bare-metal images (counter, memtouch): M-mode ELF programs linked at 0x80000000,
# entered with a0 = hartid, a1 = DTB. Compiler: Debian's gcc-riscv64-unknown-elf, no libc.
# Usage: build.sh [name...]   (default: all).
# Output: images/work/out/<name>/<name>.elf, published as public/images/<name>/<name>.elf.gz
source "$(dirname "$0")/../lib.sh"

need_pkg gcc-riscv64-unknown-elf riscv64-unknown-elf-gcc

BM="$IMAGES_DIR/baremetal"
CFLAGS=(-march=rv64imac_zicsr -mabi=lp64 -mcmodel=medany -O2 -Wall -Wextra -Werror
        -ffreestanding -fno-builtin -nostdlib -nostartfiles -static
        -fno-pic -fno-asynchronous-unwind-tables -fno-ident
        -ffile-prefix-map="$BM"=. -I"$BM/common")
LDFLAGS=(-Wl,-T,"$BM/common/link.ld" -Wl,--build-id=none -Wl,--no-warn-rwx-segments)

names=("$@")
[ ${#names[@]} -gt 0 ] || names=(counter memtouch)
for name in "${names[@]}"; do
  [ -f "$BM/$name/main.c" ] || die "no bare-metal program $name"
  out="$WORK/out/$name"
  mkdir -p "$out"
  log "building $name"
  # Separate compile steps: with one gcc call the objects get random temporary names, which
  # end up as FILE symbols in the ELF and make it differ from build to build.
  for src in common/start.S common/board.c "$name/main.c"; do
    obj="$out/$(basename "${src%.*}").o"
    "${ELF_CROSS}gcc" "${CFLAGS[@]}" -c -o "$obj" "$BM/$src"
  done
  (cd "$out" && "${ELF_CROSS}gcc" "${CFLAGS[@]}" "${LDFLAGS[@]}" -o "$name.elf" start.o board.o main.o -lgcc)
  "${ELF_CROSS}size" "$out/$name.elf" >&2
  cat >"$out/versions.json" <<JSON
{
  "gcc": "riscv64-unknown-elf-gcc $(${ELF_CROSS}gcc -dumpfullversion) (gcc-riscv64-unknown-elf $(pkg_version gcc-riscv64-unknown-elf))",
  "binutils": "$(pkg_version binutils-riscv64-unknown-elf)"
}
JSON
  publish "$out/$name.elf" "$name" "$name.elf"
done
update_index
