#!/usr/bin/env bash
# Runs every tests/isa/bin/*.elf on QEMU (the reference) and compares the
# exit status with manifest.json ("pass" = exit 0, {"exitCode": N} = exit N).
# Prints one line per test; exits non-zero if any test disagrees.
# Usage: tests/isa/qemu-check.sh [name...]
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

QEMU=${QEMU:-qemu-system-riscv64}
TIMEOUT=${TIMEOUT:-10}
if ! command -v "$QEMU" >/dev/null 2>&1; then
  echo "qemu-check.sh: error: '$QEMU' not found (apt-get install qemu-system-misc)" >&2
  exit 1
fi

# Expected exit code per test name, from manifest.json (default 0).
declare -A expect
if command -v node >/dev/null 2>&1 && [ -f manifest.json ]; then
  while read -r n code; do expect[$n]=$code; done < <(node -e '
    const m = require("./manifest.json");
    for (const t of m.tests) console.log(t.name, t.expect === "pass" ? 0 : t.expect.exitCode);')
fi

if [ $# -gt 0 ]; then names=("$@"); else
  names=(); for e in bin/*.elf; do names+=("$(basename "$e" .elf)"); done
fi

fails=0; total=0
for name in "${names[@]}"; do
  elf=bin/$name.elf
  want=${expect[$name]:-0}
  out=$(timeout "$TIMEOUT" "$QEMU" -M virt -bios none -nographic -m 128M \
          -kernel "$elf" </dev/null 2>&1)
  rc=$?
  total=$((total + 1))
  if [ "$rc" -eq "$want" ]; then
    printf 'PASS %-28s exit=%d\n' "$name" "$rc"
  else
    fails=$((fails + 1))
    what="exit=$rc"; [ "$rc" -eq 124 ] && what="timeout"
    printf 'FAIL %-28s %s (expected exit=%d)\n' "$name" "$what" "$want"
    [ -n "$out" ] && printf '     %s\n' "$out" | head -5
  fi
done
echo "$((total - fails))/$total passed"
[ "$fails" -eq 0 ]
