#!/usr/bin/env bash
# Builds and publishes the `linux` image: kernel Image + busybox initramfs.
#   public/images/linux/Image.gz            (decompressed: arch/riscv/boot/Image, load at 0x80200000)
#   public/images/linux/initramfs.cpio.gz   (decompressed: the newc cpio archive)
# Usage: build.sh [kernel] [busybox] [initramfs]   (default: all three, in that order). Naming
# steps rebuilds only those from what earlier builds left in images/work/out/linux, e.g.
# `build.sh initramfs` after editing rootfs/ (seconds, where the kernel takes minutes).
source "$(dirname "$0")/../lib.sh"

steps=("$@")
[ ${#steps[@]} -gt 0 ] || steps=(kernel busybox initramfs)
for step in "${steps[@]}"; do
  case "$step" in kernel|busybox|initramfs) ;; *) die "unknown step '$step' (kernel, busybox, initramfs)" ;; esac
done
for step in kernel busybox initramfs; do
  case " ${steps[*]} " in *" $step "*) bash "$IMAGES_DIR/linux/build-$step.sh" ;; esac
done

OUT="$WORK/out/linux"
cat >"$OUT/versions.json" <<JSON
{
  "linux": "$(cat "$OUT/kernel.version")",
  "linux-source-6.1": "$(pkg_version linux-source-6.1)",
  "busybox": "$(cat "$OUT/busybox.version")",
  "gcc": "riscv64-linux-gnu-gcc $(${LINUX_CROSS}gcc -dumpfullversion) (gcc-riscv64-linux-gnu $(pkg_version gcc-riscv64-linux-gnu), cpp-12-riscv64-linux-gnu $(pkg_version cpp-12-riscv64-linux-gnu))",
  "binutils": "$(pkg_version binutils-riscv64-linux-gnu)",
  "glibc": "$(pkg_version libc6-dev-riscv64-cross)"
}
JSON

publish "$OUT/Image" linux Image
publish "$OUT/initramfs.cpio" linux initramfs.cpio
update_index
