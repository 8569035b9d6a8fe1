/**
 * virsh: libvirt's shell, for the commands the lab supports, with libvirt's output formats
 * (tools/virsh-domain*.c, tools/vsh-table.c) and its habits: options as `--name value`,
 * `--name=value` or positional; `error: …` lines on stderr; one blank line after every command
 * that ran (vshCommandRun), none after a command line that did not parse.
 */
import type { MigrationInfo } from '../migration/precopy.ts';
import type { XlConfig } from '../xen/xlcfg.ts';
import { asDom0Error, type DomainInfo, type JobInfo } from './api.ts';
import { completeDomain, completePath, errText, findDomain, matching, type Command, type CommandContext } from './command.ts';
import { readConfigFile } from './config-file.ts';
import { domainXml } from './domain-xml.ts';
import { readSaveStub, saveStub } from './saves.ts';
import { parentOf } from './vfs.ts';

interface OptDef {
  readonly name: string;
  /**
   * `data`: may be given positionally; `string`: needs a value; `bool`: a flag; `argv`: every
   * positional argument left (VSH_OT_ARGV), as a list.
   */
  readonly type: 'data' | 'string' | 'bool' | 'argv';
  readonly required?: boolean;
  readonly help: string;
}

type Opts = ReadonlyMap<string, string | true | readonly string[]>;

interface Sub {
  readonly name: string;
  readonly group: 'domain' | 'monitor' | 'virsh';
  readonly help: string;
  readonly desc: string;
  readonly opts: readonly OptDef[];
  /** Which domains Tab offers for the <domain> argument. */
  readonly offer?: (d: DomainInfo) => boolean;
  run(v: Virsh, o: Opts): Promise<boolean> | boolean;
}

const DOMAIN: OptDef = { name: 'domain', type: 'data', required: true, help: 'domain name, id or uuid' };
const active = (d: DomainInfo) => d.id !== undefined;
const inactive = (d: DomainInfo) => d.id === undefined;

/**
 * shutdown / reboot --mode: libvirt's list of ways to ask the guest. The lab asks through the
 * guest agent, which is also what Xen's paravirtual shutdown amounts to here.
 */
const MODE: OptDef = { name: 'mode', type: 'string', help: 'shutdown mode: agent or paravirt (the lab asks the guest agent; acpi, initctl and signal are not modelled)' };
const MODES = ['acpi', 'agent', 'initctl', 'signal', 'paravirt'];
const LAB_MODES = ['agent', 'paravirt'];

/** True if --mode is absent or names a way the lab has; else libvirt's error, and false. */
function modeOk(v: Virsh, o: Opts): boolean {
  const mode = o.get('mode');
  if (mode === undefined) return true;
  const modes = String(mode).split(',').map((m) => m.trim());
  const unknown = modes.find((m) => !MODES.includes(m));
  if (unknown !== undefined) { v.error(`Unknown mode ${unknown} value, expecting 'acpi', 'agent', 'initctl', 'signal' or 'paravirt'`); return false; }
  if (modes.some((m) => LAB_MODES.includes(m))) return true;
  v.error(`argument unsupported: mode ${modes.join(',')} is not supported in this lab: its guests are asked through their guest agent (--mode agent)`);
  return false;
}

/** libvirt's vshTable: every column left-aligned, one space before each cell, two after the widest. */
export function vshTable(header: readonly string[], rows: readonly (readonly string[])[], withHeader = true): string {
  const all = withHeader ? [header, ...rows] : rows;
  const widths = header.map((_, c) => Math.max(0, ...all.map((r) => r[c].length)));
  const line = (r: readonly string[]) => r.map((cell, c) => ` ${cell}` + (c < r.length - 1 ? ' '.repeat(widths[c] - cell.length + 2) : '')).join('') + '\n';
  const head = withHeader ? line(header) + '-'.repeat(widths.reduce((s, w) => s + w + 3, 0)) + '\n' : '';
  return head + rows.map(line).join('');
}

/** virsh list's order: running domains by id, then the others by name, case-insensitively. */
function listOrder(a: DomainInfo, b: DomainInfo): number {
  if (a.id !== undefined && b.id !== undefined) return a.id - b.id;
  if (a.id !== undefined) return -1;
  if (b.id !== undefined) return 1;
  return a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0;
}

class Virsh {
  quiet = false;
  constructor(readonly ctx: CommandContext) {}

  get host() { return this.ctx.env.host; }
  print(text: string) { this.ctx.out(text); }
  /** vshPrintExtra: informational output that --quiet suppresses. */
  extra(text: string) { if (!this.quiet) this.ctx.out(text); }
  error(text: string) { this.ctx.err(`error: ${text}\n`); }

  /** virshCommandOptDomain: by id, UUID, then name; prints libvirt's error when none matches. */
  domain(o: Opts): DomainInfo | undefined {
    const ref = o.get('domain') as string;
    const d = findDomain(this.host, ref);
    if (!d) this.error(`failed to get domain '${ref}'`);
    return d;
  }

