/**
 * `lab`: the whole lab as a Labfile from the dom0 console (issue 7).
 *
 *   lab show                      title, description and what the lab holds
 *   lab export [FILE]             the lab as a Labfile, to FILE in dom0 or to the terminal
 *   lab link                      the lab as a link (#lab=…), to open in another browser
 *   lab import FILE [--yes]       replace the lab with a Labfile from dom0's file system
 *   lab import '#lab=…' [--yes]   … or with a lab link (a fragment or a whole URL)
 *
 * Import prints what the lab will be (describeLabImport) and builds it. When that stops running
 * domains it does nothing without --yes, and says so: the console has no yes/no prompt, and a
 * pasted line must not destroy running VMs by itself. Every error is one line.
 *
 * What a Labfile is made of is the lab's business (lab/labfile-bridge.ts): the page gives the
 * shell a LabfileService with `provideLabfiles`; a console without one says `lab` is unavailable.
 */
import { decodeLabLink, isLabLink, LabLinkError } from '../labfile/link.ts';
import { describeLabImport, describeLinks, type LabImportPlan } from '../labfile/plan.ts';
import { LabfileError, parseLabfileText, writeLabfile, type CheckedLabfile } from '../labfile/read.ts';
import { encodeLabLink } from '../labfile/link.ts';
import type { Labfile } from '../labfile/format.ts';
import type { Dom0Host } from './api.ts';
import { completePath, errText, matching, type Command, type CommandContext } from './command.ts';

/** What opening a Labfile did. */
export interface OpenReport {
  /** Domains defined. */
  readonly domains: readonly string[];
  /** Autostart domains that started, in order. */
  readonly started: readonly string[];
  /** Autostart domains that did not start, with why (the lab is built all the same). */
  readonly failed: readonly { readonly name: string; readonly message: string }[];
}

/** The lab as Labfiles: what the page (src/ui/share) gives the `lab` command. */
export interface LabfileService {
  /** The current lab as a checked Labfile; throws an Error saying what does not fit one. */
  current(): Labfile;
  /** What opening `checked` would do to the current lab. */
  plan(checked: CheckedLabfile): LabImportPlan;
  /**
   * Replace the current lab with `checked` (the caller asked first if the plan says so): check
   * every domain, then build, then start the autostart domains. Rejects, changing nothing, if a
   * domain breaks the lab's rules.
   */
  open(checked: CheckedLabfile): Promise<OpenReport>;
  /** The page's address without its fragment, for `lab link` ('' where there is none). */
  linkBase(): string;
  /** Options for reading Labfiles (the real xl.cfg parser). */
  readonly readOptions?: Parameters<typeof parseLabfileText>[1];
}

const services = new WeakMap<Dom0Host, LabfileService>();
let everywhere: LabfileService | undefined;

/**
 * Give `lab` its service: for the shell over `host`, or, without a host, for every shell of the
 * page (the page has one lab). Returns how to take it back.
 */
export function provideLabfiles(service: LabfileService, host?: Dom0Host): { dispose(): void } {
  if (host) services.set(host, service);
  else everywhere = service;
  return {
    dispose: () => {
      if (host) { if (services.get(host) === service) services.delete(host); }
      else if (everywhere === service) everywhere = undefined;
    },
  };
}

const USAGE = `Usage: lab show
       lab export [FILE]
       lab link
       lab import FILE|URL|'#lab=…' [--yes]

The whole lab (hosts, networks, domains and their configs, dom0 files) as one Labfile.
  show     print the lab's title and description and what it holds
  export   write the lab as a Labfile to FILE, or to the terminal
  link     print a link that opens this lab in another browser
  import   replace the lab with a Labfile or a lab link; --yes when running domains would stop
`;

const SUBCOMMANDS = ['show', 'export', 'link', 'import'];

/** One line, whatever the message holds. */
const line = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();

function fail(ctx: CommandContext, message: string): number {
  ctx.err(`lab: ${line(message)}\n`);
  return 1;
}

const count = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

function show(ctx: CommandContext, lab: Labfile): number {
  ctx.out(`${lab.title}\n`);
  if (lab.description !== '') ctx.out(lab.description.split('\n').map((l) => `  ${l}\n`).join(''));
  ctx.out(`Hosts: ${lab.hosts.map((h) => `${h.name} (${count(h.cpus, 'CPU')}, ${h.memoryMiB} MiB)`).join(', ')}\n`);
  if (lab.links.length > 0) ctx.out(`Links: ${describeLinks(lab.links)}\n`);
  ctx.out(`Networks: ${lab.networks.length === 0 ? 'none' : lab.networks.map((n) => `${n.name} (${n.mode})`).join(', ')}\n`);
  const autostart = lab.domains.filter((d) => d.autostart).length;
  ctx.out(`Domains: ${lab.domains.length === 0 ? 'none' : lab.domains.map((d) => `${d.name} on ${d.host}${d.autostart ? ' (autostart)' : ''}`).join(', ')}\n`);
  ctx.out(`${count(lab.domains.length, 'domain')}, ${autostart} started with the lab, ${count(lab.files.length, 'dom0 file')}\n`);
  return 0;
}

