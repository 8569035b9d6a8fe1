/**
 * xl: Xen's toolstack command (tools/xl), for the subcommands the lab supports, with xl's output
 * formats and messages. xl only sees domains that exist on a host (they have a domid); a defined
 * but shut-off domain is invisible to it, as on Xen, and Domain-0 is always listed first.
 */
import { asDom0Error, type DomainInfo, type DomainState } from './api.ts';
import { completeDomain, completePath, configPath, errText, findDomain, matching, pollUntil, type Command, type CommandContext } from './command.ts';
import { readConfigFile } from './config-file.ts';
import { formatSize, readSaveStub, saveStub } from './saves.ts';
import { completeTop, dom0CpuSec, runTop } from './top.ts';
import { parentOf } from './vfs.ts';

/**
 * The state column: r running, b blocked (idle), p paused, s shut down, then the shutdown reason
 * from "-rscwS" (c = crash), d dying. `in shutdown` shows as shut down with reason poweroff.
 */
export function xlState(s: DomainState): string {
  switch (s) {
    case 'running': return 'r-----';
    case 'idle': return '-b----';
    case 'paused': return '--p---';
    case 'in shutdown': return '---s--';
    case 'crashed': return '---sc-';
    case 'shut off': return '------';
  }
}

/** One row as xl_info.c prints it: "%-40s %5d %5lu %5d     %c%c%c%c%c%c  %8.1f". */
function row(name: string, id: number, memMiB: number, vcpus: number, state: string, timeSec: number): string {
  return `${name.padEnd(40)} ${String(id).padStart(5)} ${String(memMiB).padStart(5)} ${String(vcpus).padStart(5)}     ${state}  ${timeSec.toFixed(1).padStart(8)}\n`;
}

const HEADER = 'Name                                        ID   Mem VCPUs\tState\tTime(s)\n';

interface Sub {
  readonly name: string;
  readonly help: string;
  readonly usage: string;
  run(ctx: CommandContext, args: string[]): Promise<number> | number;
}

/** find_domain: an id or a name of a domain that exists on a host; xl's message otherwise. */
function find(ctx: CommandContext, ref: string): DomainInfo | undefined {
  const d = findDomain(ctx.env.host, ref);
  if (d && d.id !== undefined) return d;
  ctx.err(`${ref} is an invalid domain identifier (rc=-6)\n`);
  return undefined;
}

function libxlError(ctx: CommandContext, e: unknown, what?: string): number {
  ctx.err(`libxl: error: ${what ? `${what}: ` : ''}${asDom0Error(e).message}\n`);
  return 1;
}

/** Subcommands taking one domain and calling one operation; `say` is what xl prints first. */
function simple(name: string, help: string, op: (ctx: CommandContext, d: DomainInfo) => Promise<unknown>, say?: (d: DomainInfo) => string): Sub {
  return {
    name, help, usage: `xl ${name} <Domain>`,
    async run(ctx, args) {
      if (args.length !== 1) return usage(ctx, this);
      const d = find(ctx, args[0]);
      if (!d) return 1;
      if (say) ctx.err(say(d));
      try {
        await op(ctx, d);
        return 0;
      } catch (e) {
        return libxlError(ctx, e);
      }
    },
  };
}

function usage(ctx: CommandContext, s: Sub): number {
  ctx.err(`Usage: ${s.usage}\n\n${s.help}.\n\n`);
  return 1;
}

/** Xen's shutdown reason codes (SHUTDOWN_poweroff, SHUTDOWN_reboot), as xl prints them. */
const REASON_POWEROFF = 0;
const REASON_REBOOT = 1;

/**
 * xl shutdown -w / xl reboot -w: wait until each domid has shut down (gone — a reboot restarts
 * the domain with a new domid —, shut off, or halted and preserved), telling of each as xl does;
 * false if Ctrl-C stopped the wait (the shutdowns go on).
 */