  /**
   * Run a lifecycle call: the success line, or `Failed to … domain 'x'` then the reason. `after`
   * sees what the call returned, once the success line is out.
   */
  async act<T>(o: Opts, verb: string, call: (name: string) => Promise<T>, done: (name: string) => string, after?: (result: T, name: string) => void): Promise<boolean> {
    const d = this.domain(o);
    if (!d) return false;
    return this.tried(async () => {
      const result = await call(d.name);
      this.extra(done(d.name) + '\n');
      after?.(result, d.name);
    }, `Failed to ${verb} domain '${d.name}'`);
  }

  /** Run a call to the host: true, or false with `failed` (if given) then the reason on stderr. */
  async tried(call: () => Promise<unknown>, failed?: string): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (e) {
      if (failed !== undefined) this.error(failed);
      this.error(asDom0Error(e).message);
      return false;
    }
  }

  /**
   * shutdown / reboot: ask the guest (through its agent); `Domain 'x' is being …`, and a warning
   * naming the forceful command when the guest did not answer.
   */
  ask(o: Opts, verb: 'shutdown' | 'reboot', doing: string, force: (name: string) => string): Promise<boolean> {
    return this.act(o, verb, (n) => this.host[verb](n), (n) => `Domain '${n}' is being ${doing}`, (outcome, n) => {
      if (outcome === 'ignored') this.ctx.err(`warning: the guest did not respond to the ${verb} request; '${n}' is still running (${force(n)})\n`);
    });
  }
}

