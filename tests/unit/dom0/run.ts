/** Run one dom0 command line without a terminal: exact stdout, stderr and status. */
import { tokenize } from '../../../src/hypervisor/dom0/cmdline.ts';
import type { Command, ShellEnv } from '../../../src/hypervisor/dom0/command.ts';
import { FILE_COMMANDS, SHELL_COMMANDS } from '../../../src/hypervisor/dom0/coreutils.ts';
import { Vfs } from '../../../src/hypervisor/dom0/vfs.ts';
import { SaveImages } from '../../../src/hypervisor/dom0/saves.ts';
import { virtInstall } from '../../../src/hypervisor/dom0/virt-install.ts';
import { virsh } from '../../../src/hypervisor/dom0/virsh.ts';
import { xl } from '../../../src/hypervisor/dom0/xl.ts';
import { xentop } from '../../../src/hypervisor/dom0/top.ts';
import { FakeHost } from './fake-host.ts';

export const COMMANDS: readonly Command[] = [virsh, xl, xentop, virtInstall, ...FILE_COMMANDS, ...SHELL_COMMANDS];

/** Random bytes counting up from `seed`: generated UUIDs and MACs are predictable. */
export function counting(seed = 0): (b: Uint8Array) => void {
  let n = seed;
  return (b) => { for (let i = 0; i < b.length; i++) b[i] = n++ & 0xff; };
}

export const T0 = Date.UTC(2025, 0, 15, 12, 0, 0);

export function makeEnv(host = new FakeHost(), fs = Vfs.withDefaults({ now: () => T0 })): ShellEnv & { host: FakeHost; cwdValue: string } {
  const env = {
    host,
    fs,
    cwdValue: '/root',
    get cwd() { return env.cwdValue; },
    setCwd(p: string) { env.cwdValue = p; },
    random: counting(0x10),
    now: () => T0,
    commands: () => COMMANDS,
    history: () => [],
    dom0: { memoryMiB: 256, vcpus: 1, startedAt: T0 },
    saves: new SaveImages(),
  };
  return env;
}

export async function run(env: ShellEnv, line: string, stdin = '', signal?: AbortSignal): Promise<{ out: string; err: string; status: number }> {
  const words = tokenize(line)!.map((t) => (t.t === 'word' ? t.word.text : t.op));
  const cmd = COMMANDS.find((c) => c.name === words[0]);
  if (!cmd) throw new Error(`no command ${words[0]}`);
  let out = '';
  let err = '';
  const status = await cmd.run({ args: words.slice(1), stdin, out: (s) => { out += s; }, err: (s) => { err += s; }, env, signal });
  return { out, err, status };
}
