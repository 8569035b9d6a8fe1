# Shared settings for the image recipes. Sourced, never run.
# Everything is built under images/work/ (git-ignored) from installed Debian packages only;
# outputs go to public/images/<name>/.
set -euo pipefail

IMAGES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$IMAGES_DIR/.." && pwd)"
# Overridable to check reproducibility: build twice in different places and compare.
WORK="${VIRTLAB_IMAGES_WORK:-$IMAGES_DIR/work}"
PUBLIC="${VIRTLAB_IMAGES_PUBLIC:-$REPO_DIR/public/images}"
JOBS="${JOBS:-$(nproc)}"
export LC_ALL=C TZ=UTC
umask 022

LINUX_CROSS=riscv64-linux-gnu-
ELF_CROSS=riscv64-unknown-elf-

log() { printf '\033[1m[images]\033[0m %s\n' "$*" >&2; }
die() { printf '[images] error: %s\n' "$*" >&2; exit 1; }

need_pkg() { # need_pkg <debian package> <file it provides>
  [ -e "$2" ] || command -v "$2" >/dev/null 2>&1 || die "missing $2: apt-get install $1"
}

# Version of an installed Debian package.
pkg_version() { dpkg-query -W -f='${Version}' "$1"; }

# Timestamp of the newest entry of a Debian changelog: the reproducible build date.
changelog_epoch() { dpkg-parsechangelog -l "$1" -S Timestamp; }

# publish <src> <image name> <file name>: gzip -9 -n (no name, no mtime: deterministic)
# into public/images/<image>/<file>.gz, only rewriting it when the content changed.
publish() {
  local src="$1" dir="$PUBLIC/$2" out="$PUBLIC/$2/$3.gz" tmp
  mkdir -p "$dir"
  tmp="$(mktemp "$dir/.tmp.XXXXXX")"
  gzip -9 -n -c "$src" >"$tmp"
  if [ -f "$out" ] && cmp -s "$tmp" "$out"; then rm -f "$tmp"; else mv "$tmp" "$out"; chmod 644 "$out"; fi
  log "published ${out#"$REPO_DIR/"} ($(stat -c %s "$src") -> $(stat -c %s "$out") bytes)"
}

# Rewrites public/images/index.json unless build-all.sh will do it once at the end.
update_index() {
  [ -n "${VIRTLAB_IMAGES_SKIP_INDEX:-}" ] || VIRTLAB_IMAGES_PUBLIC="$PUBLIC" node "$IMAGES_DIR/make-index.mjs"
}