async function importLab(ctx: CommandContext, service: LabfileService, args: readonly string[]): Promise<number> {
  const yes = args.some((a) => a === '--yes' || a === '-y');
  const rest = args.filter((a) => a !== '--yes' && a !== '-y');
  const unknown = rest.find((a) => a.startsWith('-') && a.length > 1);
  if (unknown !== undefined) return fail(ctx, `import: unknown option ${unknown} (try 'lab help')`);
  if (rest.length !== 1) {
    return fail(ctx, rest.length === 0
      ? "import: which lab? Give a Labfile (lab import /root/lab.json) or a link; quote a bare fragment: lab import '#lab=…'"
      : 'import: one Labfile or link at a time');
  }
  const source = rest[0];
  let checked: CheckedLabfile;
  try {
    if (isLabLink(source)) checked = await decodeLabLink(source, service.readOptions);
    else {
      let text: string;
      try {
        text = ctx.env.fs.readFile(ctx.env.fs.resolve(source, ctx.env.cwd));
      } catch (e) {
        return fail(ctx, `${source}: ${errText(e)}`);
      }
      try {
        checked = parseLabfileText(text, service.readOptions);
      } catch (e) {
        if (e instanceof LabfileError) return fail(ctx, `${source}: ${e.message}`);
        throw e;
      }
    }
  } catch (e) {
    if (e instanceof LabLinkError) return fail(ctx, e.message);
    throw e;
  }
  const plan = service.plan(checked);
  for (const l of describeLabImport(plan)) ctx.out(`${l}\n`);
  if (plan.needsConfirmation && !yes) {
    return fail(ctx, `not imported: this stops ${plan.stops.join(', ')}, running now. To replace the lab anyway: lab import ${source.length > 60 ? '…' : source} --yes`);
  }
  let report: OpenReport;
  try {
    report = await service.open(checked);
  } catch (e) {
    return fail(ctx, `not imported: ${errText(e)}`);
  }
  ctx.out(`Opened "${plan.title}": ${count(report.domains.length, 'domain')}${report.started.length > 0 ? `, started ${report.started.join(', ')}` : ''}\n`);
  for (const f of report.failed) ctx.err(`lab: ${f.name} did not start: ${line(f.message)}\n`);
  return report.failed.length > 0 ? 1 : 0;
}

export const lab: Command = {
  name: 'lab',
  summary: 'the whole lab as a Labfile: show, export, link, import',
  async run(ctx) {
    const [sub, ...args] = ctx.args;
    if (sub === undefined || sub === 'help' || sub === '--help' || sub === '-h') {
      (sub === undefined ? ctx.err : ctx.out)(USAGE);
      return sub === undefined ? 1 : 0;
    }
    const service = services.get(ctx.env.host) ?? everywhere;
    if (!service) return fail(ctx, 'not available in this console (no lab to save or replace)');
    const current = (): Labfile => service.current();
    try {
      switch (sub) {
        case 'show':
          if (args.length > 0) return fail(ctx, 'show takes no arguments');
          return show(ctx, current());
        case 'export': {
          if (args.length > 1) return fail(ctx, 'export: one file at most (lab export [FILE])');
          const text = writeLabfile(current(), service.readOptions);
          if (args.length === 0) { ctx.out(text); return 0; }
          const path = ctx.env.fs.resolve(args[0], ctx.env.cwd);
          try {
            ctx.env.fs.writeFile(path, text);
          } catch (e) {
            return fail(ctx, `${args[0]}: ${errText(e)}${text.length > 0 && /too large/i.test(errText(e)) ? ` (the Labfile is ${text.length} characters)` : ''}`);
          }
          ctx.out(`Exported the lab to ${path}\n`);
          return 0;
        }
        case 'link': {
          if (args.length > 0) return fail(ctx, 'link takes no arguments');
          const fragment = await encodeLabLink(current(), service.readOptions);
          ctx.out(`${service.linkBase()}${fragment}\n`);
          return 0;
        }
        case 'import':
          return await importLab(ctx, service, args);
        default:
          return fail(ctx, `unknown subcommand '${sub}' (show, export, link, import)`);
      }
    } catch (e) {
      return fail(ctx, errText(e));
    }
  },
  complete(args, env) {
    const partial = args[args.length - 1] ?? '';
    if (args.length <= 1) return matching(SUBCOMMANDS, partial);
    if (args[0] === 'import' && partial.startsWith('-')) return matching(['--yes'], partial);
    if (args[0] === 'import' || args[0] === 'export') return completePath(env, partial);
    return [];
  },
};
