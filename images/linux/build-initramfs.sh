#!/usr/bin/env bash
# Packs the initramfs (newc cpio, gzip) without root: the kernel tree's usr/gen_init_cpio reads
# images/linux/initramfs.list (files from images/linux/rootfs/, device nodes, /init -> busybox)
# plus a symlink per busybox applet.
# Needs build-kernel.sh (for gen_init_cpio) and build-busybox.sh to have run.
# Output: images/work/out/linux/initramfs.cpio.gz
source "$(dirname "$0")/../lib.sh"

SRC="$WORK/linux-source-6.1"
OUT="$WORK/out/linux"
STAGE="$WORK/initramfs-stage"
[ -x "$OUT/busybox" ] || die "run build-busybox.sh first"
[ -f "$SRC/usr/gen_init_cpio.c" ] || die "run build-kernel.sh first"

# gen_init_cpio is a small host tool; build it from the kernel tree if needed.
GEN="$WORK/gen_init_cpio"
if [ ! -x "$GEN" ] || [ "$SRC/usr/gen_init_cpio.c" -nt "$GEN" ]; then
  cc -O2 -o "$GEN" "$SRC/usr/gen_init_cpio.c"
fi

# Every timestamp in the archive is the Linux source's changelog date.
export SOURCE_DATE_EPOCH="$(changelog_epoch /usr/share/doc/linux-source-6.1/changelog.Debian.gz)"

rm -rf "$STAGE"
mkdir -p "$STAGE/bin"
cp -r "$IMAGES_DIR/linux/rootfs/." "$STAGE/"
cp "$OUT/busybox" "$STAGE/bin/busybox"
# memdirty (issue 6's migration bench): freestanding, a few KiB; no build id so it is reproducible.
need_pkg gcc-riscv64-linux-gnu "${LINUX_CROSS}gcc"
mkdir -p "$STAGE/usr/bin"
"${LINUX_CROSS}gcc" -O2 -static -nostdlib -ffreestanding -fno-stack-protector -fno-pie -no-pie \
  -Wl,--no-relax -Wl,--build-id=none -s -o "$STAGE/usr/bin/memdirty" "$IMAGES_DIR/linux/memdirty.c"
find "$STAGE" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

list="$WORK/initramfs.full.list"
{
  cat "$IMAGES_DIR/linux/initramfs.list"
  echo "# busybox applets"
  sort -u "$OUT/busybox.links" | while read -r path; do
    case "$path" in /bin/busybox|/linuxrc|/init) continue ;; esac
    printf 'slink %s /bin/busybox 0777 0 0\n' "$path"
  done
} >"$list"

STAGE="$STAGE" "$GEN" -t "$SOURCE_DATE_EPOCH" "$list" >"$OUT/initramfs.cpio"
gzip -9 -n -c "$OUT/initramfs.cpio" >"$OUT/initramfs.cpio.gz"
log "initramfs: $OUT/initramfs.cpio ($(stat -c %s "$OUT/initramfs.cpio") bytes, gzip $(stat -c %s "$OUT/initramfs.cpio.gz"))"