const SUBS: readonly Sub[] = [
  {
    name: 'list', group: 'monitor', help: 'list domains', desc: 'Returns list of domains.',
    opts: [
      { name: 'inactive', type: 'bool', help: 'list inactive domains' },
      { name: 'all', type: 'bool', help: 'list inactive & active domains' },
      { name: 'uuid', type: 'bool', help: "list uuid's only" },
      { name: 'name', type: 'bool', help: 'list domain names only' },
    ],
    run(v, o) {
      const want = o.has('all') ? () => true : o.has('inactive') ? inactive : active;
      const doms = v.host.domains().filter(want).sort(listOrder);
      if (o.has('uuid') || o.has('name')) {
        for (const d of doms) v.print([o.has('uuid') ? d.uuid : '', o.has('name') ? d.name : ''].filter(Boolean).join(' ') + '\n');
      } else {
        v.print(vshTable(['Id', 'Name', 'State'], doms.map((d) => [d.id === undefined ? '-' : String(d.id), d.name, d.state]), !v.quiet));
      }
      return true;
    },
  },
  {
    name: 'dominfo', group: 'monitor', help: 'domain information', desc: 'Returns basic information about the domain.', opts: [DOMAIN],
    run(v, o) {
      const d = v.domain(o);
      if (!d) return false;
      const line = (k: string, val: string) => v.print(`${k.padEnd(15)} ${val}\n`);
      line('Id:', d.id === undefined ? '-' : String(d.id));
      line('Name:', d.name);
      line('UUID:', d.uuid);
      line('OS Type:', 'hvm');
      line('State:', d.state);
      line('CPU(s):', String(d.vcpus));
      if (d.cpuTimeSec !== 0) line('CPU time:', `${d.cpuTimeSec.toFixed(1)}s`);
      line('Max memory:', `${d.maxMemMiB * 1024} KiB`);
      line('Used memory:', `${d.memoryMiB * 1024} KiB`);
      line('Persistent:', d.persistent ? 'yes' : 'no');
      line('Autostart:', d.autostart ? 'enable' : 'disable');
      line('Managed save:', 'no');
      return true;
    },
  },
  {
    name: 'dumpxml', group: 'domain', help: 'domain information in XML', desc: 'Output the domain information as an XML dump to stdout (a view: domains are defined in xl.cfg).',
    opts: [DOMAIN, { name: 'inactive', type: 'bool', help: 'show inactive defined XML' }],
    run(v, o) {
      const d = v.domain(o);
      if (d) v.print(domainXml(d, { inactive: o.has('inactive') }));
      return d !== undefined;
    },
  },
  {
    name: 'domstate', group: 'monitor', help: 'domain state', desc: 'Returns state about a domain.', opts: [DOMAIN],
    run(v, o) {
      const d = v.domain(o);
      if (d) v.print(`${d.state}\n`);
      return d !== undefined;
    },
  },
  {
    name: 'domstats', group: 'monitor', help: 'get statistics about one or multiple domains',
    desc: 'Gets statistics about one or more (or all) domains: state, CPU time, memory, vCPUs, and the guest instructions retired (perf.instructions).',
    opts: [
      { name: 'state', type: 'bool', help: 'report domain state' },
      { name: 'cpu-total', type: 'bool', help: 'report domain physical cpu usage' },
      { name: 'balloon', type: 'bool', help: 'report domain balloon statistics' },
      { name: 'vcpu', type: 'bool', help: 'report domain virtual cpu information' },
      { name: 'interface', type: 'bool', help: 'report domain network interface information (none: the lab does not count traffic)' },
      { name: 'block', type: 'bool', help: 'report domain block device statistics (none: the lab does not count disk I/O)' },
      { name: 'perf', type: 'bool', help: 'report domain perf event statistics (instructions)' },
      { name: 'list-active', type: 'bool', help: 'list only active domains' },
      { name: 'list-inactive', type: 'bool', help: 'list only inactive domains' },
      { name: 'list-persistent', type: 'bool', help: 'list only persistent domains' },
      { name: 'list-transient', type: 'bool', help: 'list only transient domains' },
      { name: 'list-running', type: 'bool', help: 'list only running domains' },
      { name: 'list-paused', type: 'bool', help: 'list only paused domains' },
      { name: 'list-shutoff', type: 'bool', help: 'list only shutoff domains' },
      { name: 'list-other', type: 'bool', help: 'list only domains in other states' },
      { name: 'raw', type: 'bool', help: 'do not pretty-print the fields' },
      { name: 'enforce', type: 'bool', help: 'enforce requested stats parameters' },
      { name: 'domain', type: 'argv', help: 'list of domains to get stats for' },
    ],
    run(v, o) {
      let groups = STAT_GROUPS.filter((g) => o.has(g.option));
      if (groups.length === 0) groups = STAT_GROUPS.filter((g) => g.supported);
      const unsupported = groups.filter((g) => !g.supported).reduce((bits, g) => bits | g.bit, 0);
      if (unsupported !== 0 && o.has('enforce')) {
        v.error(`argument unsupported: Stats types bits 0x${unsupported.toString(16)} are not supported by this daemon`);
        return false;
      }
      const refs = o.get('domain');
      let doms: DomainInfo[];
      if (Array.isArray(refs)) {
        doms = [];
        for (const ref of refs as readonly string[]) {
          const d = findDomain(v.host, ref);
          if (!d) { v.error(`failed to get domain '${ref}'`); return false; }
          doms.push(d);
        }
      } else doms = [...v.host.domains()].sort(listOrder);
      const records = doms.filter(statsFilter(o)).map((d) => `Domain: '${d.name}'\n` + domainStats(d, groups).map(([k, val]) => `  ${k}=${val}\n`).join(''));
      v.print(records.join('\n'));
      return true;
    },
  },
  {
    name: 'domid', group: 'domain', help: 'convert a domain name or UUID to domain id', desc: 'Converts a domain name or UUID to a domain id.', opts: [DOMAIN],
    run(v, o) {
      const d = v.domain(o);
      if (d) v.print(`${d.id ?? '-'}\n`);
      return d !== undefined;
    },
  },
  {
    name: 'domuuid', group: 'domain', help: 'convert a domain name or id to domain UUID', desc: 'Converts a domain name or id to a domain UUID.', opts: [DOMAIN],
    run(v, o) {
      const d = v.domain(o);
      if (d) v.print(`${d.uuid}\n`);
      return d !== undefined;
    },
  },
  {
    name: 'start', group: 'domain', help: 'start a (previously defined) inactive domain', desc: 'Start a domain via a fresh boot.',
    opts: [
      { ...DOMAIN, help: 'name of the inactive domain' },
      { name: 'console', type: 'bool', help: 'attach to console after creation' },
      { name: 'paused', type: 'bool', help: 'leave the guest paused after creation' },
    ],
    offer: inactive,
    async run(v, o) {
      const d = v.domain(o);
      if (!d) return false;
      if (d.id !== undefined) { v.error('Domain is already active'); return false; }
      try {
        await v.host.start(d.name, { paused: o.has('paused') });
      } catch (e) {
        v.error(`Failed to start domain '${d.name}'`);
        v.error(asDom0Error(e).message);
        return false;
      }
      v.extra(`Domain '${d.name}' started\n`);
      return o.has('console') ? attach(v, d.name) : true;
    },
  },
  {
    name: 'shutdown', group: 'domain', help: 'gracefully shutdown a domain', desc: 'Run shutdown in the target domain.', opts: [DOMAIN, MODE], offer: active,
    run: (v, o) => modeOk(v, o) && v.ask(o, 'shutdown', 'shutdown', (n) => `virsh destroy ${n} forces it off`),
  },
  {
    name: 'reboot', group: 'domain', help: 'reboot a domain', desc: 'Run a reboot command in the target domain (through its guest agent).', opts: [DOMAIN, MODE], offer: active,
    run: (v, o) => modeOk(v, o) && v.ask(o, 'reboot', 'rebooted', (n) => `virsh reset ${n} forces a reboot`),
  },
  {
    name: 'reset', group: 'domain', help: 'reset a domain', desc: 'Reset the target domain as if by power button (at once, without asking the guest).', opts: [DOMAIN], offer: active,
    run: (v, o) => v.act(o, 'reset', (n) => v.host.reset(n), (n) => `Domain '${n}' was reset`),
  },
  {
    name: 'destroy', group: 'domain', help: 'destroy (stop) a domain', desc: 'Forcefully stop a given domain, but leave its resources intact.', opts: [DOMAIN], offer: active,
    run: (v, o) => v.act(o, 'destroy', (n) => v.host.destroy(n), (n) => `Domain '${n}' destroyed`),
  },
  {
    name: 'suspend', group: 'domain', help: 'suspend a domain', desc: 'Suspend a running domain.', opts: [DOMAIN], offer: (d) => d.state === 'running' || d.state === 'idle',
    run: (v, o) => v.act(o, 'suspend', (n) => v.host.suspend(n), (n) => `Domain '${n}' suspended`),
  },
  {
    name: 'resume', group: 'domain', help: 'resume a domain', desc: 'Resume a previously suspended domain.', opts: [DOMAIN], offer: (d) => d.state === 'paused',
    run: (v, o) => v.act(o, 'resume', (n) => v.host.resume(n), (n) => `Domain '${n}' resumed`),
  },
  {
    name: 'define', group: 'domain', help: 'define (but don\'t start) a domain from an xl.cfg file', desc: 'Define a domain from an xl.cfg file (in this lab, not XML).',
    opts: [{ name: 'file', type: 'data', required: true, help: 'file containing an xl.cfg domain description' }],
    async run(v, o) {
      const file = o.get('file') as string;
      const failed = `Failed to define domain from ${file}`;
      const cfg = readConfig(v, file, failed);
      if (!cfg || !(await defineConfig(v, cfg, failed))) return false;
      v.extra(`Domain '${cfg.name}' defined from ${file}\n`);
      return true;
    },
  },
  {
    // libvirt's create makes a transient domain from XML; here, as `xl create`, the domain is
    // defined from its xl.cfg file (so it stays listed when shut off) and started.
    name: 'create', group: 'domain', help: 'create a domain from an xl.cfg file and start it', desc: 'Define a domain from an xl.cfg file (in this lab, not XML) and start it.',
    opts: [
      { name: 'file', type: 'data', required: true, help: 'file containing an xl.cfg domain description' },
      { name: 'console', type: 'bool', help: 'attach to console after creation' },
      { name: 'paused', type: 'bool', help: 'leave the guest paused after creation' },
    ],
    async run(v, o) {
      const file = o.get('file') as string;
      const failed = `Failed to create domain from ${file}`;
      const cfg = readConfig(v, file, failed);
      if (!cfg) return false;
      const live = v.host.domains().find((d) => d.name === cfg.name && d.id !== undefined);
      if (live) { v.error(failed); v.error(`operation failed: domain '${live.name}' already exists with uuid ${live.uuid}`); return false; }
      if (!(await defineConfig(v, cfg, failed))) return false;
      if (!(await v.tried(() => v.host.start(cfg.name, { paused: o.has('paused') }), failed))) return false;
      v.extra(`Domain '${cfg.name}' created from ${file}\n`);
      return o.has('console') ? attach(v, cfg.name) : true;
    },
  },
  {
    name: 'undefine', group: 'domain', help: 'undefine a domain', desc: 'Undefine an inactive domain.', opts: [DOMAIN], offer: inactive,
    run: (v, o) => v.act(o, 'undefine', (n) => v.host.undefine(n), (n) => `Domain '${n}' has been undefined`),
  },
  {
    name: 'console', group: 'domain', help: 'connect to the guest console', desc: 'Connect the virtual serial console for the guest (in the dashboard).', opts: [DOMAIN], offer: active,
    run(v, o) {
      const d = v.domain(o);
      return d ? attach(v, d.name) : false;
    },
  },
  {
    name: 'autostart', group: 'domain', help: 'autostart a domain', desc: 'Configure a domain to be automatically started when the lab loads.',
    opts: [DOMAIN, { name: 'disable', type: 'bool', help: 'disable autostarting' }],
    async run(v, o) {
      const d = v.domain(o);
      if (!d) return false;
      const on = !o.has('disable');
      try {
        await v.host.setAutostart(d.name, on);
      } catch (e) {
        v.error(`Failed to ${on ? 'mark' : 'unmark'} domain '${d.name}' as autostarted`);
        v.error(asDom0Error(e).message);
        return false;
      }
      v.extra(`Domain '${d.name}' ${on ? 'marked' : 'unmarked'} as autostarted\n`);
      return true;
    },
  },
  {
    name: 'migrate', group: 'domain', help: 'migrate domain to another host', desc: 'Live-migrate a running domain to another host of the lab (pre-copy). The command waits until it is done; Ctrl-C returns to the prompt and the migration goes on (virsh domjobinfo, virsh domjobabort).',
    opts: [
      { name: 'live', type: 'bool', help: 'live migration (the lab always migrates live)' },
      { name: 'verbose', type: 'bool', help: 'display the progress of migration' },
      { name: 'persistent', type: 'bool', help: 'persist VM on destination (domains of the lab always are)' },
      { name: 'undefinesource', type: 'bool', help: 'undefine VM on source (one lab: the domain moves)' },
      { name: 'auto-converge', type: 'bool', help: 'force convergence during live migration (always on)' },
      { ...DOMAIN, help: 'domain name, id or uuid' },
      { name: 'desturi', type: 'data', required: true, help: 'destination host: a host name (host2) or a URI naming one (xen+ssh://host2/system)' },
      { name: 'bandwidth', type: 'string', help: 'migration bandwidth limit in MiB/s' },
    ],
    offer: active,
    async run(v, o) {
      const d = v.domain(o);
      if (!d) return false;
      const uri = o.get('desturi') as string;
      const target = hostOfUri(uri);
      let bandwidthBps: number | undefined;
      const bw = o.get('bandwidth');
      if (typeof bw === 'string') {
        if (!/^[0-9]+$/.test(bw) || Number(bw) === 0) { v.error(`Numeric value '${bw}' for <bandwidth> option is malformed or out of range`); return false; }
        bandwidthBps = Number(bw) * 1024 * 1024 * 8;
      }
      const verbose = o.has('verbose');
      const progress = verbose ? setInterval(() => {
        const job = v.host.jobInfo(d.name);
        if (job?.active) v.ctx.err(`\rMigration: [${String(percent(job.info)).padStart(3)} %]`);
      }, 250) : undefined;
      try {
        await v.host.migrate(d.name, target, bandwidthBps !== undefined ? { bandwidthBps } : {});
        if (verbose) v.ctx.err('\rMigration: [100 %]\n');
        return true;
      } catch (e) {
        if (verbose) v.ctx.err('\n');
        v.error(asDom0Error(e).message);
        return false;
      } finally {
        if (progress !== undefined) clearInterval(progress);
      }
    },
  },
  {
    name: 'domjobinfo', group: 'domain', help: 'domain job information', desc: 'Returns information about jobs running on a domain (a migration).',
    opts: [DOMAIN, { name: 'completed', type: 'bool', help: 'return statistics of a recently completed job' }],
    run(v, o) {
      const d = v.domain(o);
      if (!d) return false;
      const job = v.host.jobInfo(d.name);
      const completed = o.has('completed');
      v.print(jobInfoText(job && (completed ? !job.active : job.active) ? job : undefined));
      return true;
    },
  },
  {
    name: 'domjobabort', group: 'domain', help: 'abort active domain job', desc: 'Aborts the currently running domain job (a migration: the domain runs on where it was).', opts: [DOMAIN], offer: (d) => d.task === 'migrating',
    run(v, o) {
      const d = v.domain(o);
      return d !== undefined && v.tried(() => v.host.abortJob(d.name));
    },
  },
  {
    name: 'migrate-setmaxdowntime', group: 'domain', help: 'set maximum tolerable downtime', desc: 'Set maximum tolerable downtime of a domain which is being live-migrated to another host (or of its next migration).',
    opts: [DOMAIN, { name: 'downtime', type: 'data', required: true, help: 'maximum tolerable downtime (in milliseconds) for migration' }],
    async run(v, o) {
      const d = v.domain(o);
      if (!d) return false;
      const ms = o.get('downtime') as string;
      if (!/^[0-9]+$/.test(ms) || Number(ms) < 1) { v.error(`Numeric value '${ms}' for <downtime> option is malformed or out of range`); return false; }
      return v.tried(() => v.host.setMaxDowntime(d.name, Number(ms)));
    },
  },
  {
    name: 'save', group: 'domain', help: 'save a domain state to a file', desc: 'Save the RAM state of a running domain and shut it off. The file gets a stub; the bytes are kept in this browser (the most recent save images).',
    opts: [
      DOMAIN,
      { name: 'file', type: 'data', required: true, help: 'where to save the data' },
      { name: 'running', type: 'bool', help: 'set domain to be running on restore' },
      { name: 'paused', type: 'bool', help: 'set domain to be paused on restore' },
    ],
    offer: active,
    async run(v, o) {
      const state = runState(v, o);
      if (state === null) return false;
      const d = v.domain(o);
      if (!d) return false;
      const file = o.get('file') as string;
      const { env } = v.ctx;
      const fail = (why: string) => { v.error(`Failed to save domain '${d.name}' to ${file}`); v.error(why); return false; };
      let path: string;
      try {
        path = env.fs.resolve(file, env.cwd);
        if (env.fs.stat(parentOf(path))?.kind !== 'dir') return fail(`cannot create ${file}: No such file or directory`);
        if (env.fs.stat(path)?.kind === 'dir') return fail(`cannot create ${file}: Is a directory`);
      } catch (e) {
        return fail(errText(e));
      }
      let bytes: Uint8Array;
      try {
        bytes = await v.host.save(d.name, { state });
      } catch (e) {
        return fail(asDom0Error(e).message);
      }
      const saved = await env.saves.put(d.name, bytes, env.now());
      try {
        env.fs.writeFile(path, saveStub(saved.image, path));
      } catch (e) {
        return fail(`the domain was saved but ${file} could not be written: ${errText(e)}`);
      }
      if (saved.warning) v.ctx.err(`warning: ${saved.warning}\n`);
      v.extra(`\nDomain '${d.name}' saved to ${file}\n`);
      return true;
    },
  },
  {
    name: 'restore', group: 'domain', help: 'restore a domain from a saved state in a file', desc: 'Restore a domain from a virsh save state file.',
    opts: [
      { name: 'file', type: 'data', required: true, help: 'the state to restore' },
      { name: 'running', type: 'bool', help: 'restore domain into running state' },
      { name: 'paused', type: 'bool', help: 'restore domain into paused state' },
    ],
    async run(v, o) {
      const file = o.get('file') as string;
      const { env } = v.ctx;
      const state = runState(v, o);
      if (state === null) return false;
      const fail = (why: string) => { v.error(`Failed to restore domain from ${file}`); v.error(why); return false; };
      let text: string;
      try {
        text = env.fs.readFile(env.fs.resolve(file, env.cwd));
      } catch (e) {
        return fail(`cannot open ${file}: ${errText(e)}`);
      }
      const stub = await readSaveStub(text, env.saves);
      if (!stub.ok) return fail(stub.reason);
      try {
        await v.host.restore(stub.image.bytes, state === undefined ? {} : { paused: state === 'paused' });
      } catch (e) {
        return fail(asDom0Error(e).message);
      }
      v.extra(`Domain restored from ${file}\n`);
      return true;
    },
  },
  {
    name: 'help', group: 'virsh', help: 'print help', desc: 'Prints global help, command specific help, or help for a group of related commands',
    opts: [{ name: 'command', type: 'data', help: 'Prints global help, command specific help, or help for a given group' }],
    run(v, o) {
      const name = o.get('command') as string | undefined;
      if (name === undefined) { v.print(globalHelp()); return true; }
      const sub = SUBS.find((s) => s.name === name);
      if (!sub) { v.error(`command or command group '${name}' doesn't exist`); return false; }
      v.print(commandHelp(sub));
      return true;
    },
  },
];

