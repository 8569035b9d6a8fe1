#!/usr/bin/env bash
# Runs the ISA test ELFs (tests/isa/bin/*.elf) on QEMU, the reference
# implementation, and compares each exit status with manifest.json:
#   "expect": "pass"            -> exit status 0
#   "expect": {"exitCode": N}   -> exit status N (and, if the entry has a
#                                  "uart" string, the UART output must
#                                  contain it)
# Prints one PASS/FAIL line per test; exits non-zero if any test disagrees.
# Usage: tests/isa/qemu-check.sh [name...]      (default: every ELF in bin/)
# Environment: QEMU (default qemu-system-riscv64), TIMEOUT (seconds, 10).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

QEMU=${QEMU:-qemu-system-riscv64}
TIMEOUT=${TIMEOUT:-10}
if ! command -v "$QEMU" >/dev/null 2>&1; then
  echo "qemu-check.sh: error: '$QEMU' not found (Debian: apt-get install qemu-system-misc)" >&2
  exit 1
fi

# name -> expected exit code / expected UART substring, from manifest.json
declare -A want_code want_uart
manifest_lines() {
  if command -v node >/dev/null 2>&1; then
    node -e '
      for (const t of require("./manifest.json"))
        console.log([t.name, t.expect === "pass" ? 0 : t.expect.exitCode, t.uart || ""].join("\t"));'
  elif command -v python3 >/dev/null 2>&1; then
    python3 -c '
import json
for t in json.load(open("manifest.json")):
    code = 0 if t["expect"] == "pass" else t["expect"]["exitCode"]
    print("\t".join([t["name"], str(code), t.get("uart", "")]))'
  else
    echo "qemu-check.sh: error: need node or python3 to read manifest.json" >&2
    exit 1
  fi
}
while IFS=$'\t' read -r n code uart; do
  want_code[$n]=$code
  want_uart[$n]=$uart
done < <(manifest_lines)

if [ $# -gt 0 ]; then
  names=("$@")
else
  names=()
  for e in bin/*.elf; do names+=("$(basename "$e" .elf)"); done
fi

echo "# $("$QEMU" --version | head -1)"
fails=0
total=0
for name in "${names[@]}"; do
  total=$((total + 1))
  elf=bin/$name.elf
  if [ -z "${want_code[$name]+set}" ]; then
    printf 'FAIL %-24s not listed in manifest.json\n' "$name"
    fails=$((fails + 1))
    continue
  fi
  want=${want_code[$name]}
  out=$(timeout "$TIMEOUT" "$QEMU" -M virt -bios none -nographic -m 128M \
          -kernel "$elf" </dev/null 2>&1)
  rc=$?
  uart=${want_uart[$name]}
  if [ "$rc" -eq "$want" ] && { [ -z "$uart" ] || [[ "$out" == *"$uart"* ]]; }; then
    printf 'PASS %-24s exit=%d\n' "$name" "$rc"
  else
    fails=$((fails + 1))
    what="exit=$rc"
    [ "$rc" -eq 124 ] && what="timeout after ${TIMEOUT}s"
    printf 'FAIL %-24s %s (expected exit=%d%s)\n' "$name" "$what" "$want" \
      "${uart:+ and UART output containing \"$uart\"}"
    [ -n "$out" ] && printf '%s\n' "$out" | head -5 | sed 's/^/     | /'
  fi
done
echo "$((total - fails))/$total as expected"
[ "$fails" -eq 0 ]