async function waitForShutdowns(ctx: CommandContext, ids: readonly number[], reason: number): Promise<boolean> {
  ctx.err(`Waiting for ${ids.length} domains\n`);
  const pending = new Set(ids);
  return pollUntil(ctx, () => {
    for (const id of pending) {
      const d = ctx.env.host.domains().find((x) => x.id === id);
      if (d && !d.halted && d.state !== 'shut off' && d.state !== 'crashed') continue;
      ctx.err(`Domain ${id} has been shut down, reason code ${reason}\n`);
      pending.delete(id);
    }
    return pending.size === 0;
  });
}

async function attach(ctx: CommandContext, d: DomainInfo): Promise<number> {
  try {
    await ctx.env.host.attachConsole(d.name);
  } catch (e) {
    return libxlError(ctx, e);
  }
  ctx.out(`${d.name}'s console is open in the dashboard (this shell stays in dom0)\n`);
  return 0;
}

const SUBS: readonly Sub[] = [
  {
    name: 'create', help: 'Create a domain from config file <filename>',
    usage: 'xl create <ConfigFile> [options] [vars]\n\n-p                      Leave the domain paused after it is created.\n-c                      Connect to the console after the domain is created.\n-f FILE, --defconfig=FILE\n                        Use the given configuration file.\nvars                    key=value settings that override the file, e.g. memory=256',
    async run(ctx, args) {
      let file: string | undefined;
      let attachConsole = false;
      let paused = false;
      const vars: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '-c') attachConsole = true;
        else if (a === '-p') paused = true;
        else if (a === '-q' || a === '--quiet') continue;
        else if (a === '-f') file = args[++i];
        else if (a.startsWith('--defconfig=')) file = a.slice('--defconfig='.length);
        else if (a.startsWith('-')) { ctx.err(`xl create: option '${a}' is not supported in this lab\n`); return 1; }
        else if (a.includes('=')) vars.push(a);
        else if (file === undefined) file = a;
        else { ctx.err(`xl create: unexpected argument '${a}'\n`); return 1; }
      }
      if (file === undefined) return usage(ctx, this);
      const path = configPath(ctx.env, file);
      ctx.err(`Parsing config from ${path}\n`);
      const read = readConfigFile(ctx.env, path, vars);
      if (!read.ok) {
        ctx.err(read.stage === 'read' ? `Failed to read config file: ${path}: ${read.reason}\n` : `${path}: ${read.message}\n`);
        return 1;
      }
      for (const w of read.warnings) ctx.err(`WARNING: ${w}\n`);
      const cfg = read.config;
      const host = ctx.env.host;
      const existing = host.domains().find((d) => d.name === cfg.name);
      if (existing && existing.id !== undefined) {
        ctx.err(`libxl: error: domain with name "${cfg.name}" already exists\n`);
        return 1;
      }
      try {
        const result = await host.define(cfg);
        for (const n of result?.notes ?? []) ctx.err(`WARNING: ${n}\n`);
      } catch (e) {
        return libxlError(ctx, e);
      }
      try {
        await host.start(cfg.name, { paused });
      } catch (e) {
        return libxlError(ctx, e, `failed to start domain '${cfg.name}'`);
      }
      const d = host.domains().find((x) => x.name === cfg.name);
      return attachConsole && d ? attach(ctx, d) : 0;
    },
  },
  {
    name: 'list', help: 'List information about all/some domains', usage: 'xl list [Domain]',
    run(ctx, args) {
      const doms: DomainInfo[] = [];
      for (const a of args) {
        if (a.startsWith('-')) { ctx.err(`xl list: option '${a}' is not supported in this lab\n`); return 1; }
        const d = find(ctx, a);
        if (!d) return 1;
        doms.push(d);
      }
      const { dom0 } = ctx.env;
      let out = HEADER;
      if (args.length === 0) {
        out += row('Domain-0', 0, dom0.memoryMiB, dom0.vcpus, 'r-----', dom0CpuSec(ctx.env));
        doms.push(...ctx.env.host.domains().filter((d) => d.id !== undefined));
      }
      for (const d of doms.sort((a, b) => a.id! - b.id!)) out += row(d.name, d.id!, d.memoryMiB, d.vcpus, xlState(d.state), d.cpuTimeSec);
      ctx.out(out);
      return 0;
    },
  },
  {
    name: 'info', help: 'Get information about Xen host', usage: 'xl info',
    run(ctx) {
      const line = (k: string, v: string | number) => `${k.padEnd(23)}: ${v}\n`;
      ctx.out(ctx.env.host.hosts().map((h) =>
        line('host', h.name) + line('machine', 'riscv64') + line('nr_cpus', h.cpus) + line('total_memory', h.memoryMiB) + line('free_memory', h.freeMemoryMiB)).join('\n'));
      return 0;
    },
  },
  {
    name: 'shutdown', help: 'Issue a shutdown signal to a domain', usage: 'xl shutdown [options] <-a|Domain>\n\n-a                      Shutdown all guest domains.\n-w                      Wait for guest(s) to complete shutdown.',
    async run(ctx, args) {
      const all = args.includes('-a');
      const wait = args.includes('-w');
      const rest = args.filter((a) => a !== '-a' && a !== '-w');
      if (rest.some((a) => a.startsWith('-'))) { ctx.err(`xl shutdown: option '${rest.find((a) => a.startsWith('-'))}' is not supported in this lab\n`); return 1; }
      if (all ? rest.length !== 0 : rest.length !== 1) return usage(ctx, this);
      const targets = all ? ctx.env.host.domains().filter((d) => d.id !== undefined) : [find(ctx, rest[0])];
      let status = 0;
      const asked: number[] = [];
      for (const d of targets) {
        if (!d) return 1;
        ctx.err(`Shutting down domain ${d.id}\n`);
        try {
          if ((await ctx.env.host.shutdown(d.name)) === 'ignored') {
            ctx.err(`warning: the guest did not respond to the shutdown request; domain ${d.id} ('${d.name}') is still running (xl destroy ${d.name} forces it off)\n`);
          } else {
            asked.push(d.id!);
          }
        } catch (e) {
          status = libxlError(ctx, e);
        }
      }
      if (wait && asked.length > 0 && !(await waitForShutdowns(ctx, asked, REASON_POWEROFF))) return 1;
      return status;
    },
  },
  {
    name: 'reboot', help: 'Issue a reboot signal to a domain',
    usage: 'xl reboot [options] <Domain>\n\n-F                      Fallback to a reset of the machine if the guest does not respond.\n-w                      Wait for guest(s) to complete reboot.',
    async run(ctx, args) {
      const fallback = args.includes('-F');
      const wait = args.includes('-w');
      const rest = args.filter((a) => a !== '-F' && a !== '-w');
      if (rest.some((a) => a.startsWith('-'))) { ctx.err(`xl reboot: option '${rest.find((a) => a.startsWith('-'))}' is not supported in this lab\n`); return 1; }
      if (rest.length !== 1) return usage(ctx, this);
      const d = find(ctx, rest[0]);
      if (!d) return 1;
      ctx.err(`Rebooting domain ${d.id}\n`);
      try {
        if ((await ctx.env.host.reboot(d.name)) === 'ignored') {
          if (!fallback) {
            ctx.err(`warning: the guest did not respond to the reboot request; domain ${d.id} ('${d.name}') is still running (use "-F" to fall back to a reset)\n`);
            return 1;
          }
          ctx.err(`The guest did not respond: resetting domain ${d.id}\n`);
          await ctx.env.host.reset(d.name);
          return 0;
        }
        return wait && !(await waitForShutdowns(ctx, [d.id!], REASON_REBOOT)) ? 1 : 0;
      } catch (e) {
        return libxlError(ctx, e);
      }
    },
  },
  simple('destroy', 'Terminate a domain immediately', (ctx, d) => ctx.env.host.destroy(d.name)),
  simple('pause', 'Pause execution of a domain', (ctx, d) => ctx.env.host.suspend(d.name)),
  simple('unpause', 'Unpause a paused domain', (ctx, d) => ctx.env.host.resume(d.name)),
  {
    name: 'console', help: "Attach to domain's console", usage: 'xl console <Domain>',
    async run(ctx, args) {
      if (args.length !== 1) return usage(ctx, this);
      const d = find(ctx, args[0]);
      return d ? attach(ctx, d) : 1;
    },
  },
  {
    name: 'migrate', help: 'Migrate a domain to another host',
    usage: 'xl migrate [options] <Domain> <host>\n\n-s <sshcommand>         Accepted and ignored (there is no ssh between the lab\'s hosts).\n--live                  Accepted (migration is always live).',
    async run(ctx, args) {
      const rest: string[] = [];
      for (let i = 0; i < args.length; i++) {
        const a = args[i];
        if (a === '-s') { i++; continue; }
        if (a === '--live' || a === '-e' || a === '--debug') continue;
        if (a.startsWith('-')) { ctx.err(`xl migrate: option '${a}' is not supported in this lab\n`); return 1; }
        rest.push(a);
      }
      if (rest.length !== 2) return usage(ctx, this);
      const d = find(ctx, rest[0]);
      if (!d) return 1;
      const host = rest[1];
      ctx.err(`migration target: Ready to receive domain.\nSaving to migration stream new xl format (info 0x3/0x0/${d.memoryMiB})\n`);
      try {
        await ctx.env.host.migrate(d.name, host);
      } catch (e) {
        libxlError(ctx, e);
        ctx.err('migration sender: Target reported failure.\nMigration failed, resuming at sender.\n');
        return 1;
      }
      ctx.err('migration target: Transfer complete, requesting permission to start domain.\nmigration sender: Target has acknowledged transfer.\nmigration sender: Giving target permission to start.\nmigration target: Got permission, starting domain.\nmigration target: Domain started successsfully.\nmigration sender: Target reports successful startup.\nMigration successful.\n');
      return 0;
    },
  },
  {
    name: 'save', help: 'Save a domain state to restore later', usage: 'xl save <Domain> <CheckpointFile>',
    async run(ctx, args) {
      if (args.length !== 2 || args.some((a) => a.startsWith('-'))) return usage(ctx, this);
      const d = find(ctx, args[0]);
      if (!d) return 1;
      const { env } = ctx;
      let path: string;
      try {
        path = env.fs.resolve(args[1], env.cwd);
        if (env.fs.stat(parentOf(path))?.kind !== 'dir') { ctx.err(`Failed to open temp file ${args[1]} for writing: No such file or directory\n`); return 1; }
      } catch (e) {
        ctx.err(`Failed to open temp file ${args[1]} for writing: ${errText(e)}\n`);
        return 1;
      }
      ctx.err(`Saving to ${args[1]} new xl format (info 0x3/0x0/${d.memoryMiB})\n`);
      let bytes: Uint8Array;
      try {
        bytes = await env.host.save(d.name);
      } catch (e) {
        return libxlError(ctx, e, `failed to save domain ${d.id}`);
      }
      const saved = await env.saves.put(d.name, bytes, env.now());
      try {
        env.fs.writeFile(path, saveStub(saved.image, path));
      } catch (e) {
        ctx.err(`the domain was saved but ${args[1]} could not be written: ${errText(e)}\n`);
        return 1;
      }
      if (saved.warning) ctx.err(`warning: ${saved.warning}\n`);
      ctx.err(`Saved ${formatSize(bytes.length)}: domain ${d.id} destroyed.\n`);
      return 0;
    },
  },
  {
    name: 'restore', help: 'Restore a domain from a saved state', usage: 'xl restore [options] <CheckpointFile>\n\n-p                      Do not unpause domain after restoring it.',
    async run(ctx, args) {
      const paused = args[0] === '-p';
      if (paused) args = args.slice(1);
      if (args.length !== 1 || args[0].startsWith('-')) return usage(ctx, this);
      const { env } = ctx;
      let text: string;
      try {
        text = env.fs.readFile(env.fs.resolve(args[0], env.cwd));
      } catch (e) {
        ctx.err(`cannot open restore config file ${args[0]}: ${errText(e)}\n`);
        return 1;
      }
      const stub = await readSaveStub(text, env.saves);
      if (!stub.ok) { ctx.err(`${args[0]}: ${stub.reason}\n`); return 1; }
      ctx.err(`Loading new save file ${args[0]} (new xl fmt info 0x3/0x0/${stub.image.bytes.length})\n Savefile contains xl domain config\n`);
      try {
        await env.host.restore(stub.image.bytes, { paused });
      } catch (e) {
        return libxlError(ctx, e, 'failed to restore domain');
      }
      return 0;
    },
  },
  {
    // xl's main_top runs xentop (and takes no options); here it passes its options on.
    name: 'top', help: 'Monitor a host and the domains in real time',
    usage: 'xl top [xentop options]\n\n-d SECS, --delay=SECS   Seconds between updates (default 1).\n-i N, --iterations=N    Stop after N updates.\n-b, --batch             Print the table N times instead of redrawing it (with -i).\n-v, -r, -f, -z          vCPU times, repeat the header, full names, Domain-0 first.\nKeys: q (or Ctrl-C) quits, s sort order, d delay, v vCPUs, r repeat header.',
    run: (ctx, args) => runTop(ctx, args),
  },
  {
    name: 'domid', help: 'Convert a domain name to domain id', usage: 'xl domid <DomainName>',
    run(ctx, args) {
      if (args.length !== 1) return usage(ctx, this);
      const d = ctx.env.host.domains().find((x) => x.name === args[0] && x.id !== undefined);
      if (!d) { ctx.err(`Can't get domid of domain name '${args[0]}', maybe this domain does not exist.\n`); return 1; }
      ctx.out(`${d.id}\n`);
      return 0;
    },
  },
];