/** virDomainStatsTypes: the groups `virsh domstats` selects, in the order libvirt reports them. */
const STAT_GROUPS = [
  { option: 'state', bit: 0x1, supported: true },
  { option: 'cpu-total', bit: 0x2, supported: true },
  { option: 'balloon', bit: 0x4, supported: true },
  { option: 'vcpu', bit: 0x8, supported: true },
  { option: 'interface', bit: 0x10, supported: false },
  { option: 'block', bit: 0x20, supported: false },
  { option: 'perf', bit: 0x40, supported: true },
] as const;

type StatGroup = (typeof STAT_GROUPS)[number];

/** virDomainState's numbers for libvirt's state names. */
const STATE_NUMBER: Record<DomainInfo['state'], number> = { running: 1, idle: 2, paused: 3, 'in shutdown': 4, 'shut off': 5, crashed: 6 };

/**
 * state.reason (virDomain*Reason). The lab does not record why a domain entered its state, so
 * this is 0 (unknown) except for a pause: the lab pauses on request (1, user), to save (3) or to
 * switch a migration over (2).
 */
function stateReason(d: DomainInfo): number {
  if (d.state !== 'paused') return 0;
  return d.task === 'saving' ? 3 : d.task === 'migrating' ? 2 : 1;
}

/**
 * One domain's record, as the libxl and QEMU drivers fill it: an inactive domain has its state,
 * its configured memory and vCPU counts; an active one also its CPU time (ns), per-vCPU state and
 * time (the lab runs one vCPU, whose time is the domain's), and perf.instructions (the guest
 * instructions retired since its VM was launched; libvirt counts them with perf events, the lab's
 * VMs count them always).
 */
