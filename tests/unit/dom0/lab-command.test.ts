/**
 * `lab` in the real Dom0Shell: show, export, link, import, over a FakeHost with a LabfileService
 * built on the bridge (lab/labfile-bridge.ts), as the page builds its own over the Lab.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Dom0Shell } from '../../../src/hypervisor/dom0/shell.ts';
import { Vfs } from '../../../src/hypervisor/dom0/vfs.ts';
import { provideLabfiles, type LabfileService } from '../../../src/hypervisor/dom0/lab-command.ts';
import {
  buildLab, DEFAULT_META, fillVfs, LABFILE_OPTIONS, labfileOf, prepareLab, startDomains, type BuildableLab, type LabMeta,
} from '../../../src/hypervisor/lab/labfile-bridge.ts';
import { decodeLabLink, encodeLabLink } from '../../../src/hypervisor/labfile/link.ts';
import { planLabImport } from '../../../src/hypervisor/labfile/plan.ts';
import { parseLabfileText, readLabfile } from '../../../src/hypervisor/labfile/read.ts';
import { parseXlCfg, type XlConfig } from '../../../src/hypervisor/xen/xlcfg.ts';
import type { LinkSnapshot } from '../../../src/hypervisor/lab/lab.ts';
import { FakeHost } from './fake-host.ts';
import { counting, T0 } from './run.ts';
import { Term } from './term.ts';
import { cfg, sampleLab } from '../labfile/fixtures.ts';

const PROMPT = 'root@dom0:~# ';
const BASE = 'https://lab.example/virtlab/';

/** The lab's own rules, as lab.ts applies them at define: 1 vCPU, a known host that can hold it. */
class RulesLab implements BuildableLab {
  disposed = false;
  readonly defined: { config: XlConfig; host: string; autostart: boolean }[] = [];
  constructor(readonly hosts: readonly { name: string; memoryMiB: number }[]) {}
  define(config: XlConfig, opts: { host?: string; autostart?: boolean } = {}): void {
    const host = this.hosts.find((h) => h.name === opts.host);
    if (!host) throw new Error(`no host named "${opts.host}"`);
    if (config.vcpus !== 1) throw new Error(`unsupported configuration: ${config.vcpus} vCPUs: this lab runs 1 vCPU per VM`);
    this.defined.push({ config, host: host.name, autostart: opts.autostart ?? false });
  }
  async start(): Promise<void> {}
  dispose(): void { this.disposed = true; }
}

/** A LabfileService over the FakeHost the shell drives: what src/ui/share does over the Lab. */
function service(host: FakeHost, fs: Vfs, meta: { value: LabMeta }): LabfileService & { built: RulesLab[]; links: LinkSnapshot[] } {
  const built: RulesLab[] = [];
  const links: LinkSnapshot[] = [];
  return {
    built,
    links,
    readOptions: LABFILE_OPTIONS,
    linkBase: () => BASE,
    current: () => labfileOf({ hosts: host.hostList, domains: host.domains(), links }, fs, meta.value),
    plan: (checked) => planLabImport({ hosts: host.hostList, domains: host.domains() }, checked),
    async open(checked) {
      const prepared = prepareLab(checked, { random: counting(0x40) });
      const lab = buildLab(prepared, (hosts) => { const l = new RulesLab(hosts); built.push(l); return l; });
      for (const d of host.domains()) if (d.id !== undefined) await host.destroy(d.name);
      host.recs.clear();
      host.hostList.splice(0, host.hostList.length, ...prepared.hosts.map((h) => ({ ...h })));
      for (const d of lab.defined) host.add(d.config, 'shut off', { host: d.host, autostart: d.autostart });
      fillVfs(fs, prepared.files);
      meta.value = prepared.meta;
      const autostart = prepared.domains.filter((d) => d.autostart).map((d) => d.name);
      const { started, failed } = await startDomains(host, autostart);
      return { domains: prepared.domains.map((d) => d.name), started, failed };
    },
  };
}

