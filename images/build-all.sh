#!/usr/bin/env bash
# Rebuilds every sample guest image from Debian packages and writes public/images/ (see
# images/README.md). Idempotent: sources are unpacked once under images/work/, builds are
# incremental, and published files are only replaced when their content changes.
#   npm run images        or   bash images/build-all.sh
source "$(dirname "$0")/lib.sh"

export VIRTLAB_IMAGES_SKIP_INDEX=1
bash "$IMAGES_DIR/linux/build.sh"
bash "$IMAGES_DIR/baremetal/build.sh" counter memtouch
unset VIRTLAB_IMAGES_SKIP_INDEX
update_index
log "done: $(cd "$PUBLIC" && find . -name '*.gz' -printf '%p %s bytes, ' | sed 's/, $//')"