export function domainStats(d: DomainInfo, groups: readonly StatGroup[]): [string, string | number][] {
  const active = d.id !== undefined;
  const ns = Math.round(d.cpuTimeSec * 1e9);
  const out: [string, string | number][] = [];
  for (const g of groups) {
    if (g.option === 'state') out.push(['state.state', STATE_NUMBER[d.state]], ['state.reason', stateReason(d)]);
    else if (g.option === 'cpu-total' && active) out.push(['cpu.time', ns]);
    else if (g.option === 'balloon') out.push(['balloon.current', d.memoryMiB * 1024], ['balloon.maximum', d.maxMemMiB * 1024]);
    else if (g.option === 'vcpu') {
      out.push(['vcpu.current', d.vcpus], ['vcpu.maximum', d.vcpus]);
      // virVcpuState: 1 running, 2 blocked (asleep in WFI).
      if (active && d.vcpus === 1) out.push(['vcpu.0.state', d.state === 'idle' ? 2 : 1], ['vcpu.0.time', ns]);
    } else if (g.option === 'perf' && active) out.push(['perf.instructions', Math.round(d.instructions)]);
  }
  return out;
}

/** The --list-* filters: within a group any may match (active/inactive, persistent/transient, state). */
function statsFilter(o: Opts): (d: DomainInfo) => boolean {
  const any = (...names: string[]) => names.some((n) => o.has(n));
  return (d) => {
    if (any('list-active', 'list-inactive') && !((o.has('list-active') && d.id !== undefined) || (o.has('list-inactive') && d.id === undefined))) return false;
    if (any('list-persistent', 'list-transient') && !((o.has('list-persistent') && d.persistent) || (o.has('list-transient') && !d.persistent))) return false;
    if (any('list-running', 'list-paused', 'list-shutoff', 'list-other')) {
      const kind = d.state === 'running' ? 'list-running' : d.state === 'paused' ? 'list-paused' : d.state === 'shut off' ? 'list-shutoff' : 'list-other';
      if (!o.has(kind)) return false;
    }
    return true;
  };
}