const config = (name: string, memory = 64, extra = '') => parseXlCfg(`name = "${name}"\nmemory = ${memory}\nimage = "counter"\n${extra}`, { random: counting(name.length) }).config;

function session(opts: { withService?: boolean } = {}) {
  const host = new FakeHost();
  const fs = Vfs.withDefaults({ now: () => T0 });
  const meta = { value: { ...DEFAULT_META, title: 'Networking 101', description: 'Two guests.\nPing one from the other.' } as LabMeta };
  const svc = service(host, fs, meta);
  const provided = opts.withService === false ? undefined : provideLabfiles(svc, host);
  const term = new Term(4000);
  const shell = new Dom0Shell({ host, fs, output: (s) => term.write(s), columns: 4000, random: counting(), now: () => T0 });
  shell.start();
  const banner = term.row;
  let mark = banner;
  /** Type a line; resolve to the lines it printed (the command line and the next prompt left out). */
  const run = async (line: string): Promise<string[]> => {
    shell.feed(`${line}\r`);
    await shell.idle();
    const lines = term.lines().slice(mark);
    mark = term.row;
    expect(lines[0]).toBe(`${PROMPT}${line}`);
    return lines.slice(1, -1);
  };
  cleanups.push(() => provided?.dispose());
  /** Forget what is on the screen so far (after typing without run). */
  const skip = () => { mark = term.row; };
  return { host, fs, meta, svc, term, shell, run, skip };
}

const cleanups: (() => void)[] = [];
afterEach(() => { while (cleanups.length) cleanups.pop()!(); });

describe('lab show / export / link', () => {
  it('shows the title, the description and what the lab holds', async () => {
    const s = session();
    s.host.add(config('web', 128), 'running', { host: 'host1', autostart: true });
    s.host.add(config('db'), 'shut off', { host: 'host2' });
    expect(await s.run('lab show')).toEqual([
      'Networking 101',
      '  Two guests.',
      '  Ping one from the other.',
      'Hosts: host1 (4 CPUs, 1024 MiB), host2 (4 CPUs, 1024 MiB)',
      'Networks: xenbr0 (bridge)',
      'Domains: web on host1 (autostart), db on host2',
      '2 domains, 1 started with the lab, 1 dom0 file',
    ]);
  });

  it('shows the links set away from the default', async () => {
    const s = session();
    s.svc.links.push({ hosts: ['host2', 'host1'], bandwidthBps: 1e7, latencyMs: 20 });
    expect(await s.run('lab show')).toContain('Links: host1 ↔ host2 (10 Mbit/s, 20 ms)');
  });

  it('exports a Labfile to a dom0 file that reads back as the same lab', async () => {
    const s = session();
    s.host.add(config('web', 128), 'running', { host: 'host2', autostart: true });
    s.fs.writeFile('/root/notes.txt', 'ping db\n');
    // To the terminal (CRLF on the screen), then to a file: the same text.
    const shown = await s.run('lab export');
    expect(await s.run('lab export lab.json')).toEqual(['Exported the lab to /root/lab.json']);
    expect(`${shown.join('\n')}\n`).toBe(s.fs.readFile('/root/lab.json'));
    const checked = parseLabfileText(s.fs.readFile('/root/lab.json'), LABFILE_OPTIONS);
    expect(checked.labfile.title).toBe('Networking 101');
    expect(checked.labfile.domains).toEqual([{ name: 'web', host: 'host2', autostart: true, config: expect.stringContaining('name = "web"') }]);
    expect(checked.labfile.files.map((f) => f.path)).toEqual(['/etc/xen/xlexample.linux', '/root/notes.txt']);
  });

  it('prints a link that opens the same lab', async () => {
    const s = session();
    s.host.add(config('web'), 'shut off', { host: 'host1' });
    const [link, ...more] = await s.run('lab link');
    expect(more).toEqual([]);
    expect(link.startsWith(`${BASE}#lab=`)).toBe(true);
    const checked = await decodeLabLink(link, LABFILE_OPTIONS);
    expect(checked.labfile).toEqual(s.svc.current());
  });

  it('says which dom0 file does not fit a Labfile, in one line', async () => {
    const s = session();
    s.fs.writeFile('/root/my notes', 'x');
    const expected = 'lab: The lab cannot be saved as a Labfile: the dom0 file /root/my notes has a name a Labfile cannot hold: rename it (mv) to letters, digits and "_.+@-" only';
    expect(await s.run('lab export')).toEqual([expected]);
    expect(await s.run('lab link')).toEqual([expected]);
    s.fs.remove('/root/my notes');
    s.fs.writeFile('/root/colour', '\x1b[31mred\n');
    expect(await s.run('lab show')).toEqual(['lab: The lab cannot be saved as a Labfile: the dom0 file /root/colour cannot be saved: its content has the control character U+001B at character 1: a Labfile holds plain text (tabs and line breaks are allowed)']);
  });
});