function help(): string {
  return 'Usage xl [-v] <subcommand> [args]\n\nxl full list of subcommands:\n\n' + SUBS.map((s) => ` ${s.name.padEnd(19)} ${s.help}\n`).join('');
}

export const xl: Command = {
  name: 'xl',
  summary: "Xen's toolstack: create, list, top, shutdown, reboot, destroy, pause, unpause, console, migrate, save, restore, info",
  async run(ctx) {
    const args = [...ctx.args];
    while (args[0] === '-v') args.shift(); // xl's own -v (verbose), before the subcommand
    const name = args.shift();
    if (name === undefined) { ctx.err(help()); return 1; }
    if (name === 'help' || name === '-h' || name === '--help') { ctx.out(help()); return 0; }
    const sub = SUBS.find((s) => s.name === name);
    if (!sub) { ctx.err('command not implemented\n'); return 1; }
    if (args.includes('-h') || args.includes('--help')) { ctx.out(`Usage: ${sub.usage}\n\n${sub.help}.\n\n`); return 0; }
    return sub.run(ctx, args);
  },
  complete(args, env) {
    const partial = args[args.length - 1] ?? '';
    if (args.length <= 1) return matching([...SUBS.map((s) => s.name), 'help'], partial);
    if (args[0] === 'create') return partial.startsWith('-') ? matching(['-c', '-f', '-p'], partial) : completePath(env, partial);
    if (args[0] === 'restore' || (args[0] === 'save' && args.length >= 3)) return completePath(env, partial);
    if (args[0] === 'migrate' && args.length >= 3) return matching(env.host.hosts().map((h) => h.name), partial);
    if (args[0] === 'top') return completeTop(args.slice(1));
    if (args[0] === 'info' || args[0] === 'help') return [];
    const filter = args[0] === 'unpause' ? (d: DomainInfo) => d.state === 'paused' : args[0] === 'pause' ? (d: DomainInfo) => d.state === 'running' || d.state === 'idle' : undefined;
    return completeDomain(env, partial, (d) => d.id !== undefined && (filter?.(d) ?? true));
  },
};