/**
 * save / restore's --running and --paused: the state asked for, undefined for "as recorded", or
 * null after libvirt's error when both are given.
 */
function runState(v: Virsh, o: Opts): 'running' | 'paused' | undefined | null {
  if (o.has('running') && o.has('paused')) { v.error('Options --running and --paused are mutually exclusive'); return null; }
  return o.has('running') ? 'running' : o.has('paused') ? 'paused' : undefined;
}

/** Read an xl.cfg file for define / create: its config (warnings printed), or libvirt's errors under `failed`. */
function readConfig(v: Virsh, file: string, failed: string): XlConfig | undefined {
  const read = readConfigFile(v.ctx.env, v.ctx.env.fs.resolve(file, v.ctx.env.cwd));
  if (!read.ok) {
    if (read.stage === 'read') v.error(`Failed to open file '${file}': ${read.reason}`);
    else { v.error(failed); v.error(read.message); }
    return undefined;
  }
  for (const w of read.warnings) v.ctx.err(`warning: ${w}\n`);
  return read.config;
}

/** Define (or redefine) the domain; the lab's notes as warnings, or libvirt's errors under `failed`. */
function defineConfig(v: Virsh, cfg: XlConfig, failed: string): Promise<boolean> {
  return v.tried(async () => {
    const result = await v.host.define(cfg);
    for (const n of result?.notes ?? []) v.ctx.err(`warning: ${n}\n`);
  }, failed);
}