describe('lab import', () => {
  const labText = (mutate: (l: ReturnType<typeof sampleLab>) => void = () => {}) => {
    const l = sampleLab();
    l.domains = [
      { name: 'web', host: 'host1', autostart: true, config: cfg('web', 128) },
      { name: 'db', host: 'host2', autostart: false, config: cfg('db', 256) },
    ];
    mutate(l);
    return JSON.stringify(l);
  };

  it('prints the plan, builds the lab and starts the autostart domains', async () => {
    const s = session();
    s.fs.writeFile('/root/lab.json', labText());
    expect(await s.run('lab import lab.json')).toEqual([
      'Two hosts, three guests',
      'Start web.',
      'Then migrate it to host2.',
      'Creates 2 hosts: host1 (4 CPUs, 1024 MiB), host2 (2 CPUs, 512 MiB)',
      'Networks: xenbr0 (bridge)',
      'Creates 2 domains:',
      '  web on host1: 128 MiB, 1 vCPU, starts with the lab',
      '  db on host2: 256 MiB, 1 vCPU',
      'Writes 1 dom0 file: /root/README',
      'Opened "Two hosts, three guests": 2 domains, started web',
    ]);
    expect(await s.run('virsh list --all')).toEqual([
      ' Id   Name   State',
      '-----------------------',
      ' 1    web    running',
      ' -    db     shut off',
      '',
    ]);
    expect(s.fs.readFile('/etc/xen/web')).toBe(cfg('web', 128));
    expect(s.fs.readFile('/root/README')).toBe('Exercise 1: migrate web.\n');
    expect(s.fs.stat('/root/lab.json')).toBeUndefined(); // dom0's files are the new lab's
    expect(s.host.hostList).toEqual([{ name: 'host1', cpus: 4, memoryMiB: 1024 }, { name: 'host2', cpus: 2, memoryMiB: 512 }]);
    expect(s.meta.value.title).toBe('Two hosts, three guests');
  });

  it("opens a link, quoted fragment or whole URL, and asks for --yes before stopping what runs", async () => {
    const s = session();
    s.host.add(config('old'), 'running', { host: 'host1' });
    const fragment = await encodeLabLink(readLabfile(JSON.parse(labText())).labfile);
    const refused = await s.run(`lab import '${fragment}'`);
    expect(refused.slice(-3)).toEqual([
      'Stops 1 running domain of the current lab: old',
      'Removes from the current lab: domain old',
      "lab: not imported: this stops old, running now. To replace the lab anyway: lab import … --yes",
    ]);
    expect(s.host.domains().map((d) => [d.name, d.state])).toEqual([['old', 'running']]);
    expect(s.svc.built).toEqual([]);

    const done = await s.run(`lab import ${BASE}${fragment} --yes`);
    expect(done.at(-1)).toBe('Opened "Two hosts, three guests": 2 domains, started web');
    expect(s.host.domains().map((d) => d.name).sort()).toEqual(['db', 'web']);
    expect(s.host.calls).toContain('destroy old');
  });

  it('refuses a lab whose domain the lab cannot run, changing nothing', async () => {
    const s = session();
    s.host.add(config('keep'), 'shut off', { host: 'host1' });
    s.fs.writeFile('/root/smp.json', labText((l) => { l.domains[1].config = cfg('db', 256, 'vcpus = 2\n'); }));
    const out = await s.run('lab import smp.json');
    expect(out.at(-1)).toBe('lab: not imported: domain db: unsupported configuration: 2 vCPUs: this lab runs 1 vCPU per VM');
    expect(s.svc.built[0].disposed).toBe(true);
    expect(s.host.domains().map((d) => d.name)).toEqual(['keep']);
    expect(s.fs.stat('/root/smp.json')?.kind).toBe('file');
  });

  it('says in one line what is wrong with a file or a link, and changes nothing', async () => {
    const s = session();
    s.fs.writeFile('/root/bad.json', '{"labfile": 1, "title": "x", "hosts": [], "domains": []}');
    s.fs.writeFile('/root/new.json', '{"labfile": 2}');
    s.fs.writeFile('/root/text', 'hello');
    s.fs.writeFile('/root/esc.json', labText((l) => { l.title = 'a\u001b]0;owned\u0007'; }));
    expect(await s.run('lab import nope.json')).toEqual(['lab: nope.json: No such file or directory']);
    expect(await s.run('lab import bad.json')).toEqual([
      'lab: bad.json: hosts: is empty: a lab has at least one host',
    ]);
    expect(await s.run('lab import new.json')).toEqual([
      'lab: new.json: labfile: this lab was made by a newer virtlab (Labfile version 2; this virtlab reads version 1): update virtlab to open it',
    ]);
    expect((await s.run('lab import text'))[0]).toMatch(/^lab: text: this is not a Labfile: it is not valid JSON \(/);
    expect(await s.run('lab import esc.json')).toEqual(['lab: esc.json: title: has the control character U+001B at character 2: a Labfile holds plain text']);
    expect(await s.run("lab import '#lab=AAAA'")).toEqual([
      expect.stringMatching(/^lab: This lab link is damaged: its data is incomplete or corrupt; was the link cut short when it was copied\?/),
    ]);
    expect(await s.run("lab import '#lab=not*base64'")).toEqual([expect.stringMatching(/^lab: This lab link is damaged: /)]);
    // Unquoted, `#lab=…` is a comment to the shell: lab sees no argument.
    expect(await s.run('lab import #lab=AAAA')).toEqual([
      "lab: import: which lab? Give a Labfile (lab import /root/lab.json) or a link; quote a bare fragment: lab import '#lab=…'",
    ]);
    expect(await s.run('lab import a b')).toEqual(['lab: import: one Labfile or link at a time']);
    expect(await s.run('lab import --force a')).toEqual(["lab: import: unknown option --force (try 'lab help')"]);
    expect(await s.run('lab frobnicate')).toEqual(["lab: unknown subcommand 'frobnicate' (show, export, link, import)"]);
    expect(s.host.domains()).toEqual([]);
    expect(s.svc.built).toEqual([]);
  });

  it('prints its usage, completes its subcommands, and says when the console has no lab', async () => {
    const s = session({ withService: false });
    expect((await s.run('lab'))[0]).toBe('Usage: lab show');
    expect(await s.run('lab help')).toContain("  show     print the lab's title and description and what it holds");
    expect(await s.run('lab show')).toEqual(['lab: not available in this console (no lab to save or replace)']);
    s.shell.feed('lab ex\t');
    await s.shell.idle();
    expect(s.term.current()).toBe(`${PROMPT}lab export `);
    s.shell.feed('\x03'); // Ctrl-C: drop the line
    await s.shell.idle();
    s.skip();
    expect((await s.run('help')).some((l) => /^\s+lab\s+the whole lab as a Labfile/.test(l))).toBe(true);
  });
});
