#!/usr/bin/env python3
"""Boots the virtlab Linux image under QEMU (the reference) and checks it reaches a shell.

Usage: qemu-test.py [--kernel K] [--initrd I] [--append CMDLINE] [--smp N] [--mem M] [--bios B]
Prints the console transcript, the time from QEMU start to the first shell prompt, runs a few
commands and finally `poweroff -f`, expecting QEMU to exit. Standard library only.
"""
import argparse, os, re, select, subprocess, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "work", "out", "linux")

ap = argparse.ArgumentParser()
ap.add_argument("--kernel", default=os.path.join(OUT, "Image"))
ap.add_argument("--initrd", default=os.path.join(OUT, "initramfs.cpio.gz"))
ap.add_argument("--append", default="console=ttyS0 earlycon=sbi")
ap.add_argument("--smp", default="1")
ap.add_argument("--mem", default="128M")
ap.add_argument("--bios", default=None, help="default: QEMU's OpenSBI")
ap.add_argument("--poweroff", default="poweroff -f", help="command expected to stop QEMU")
ap.add_argument("--quiet", action="store_true", help="do not echo the console")
ap.add_argument("--commands", nargs="*", default=[
    "uname -a", "uname -m", "cat /proc/cpuinfo", "hostname", "sleep 1 && echo slept",
    "cat /proc/cmdline", "ls /dev", "free", "ps"])
args = ap.parse_args()

cmd = ["qemu-system-riscv64", "-M", "virt", "-m", args.mem, "-smp", args.smp, "-nographic",
       "-kernel", args.kernel, "-initrd", args.initrd, "-append", args.append]
if args.bios:
    cmd[1:1] = ["-bios", args.bios]
PROMPT = re.compile(rb"\w+@[\w-]+:[^\s]*[#$] $")

t0 = time.monotonic()
p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
buf = b""


def read_until(pattern, timeout):
    """Reads console output until `pattern` matches the tail of it; returns the new text."""
    global buf
    start = len(buf)
    deadline = time.monotonic() + timeout
    while True:
        m = pattern.search(buf, start)
        if m:
            return buf[start:]
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"timed out waiting for {pattern.pattern!r}")
        r, _, _ = select.select([p.stdout], [], [], left)
        if r:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                raise EOFError("QEMU exited")
            if not args.quiet:
                sys.stdout.buffer.write(chunk)
                sys.stdout.flush()
            buf += chunk


def send(line):
    p.stdin.write(line.encode() + b"\r")
    p.stdin.flush()


failed = False
try:
    read_until(PROMPT, 120)
    boot = time.monotonic() - t0
    for c in args.commands:
        send(c)
        read_until(PROMPT, 30)
    # Job control: Ctrl-C must interrupt a foreground command and give the prompt back.
    send("sleep 30")
    time.sleep(1)
    p.stdin.write(b"\x03")
    p.stdin.flush()
    read_until(PROMPT, 5)
    ctrlc = "Ctrl-C interrupted `sleep 30`"
    send(args.poweroff)
    try:
        p.wait(timeout=20)
        poweroff = f"QEMU exited with status {p.returncode} after `{args.poweroff}`"
    except subprocess.TimeoutExpired:
        poweroff = f"QEMU did NOT exit after `{args.poweroff}`"
        failed = True
    print(f"\n\n== boot to prompt: {boot:.2f} s (QEMU {' '.join(cmd[1:])})\n== {ctrlc}\n== {poweroff}")
except Exception as e:  # noqa: BLE001
    print(f"\n\n== FAILED: {e}")
    failed = True
finally:
    if p.poll() is None:
        p.kill()
sys.exit(1 if failed else 0)