async function attach(v: Virsh, name: string): Promise<boolean> {
  const d = v.host.domains().find((x) => x.name === name);
  if (!d || d.id === undefined) { v.error('The domain is not running'); return false; }
  try {
    await v.host.attachConsole(name);
  } catch (e) {
    v.error(asDom0Error(e).message);
    return false;
  }
  v.extra(`Connected to domain '${name}'\n(its console is open in the dashboard; this shell stays in dom0)\n`);
  return true;
}

/** A migration's destination: a host name, or the host of a libvirt URI (xen+ssh://root@host2/system). */
export function hostOfUri(uri: string): string {
  const m = /^[A-Za-z0-9+.-]+:\/\/(?:[^@/]*@)?([^/:?]+)/.exec(uri);
  return m ? m[1] : uri;
}

function percent(info: MigrationInfo): number {
  const total = info.ram.total;
  if (total <= 0) return 0;
  return Math.max(0, Math.min(99, Math.floor(100 - (info.ram.remaining * 100) / total)));
}

/** vshPrettyCapacity: the value in the largest binary unit under 1024. */
function pretty(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) { v /= 1024; u++; }
  return `${v.toFixed(3)} ${units[u]}`;
}

const JOB_TYPES: Record<MigrationInfo['status'], string> = {
  setup: 'Unbounded', active: 'Unbounded', device: 'Unbounded', completed: 'Completed', failed: 'Failed', cancelled: 'Cancelled',
};

/** cmdDomjobinfo's output for a migration job (QEMU's query-migrate figures), or "None". */
export function jobInfoText(job: JobInfo | undefined): string {
  const s = (k: string, val: string) => `${k.padEnd(17)} ${val}\n`;
  const n = (k: string, val: number, unit = '') => s(k, unit ? `${String(Math.round(val)).padEnd(12)} ${unit}` : String(Math.round(val)));
  if (!job) return s('Job type:', 'None'.padEnd(12));
  const i = job.info;
  let out = s('Job type:', JOB_TYPES[i.status].padEnd(12));
  out += s('Operation:', 'Outgoing migration'.padEnd(12));
  out += n('Time elapsed:', i.totalTimeMs, 'ms');
  out += s('Data processed:', pretty(i.ram.transferred));
  out += s('Data remaining:', pretty(i.ram.remaining));
  out += s('Data total:', pretty(i.ram.total));
  out += s('Memory processed:', pretty(i.ram.transferred));
  out += s('Memory remaining:', pretty(i.ram.remaining));
  out += s('Memory total:', pretty(i.ram.total));
  out += s('Memory bandwidth:', `${pretty((i.mbps * 1e6) / 8)}/s`);
  out += n('Dirty rate:', i.ram.dirtyPagesRate, 'pages/s');
  out += n('Page size:', i.ram.pageSize, 'bytes');
  out += n('Iteration:', i.ram.dirtySyncCount);
  out += n('Constant pages:', i.ram.duplicate);
  out += n('Normal pages:', i.ram.normal);
  out += s('Normal data:', pretty(i.ram.normalBytes));
  if (i.downtimeMs !== undefined) out += n('Total downtime:', i.downtimeMs, 'ms');
  out += n('Setup time:', i.setupTimeMs, 'ms');
  if (i.status !== 'completed') out += n('Expected downtime:', i.expectedDowntimeMs, 'ms');
  if (i.throttlePercent > 0) out += s('Auto converge throttle:', `${i.throttlePercent} %`);
  if (i.error) out += s('Error message:', i.error);
  return out;
}

const GROUPS = [
  ['domain', 'Domain Management'],
  ['monitor', 'Domain Monitoring'],
  ['virsh', 'Virsh itself'],
] as const;

function globalHelp(): string {
  let out = 'Grouped commands:\n\n';
  for (const [key, title] of GROUPS) {
    out += ` ${title} (help keyword '${key}'):\n`;
    for (const s of SUBS.filter((x) => x.group === key)) out += `    ${s.name.padEnd(30)} ${s.help}\n`;
    out += '\n';
  }
  return out.trimEnd() + '\n';
}

