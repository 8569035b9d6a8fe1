#!/usr/bin/env bash
# Builds the virtlab Linux kernel (arch/riscv/boot/Image, uncompressed, loaded at 0x80200000)
# from Debian's linux-source-6.1: tinyconfig + images/linux/virtlab.config.
# Output: images/work/out/linux/Image and images/linux/kernel.config (full .config, for reference).
source "$(dirname "$0")/../lib.sh"

need_pkg linux-source-6.1 /usr/src/linux-source-6.1.tar.xz
need_pkg gcc-riscv64-linux-gnu riscv64-linux-gnu-gcc
need_pkg bc bc
need_pkg flex flex
need_pkg bison bison

SRC="$WORK/linux-source-6.1"
OUT="$WORK/out/linux"
FRAGMENT="$IMAGES_DIR/linux/virtlab.config"
mkdir -p "$WORK" "$OUT"

# Unpack once; a stamp records which package version the tree came from.
stamp="linux-source-6.1 $(pkg_version linux-source-6.1)"
if [ ! -f "$SRC/.virtlab-src" ] || [ "$(cat "$SRC/.virtlab-src")" != "$stamp" ]; then
  log "unpacking /usr/src/linux-source-6.1.tar.xz"
  rm -rf "$SRC"
  tar -C "$WORK" -xJf /usr/src/linux-source-6.1.tar.xz
  echo "$stamp" >"$SRC/.virtlab-src"
fi

# Reproducibility: the build date, user and host baked into the kernel's version string.
export SOURCE_DATE_EPOCH="$(changelog_epoch /usr/share/doc/linux-source-6.1/changelog.Debian.gz)"
export KBUILD_BUILD_TIMESTAMP="$(date -u -d "@$SOURCE_DATE_EPOCH" '+%a %b %e %H:%M:%S UTC %Y')"
export KBUILD_BUILD_USER=virtlab KBUILD_BUILD_HOST=virtlab KBUILD_BUILD_VERSION=1
export ARCH=riscv CROSS_COMPILE="$LINUX_CROSS"

cd "$SRC"
# Regenerate the config from scratch each time (cheap) into a temporary file and only replace
# .config when it differs, so an unchanged config does not trigger a full rebuild.
mkdir -p "$WORK/kconfig"
cp -f .config "$WORK/kconfig/prev.config" 2>/dev/null || : >"$WORK/kconfig/prev.config"
make -s tinyconfig >/dev/null
scripts/kconfig/merge_config.sh -m .config "$FRAGMENT" >"$WORK/kconfig/merge.log"
make -s olddefconfig
# Every line of the fragment must have survived olddefconfig (dependencies can silently drop them).
bad=0
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) grep -qxF "$line" .config || { echo "config: wanted '$line', got '$(grep "^${line%%=*}=" .config || echo unset)'" >&2; bad=1; } ;;
    "# CONFIG_"*" is not set") sym="${line#\# }"; sym="${sym%% *}"; ! grep -q "^$sym=" .config || { echo "config: wanted $sym off, got '$(grep "^$sym=" .config)'" >&2; bad=1; } ;;
  esac
done <"$FRAGMENT"
[ "$bad" = 0 ] || die "the config fragment does not apply cleanly (see above)"
if cmp -s .config "$WORK/kconfig/prev.config"; then
  # keep the old file (and its mtime) so make sees no change
  cp -p "$WORK/kconfig/prev.config" .config
fi
cp -f .config "$IMAGES_DIR/linux/kernel.config"

log "building Linux $(make -s kernelversion) with -j$JOBS"
make -j"$JOBS" Image
cp -f arch/riscv/boot/Image "$OUT/Image"
cp -f System.map "$OUT/System.map"
make -s kernelversion >"$OUT/kernel.version"
log "kernel: $OUT/Image ($(stat -c %s "$OUT/Image") bytes)"
