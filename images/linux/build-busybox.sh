#!/usr/bin/env bash
# Builds a static busybox for riscv64 from Debian's busybox source package (`apt-get source`,
# Debian patches applied): `make defconfig` + the changes in images/linux/busybox.config.
# Output: images/work/out/linux/busybox and busybox.links (the applet list, from the build).
source "$(dirname "$0")/../lib.sh"

need_pkg dpkg-dev dpkg-source
need_pkg gcc-riscv64-linux-gnu riscv64-linux-gnu-gcc
need_pkg libc6-dev-riscv64-cross /usr/riscv64-linux-gnu/lib/libc.a

OUT="$WORK/out/linux"
DL="$WORK/busybox-src"
mkdir -p "$OUT" "$DL"

# The source version apt would fetch (needs a deb-src line for bookworm, see images/README.md).
ver="$(apt-cache showsrc busybox | sed -n 's/^Version: //p' | sort -V | tail -1)"
[ -n "$ver" ] || die "apt-cache showsrc busybox found nothing: add a deb-src entry and apt-get update"
upstream="${ver#*:}"; upstream="${upstream%%-*}"
SRC="$DL/busybox-$upstream"
if [ ! -f "$SRC/.virtlab-src" ] || [ "$(cat "$SRC/.virtlab-src")" != "busybox $ver" ]; then
  log "fetching busybox $ver source with apt-get source"
  rm -rf "$DL"; mkdir -p "$DL"
  (cd "$DL" && apt-get source -q "busybox=$ver" >"$DL/apt-get-source.log" 2>&1) || { cat "$DL/apt-get-source.log" >&2; die "apt-get source busybox failed"; }
  echo "busybox $ver" >"$SRC/.virtlab-src"
fi

export SOURCE_DATE_EPOCH="$(changelog_epoch "$SRC/debian/changelog")"
export KCONFIG_NOTIMESTAMP=1
cd "$SRC"
cp -f .config "$WORK/busybox.prev.config" 2>/dev/null || : >"$WORK/busybox.prev.config"
make -s CROSS_COMPILE="$LINUX_CROSS" defconfig >/dev/null
# Apply our changes: each line of busybox.config replaces the symbol's line in .config.
while IFS= read -r line; do
  case "$line" in
    CONFIG_*=*) sym="${line%%=*}" ;;
    "# CONFIG_"*" is not set") sym="${line#\# }"; sym="${sym%% *}" ;;
    *) continue ;;
  esac
  sed -i -e "/^$sym=/d" -e "/^# $sym is not set/d" .config
  echo "$line" >>.config
done <"$IMAGES_DIR/linux/busybox.config"
{ yes "" || true; } | make -s CROSS_COMPILE="$LINUX_CROSS" oldconfig >/dev/null
grep -q '^CONFIG_STATIC=y' .config || die "busybox: CONFIG_STATIC did not stick"
if cmp -s .config "$WORK/busybox.prev.config"; then cp -p "$WORK/busybox.prev.config" .config; fi
cp -f .config "$IMAGES_DIR/linux/busybox.full.config"

log "building busybox $ver (static) with -j$JOBS"
make -j"$JOBS" CROSS_COMPILE="$LINUX_CROSS" busybox busybox.links
"${LINUX_CROSS}strip" -o "$OUT/busybox" busybox
cp -f busybox.links "$OUT/busybox.links"
echo "$ver" >"$OUT/busybox.version"
log "busybox: $OUT/busybox ($(stat -c %s "$OUT/busybox") bytes, $(wc -l <"$OUT/busybox.links") applets)"