function synopsis(o: OptDef): string {
  if (o.type === 'bool') return `[--${o.name}]`;
  if (o.type === 'argv') return `[<${o.name}>]...`;
  const arg = o.type === 'data' ? `[--${o.name}] <${o.name === 'domain' ? 'domain' : 'string'}>` : `--${o.name} <string>`;
  return o.required ? arg : `[${arg}]`;
}

function commandHelp(s: Sub): string {
  let out = `  NAME\n    ${s.name} - ${s.help}\n\n  SYNOPSIS\n    ${[s.name, ...s.opts.map(synopsis)].join(' ')}\n\n  DESCRIPTION\n    ${s.desc}\n`;
  if (s.opts.length > 0) {
    out += '\n  OPTIONS\n';
    for (const o of s.opts) {
      const form = o.type === 'bool' ? `--${o.name}` : o.type === 'argv' ? `[<${o.name}>]...` : `${o.type === 'data' ? `[--${o.name}]` : `--${o.name}`} <string>`;
      out += `    ${form.padEnd(22)} ${o.help}\n`;
    }
  }
  return out;
}

/** vshCommandParse for one command's arguments; undefined (after printing why) if they do not fit. */
function parseOpts(ctx: CommandContext, sub: Sub, args: readonly string[]): Opts | undefined {
  const opts = new Map<string, string | true | string[]>();
  const fail = (msg: string) => { ctx.err(`error: ${msg}\n`); return undefined; };
  let positionalOnly = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (!positionalOnly && a === '--') { positionalOnly = true; continue; }
    if (!positionalOnly && a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (name === 'help') return new Map([['help', true]]);
      const def = sub.opts.find((o) => o.name === name);
      if (!def) return fail(`command '${sub.name}' doesn't support option --${name}`);
      if (def.type === 'bool') {
        if (eq >= 0) return fail(`invalid '=' after option --${name}`);
        opts.set(name, true);
      } else {
        const value = eq >= 0 ? a.slice(eq + 1) : args[++i];
        if (value === undefined) return fail(`expected syntax: --${name} <string>`);
        opts.set(name, value);
      }
      continue;
    }
    const next = sub.opts.find((o) => o.type === 'data' && !opts.has(o.name));
    if (next) { opts.set(next.name, a); continue; }
    const list = sub.opts.find((o) => o.type === 'argv');
    if (!list) return fail(`unexpected data '${a}'`);
    const have = opts.get(list.name);
    opts.set(list.name, [...(Array.isArray(have) ? have : []), a]);
  }
  for (const o of sub.opts) if (o.required && !opts.has(o.name)) return fail(`command '${sub.name}' requires <${o.name}> option`);
  return opts;
}

/** The libvirt version virsh reports (Debian 12's libvirt). */
const VERSION = '9.0.0';

export const virsh: Command = {
  name: 'virsh',
  summary: 'libvirt\'s shell: list, dominfo, domstats, start, shutdown, suspend, resume, define, console, migrate, save, …',
  async run(ctx) {
    const args = [...ctx.args];
    const v = new Virsh(ctx);
    // Global options before the command: the connection URI is accepted (there is one lab).
    while (args.length > 0 && args[0].startsWith('-')) {
      const g = args.shift()!;
      if (g === '-c' || g === '--connect') args.shift();
      else if (g.startsWith('--connect=')) continue;
      else if (g === '-q' || g === '--quiet') v.quiet = true;
      else if (g === '-h' || g === '--help') { ctx.out(globalHelp()); return 0; }
      else if (g === '-v' || g === '--version') { ctx.out(`${VERSION}\n`); return 0; }
      else { ctx.err(`virsh: unrecognized option '${g}'\n`); return 1; }
    }
    if (args.length === 0) {
      ctx.err("virsh: the interactive virsh shell is not available here; run 'virsh COMMAND …' (see 'virsh help')\n");
      return 1;
    }
    const name = args.shift()!;
    const sub = SUBS.find((s) => s.name === name);
    if (!sub) { ctx.err(`error: unknown command: '${name}'\n`); return 1; }
    const opts = parseOpts(ctx, sub, args);
    if (!opts) return 1;
    const ok = opts.has('help') ? (v.print(commandHelp(sub)), true) : await sub.run(v, opts);
    v.extra('\n');
    return ok ? 0 : 1;
  },
  complete(args, env) {
    const partial = args[args.length - 1] ?? '';
    if (args.length <= 1) return matching(SUBS.map((s) => s.name), partial);
    const sub = SUBS.find((s) => s.name === args[0]);
    if (!sub) return [];
    if (partial.startsWith('-')) return matching(sub.opts.map((o) => `--${o.name}`), partial);
    if (sub.name === 'define' || sub.name === 'restore') return completePath(env, partial);
    if (sub.name === 'save' && args.length >= 3) return completePath(env, partial);
    if (sub.name === 'migrate' && args.filter((a) => !a.startsWith('-')).length >= 3) return matching(env.host.hosts().map((h) => h.name), partial);
    if (sub.name === 'help') return matching(SUBS.map((s) => s.name), partial);
    if (sub.opts.some((o) => o.name === 'domain')) return completeDomain(env, partial, sub.offer);
    return [];
  },
};
