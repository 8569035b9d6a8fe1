/** lab/labfile-bridge.ts: the lab as a Labfile and back, the dom0 tree, the kept lab. */
import { describe, expect, it } from 'vitest';
import {
  buildLab, configTextOf, fillVfs, IDENTITY_COMMENT, LABFILE_OPTIONS, LabBridgeError, labfileOf, labViewOf, prepareLab, readStoredLab,
  startDomains, storedLabOf, vfsFiles, type BuildableLab, type LabView,
} from '../../../src/hypervisor/lab/labfile-bridge.ts';
import { decodeLabLink, encodeLabLink } from '../../../src/hypervisor/labfile/link.ts';
import { DEFAULT_LINK } from '../../../src/hypervisor/migration/link.ts';
import { Vfs, MAX_FILE_CHARS as VFS_MAX_FILE_CHARS, MAX_NODES, MAX_PATH_CHARS as VFS_MAX_PATH_CHARS, MAX_TOTAL_CHARS, DEFAULT_DIRS, MAX_DEPTH } from '../../../src/hypervisor/dom0/vfs.ts';
import * as format from '../../../src/hypervisor/labfile/format.ts';
import { parseLabfileText, readLabfile, writeLabfile } from '../../../src/hypervisor/labfile/read.ts';
import { parseXlCfg, serializeXlCfg, type XlConfig } from '../../../src/hypervisor/xen/xlcfg.ts';
import { Lab } from '../../../src/hypervisor/lab/lab.ts';
import type { ImageSource } from '../../../src/hypervisor/images/download.ts';
import type { VmLauncher } from '../../../src/hypervisor/lab/backend.ts';
import { cfg, sampleLab } from './fixtures.ts';

const counting = (seed: number) => { let n = seed; return (b: Uint8Array) => { for (let i = 0; i < b.length; i++) b[i] = n++ & 0xff; }; };
const xl = (text: string) => parseXlCfg(text, { random: counting(text.length) }).config;
const HOSTS = [{ name: 'host1', cpus: 4, memoryMiB: 1024 }, { name: 'host2', cpus: 4, memoryMiB: 1024 }];

function view(...domains: { config: XlConfig; host?: string; autostart?: boolean }[]): LabView {
  return { hosts: HOSTS, domains: domains.map((d) => ({ name: d.config.name, host: d.host ?? 'host1', autostart: d.autostart ?? false, config: d.config })) };
}

describe('the Labfile limits are the dom0 file system limits', () => {
  it('shares the per-file, path, depth, count and total limits with dom0/vfs.ts', () => {
    expect(format.MAX_FILE_CHARS).toBe(VFS_MAX_FILE_CHARS);
    expect(format.MAX_PATH_CHARS).toBe(VFS_MAX_PATH_CHARS);
    expect(format.MAX_TREE_NODES).toBe(MAX_NODES);
    expect(format.MAX_TREE_CHARS).toBe(MAX_TOTAL_CHARS);
    expect(format.MAX_PATH_DEPTH).toBe(MAX_DEPTH);
    expect(format.PATH_PATTERN).toContain(`{1,${MAX_DEPTH}}$`);
    expect(format.DOM0_DIRS).toEqual(DEFAULT_DIRS);
    // A Labfile's text fits the Vfs's total: a UTF-16 code unit is never less than a UTF-8 byte.
    expect(format.MAX_LABFILE_BYTES).toBeLessThanOrEqual(MAX_TOTAL_CHARS);
    expect(format.MAX_FILES + format.MAX_DOMAINS + DEFAULT_DIRS.length + 1).toBeLessThanOrEqual(MAX_NODES);
  });

  it('writes the largest lab a Labfile may hold into a Vfs', () => {
    // 64 files at the cap where the document allows (1 MiB in all), 16 levels deep where it can be.
    const files = Array.from({ length: 64 }, (_, i) => ({ path: `/d${i % 20}` + '/a'.repeat(i < 20 ? 14 : 0) + `/f${i}`, content: 'x'.repeat(15_000) }));
    const checked = parseLabfileText(JSON.stringify({ ...sampleLab(), files }), LABFILE_OPTIONS);
    const fs = Vfs.withDefaults();
    fillVfs(fs, prepareLab(checked).files);
    expect(vfsFiles(fs)).toHaveLength(64 + 3);
  });
});

describe('labfileOf: the lab as a Labfile', () => {
  it('keeps hosts, domains (host, autostart, config), the dom0 files and the title', () => {
    const fs = Vfs.withDefaults({ now: () => 0 });
    const web = xl('name = "web"\nmemory = 128\nimage = "linux"\nvif = [ "bridge=xenbr0" ]\n');
    fs.writeFile('/root/notes', 'ping web\n');
    const lab = labfileOf(view({ config: web, host: 'host2', autostart: true }), fs, { title: 'Net 101', description: 'Ping.' });
    expect(lab).toEqual({
      labfile: 1, title: 'Net 101', description: 'Ping.', hosts: HOSTS, links: [], networks: [{ name: 'xenbr0', mode: 'bridge' }],
      domains: [{ name: 'web', host: 'host2', autostart: true, config: serializeXlCfg(web) }],
      files: [{ path: '/etc/xen/xlexample.linux', content: expect.stringContaining('name = "example"') }, { path: '/root/notes', content: 'ping web\n' }],
    });
  });

  it("takes /etc/xen/NAME as written when it is the defined config, and the defined config when not", () => {
    const fs = Vfs.withDefaults();
    const text = `# the web server\nname = "web"\nuuid = "11111111-2222-4333-8444-555555555555"\nmemory = 64   # small\nimage = "counter"\n`;
    const web = parseXlCfg(text).config;
    fs.writeFile('/etc/xen/web', text);
    expect(configTextOf(web, fs)).toBe(text);
    const lab = labfileOf(view({ config: web }), fs);
    expect(lab.domains[0].config).toBe(text);
    expect(lab.files.map((f) => f.path)).toEqual(['/etc/xen/xlexample.linux']); // the config is the domain's, not a file
    fs.writeFile('/etc/xen/web', text.replace('memory = 64', 'memory = 96'));    // edited, not defined again
    expect(configTextOf(web, fs)).toBe(serializeXlCfg(web));
    fs.writeFile('/etc/xen/web', 'not = [ xl.cfg');
    expect(configTextOf(web, fs)).toBe(serializeXlCfg(web));
  });

  it('keeps the uuid and MACs a config without them was given, appended to the text as written', () => {
    const text = '# web\nname = "web"\nmemory = 64\nimage = "linux"\nvif = [ "bridge=xenbr0", "mac=00:16:3e:00:00:01" ]\n';
    const fs = Vfs.withDefaults();
    fs.writeFile('/etc/xen/web', text);
    const defined = parseXlCfg(text, { random: counting(7) }).config; // what the lab defined: a uuid and one MAC made up
    const out = configTextOf(defined, fs);
    expect(out).toBe(`${text}${IDENTITY_COMMENT}\nuuid = "${defined.uuid}"\nvif = [ "mac=${defined.vifs[0].mac},bridge=xenbr0", "mac=00:16:3e:00:00:01,bridge=xenbr0" ]\n`);
    expect(serializeXlCfg(parseXlCfg(out).config)).toBe(serializeXlCfg(defined));
    // Opened again and saved again: the same text, no second block.
    fs.writeFile('/etc/xen/web', out);
    expect(configTextOf(defined, fs)).toBe(out);
    // Only the uuid missing: only the uuid line.
    const withMac = 'name = "db"\nimage = "counter"\nvif = [ "mac=00:16:3e:00:00:02" ]';
    fs.writeFile('/etc/xen/db', withMac);
    const db = parseXlCfg(withMac, { random: counting(9) }).config;
    expect(configTextOf(db, fs)).toBe(`${withMac}\n${IDENTITY_COMMENT}\nuuid = "${db.uuid}"\n`);
  });

  it('keeps the links set away from the default, one per pair, in host order whatever the order given', () => {
    const hosts = [...HOSTS, { name: 'host3', cpus: 1, memoryMiB: 64 }];
    const links: LabView['links'] = [
      { hosts: ['host3', 'host2'], bandwidthBps: 1e9, latencyMs: 5 },
      { hosts: ['host1', 'host2'], ...DEFAULT_LINK },
      { hosts: ['host3', 'host1'], bandwidthBps: 1e7, latencyMs: 20 },
    ];
    expect(labfileOf({ hosts, domains: [], links }, undefined).links).toEqual([
      { hosts: ['host1', 'host3'], bandwidthMbps: 10, latencyMs: 20 },
      { hosts: ['host2', 'host3'], bandwidthMbps: 1000, latencyMs: 5 },
    ]);
    expect(labfileOf({ hosts, domains: [], links: [...links].reverse() }, undefined).links).toEqual(labfileOf({ hosts, domains: [], links }, undefined).links);
    expect(labfileOf({ hosts, domains: [] }, undefined).links).toEqual([]);
  });

  it("adds a network for each bridge a vif names", () => {
    const db = xl('name = "db"\nmemory = 64\nimage = "linux"\nvif = [ "bridge=xenbr1", "bridge=xenbr0" ]\n');
    expect(labfileOf(view({ config: db }), undefined).networks).toEqual([{ name: 'xenbr0', mode: 'bridge' }, { name: 'xenbr1', mode: 'bridge' }]);
    expect(labfileOf(view({ config: db }), undefined, { title: 't', description: '', networks: [{ name: 'xenbr1', mode: 'nat' }] }).networks)
      .toEqual([{ name: 'xenbr1', mode: 'nat' }, { name: 'xenbr0', mode: 'bridge' }]);
  });

  it('says which dom0 file or what does not fit a Labfile', () => {
    const msg = (setup: (fs: Vfs) => void, meta = { title: 't', description: '' }) => {
      const fs = Vfs.withDefaults();
      setup(fs);
      try { labfileOf(view(), fs, meta); } catch (e) { expect(e).toBeInstanceOf(LabBridgeError); return (e as Error).message; }
      return 'no error';
    };
    expect(msg((fs) => fs.writeFile('/root/a b', ''))).toBe('The lab cannot be saved as a Labfile: the dom0 file /root/a b has a name a Labfile cannot hold: rename it (mv) to letters, digits and "_.+@-" only');
    expect(msg((fs) => fs.writeFile('/root/bell', 'ding\u0007'))).toBe('The lab cannot be saved as a Labfile: the dom0 file /root/bell cannot be saved: its content has the control character U+0007 at character 5: a Labfile holds plain text (tabs and line breaks are allowed)');
    expect(msg((fs) => { for (let i = 0; i < 64; i++) fs.writeFile(`/root/f${i}`, ''); })).toBe('The lab cannot be saved as a Labfile: dom0 holds 65 files besides the domain configs, and a Labfile at most 64: remove some (rm)');
    expect(msg(() => {}, { title: ' ', description: '' })).toBe('The title is empty: a lab has a title, shown when it opens');
    expect(msg(() => {}, { title: 'a\nb', description: '' })).toBe('The title has a line break at character 2: it is one line of text');
    expect(msg(() => {})).toBe('no error');
  });

  it('round-trips: lab → Labfile → link text → prepared lab → Vfs → the same Labfile', () => {
    const fs = Vfs.withDefaults();
    fs.mkdir('/root/ex', {});
    fs.writeFile('/root/ex/README', 'Exercise 1\n');
    const domains = [
      { config: xl('name = "web"\nmemory = 128\nimage = "linux"\nvif = [ "bridge=xenbr0" ]\n'), host: 'host1', autostart: true },
      { config: xl('name = "db"\nmemory = 64\nimage = "counter"\n'), host: 'host2' },
    ];
    const first = labfileOf(view(...domains), fs, { title: 'Round trip', description: 'x' });
    const prepared = prepareLab(parseLabfileText(writeLabfile(first, LABFILE_OPTIONS), LABFILE_OPTIONS));
    expect(prepared.domains.map((d) => [d.name, d.host, d.autostart, serializeXlCfg(d.config)])).toEqual(domains.map((d) => [d.config.name, d.host, d.autostart ?? false, serializeXlCfg(d.config)]));
    const fs2 = Vfs.withDefaults();
    fillVfs(fs2, prepared.files);
    const again = labfileOf({ hosts: prepared.hosts, domains: prepared.domains }, fs2, prepared.meta);
    expect(again).toEqual(first);
  });
});

describe('prepareLab, fillVfs, buildLab, startDomains', () => {
  it('reads each config with the real parser and lays out the dom0 tree', () => {
    const prepared = prepareLab(readLabfile(sampleLab(), LABFILE_OPTIONS));
    expect(prepared.meta).toEqual({ title: 'Two hosts, three guests', description: 'Start web.\nThen migrate it to host2.', networks: [{ name: 'xenbr0', mode: 'bridge' }] });
    expect(prepared.domains.map((d) => [d.name, d.config.memory, d.autostart])).toEqual([['web', 128, true], ['db', 256, false], ['counter', 16, false]]);
    expect(prepared.files.map((f) => f.path)).toEqual(['/root/README', '/etc/xen/web', '/etc/xen/db', '/etc/xen/counter']);
    // A Labfile checked with the minimal reader is read again by the real one.
    const odd = sampleLab();
    odd.domains[0].config = cfg('web', 128, 'on_crash = "explode"\n');
    expect(() => prepareLab(readLabfile(odd))).toThrow(/^domain web: its config is not valid xl.cfg: .*on_crash/);
  });

  it('refills a Vfs in place: the same object, its listeners, nothing of the old tree', () => {
    const fs = Vfs.withDefaults();
    fs.writeFile('/root/old', 'x');
    fs.mkdir('/srv', {});
    let changes = 0;
    fs.onChange(() => changes++);
    fillVfs(fs, [{ path: '/root/README', text: 'hi' }, { path: '/opt/a/b', text: 'deep' }, { path: '/etc/xen/web', text: cfg('web') }]);
    expect(changes).toBeGreaterThan(0);
    expect(fs.toJSON().dirs).toEqual(['/etc', '/etc/xen', '/opt', '/opt/a', '/root', '/vm']);
    expect(vfsFiles(fs)).toEqual([{ path: '/etc/xen/web', text: cfg('web') }, { path: '/opt/a/b', text: 'deep' }, { path: '/root/README', text: 'hi' }]);
  });

  it('builds every domain or none, then starts the autostart ones in order', async () => {
    const made: FakeLab[] = [];
    class FakeLab implements BuildableLab {
      defined: string[] = [];
      started: string[] = [];
      disposed = false;
      constructor(readonly hosts: unknown) { made.push(this); }
      define(c: XlConfig, o: { host?: string; autostart?: boolean } = {}) {
        if (c.name === 'db' && refuseDb) throw new Error("unsupported configuration: no image named 'nope'");
        this.defined.push(`${c.name}@${o.host}${o.autostart ? '+auto' : ''}`);
      }
      async start(name: string) {
        if (name === 'db') throw new Error('not enough free memory on host2 (needed 256 MiB, free 0 MiB)');
        this.started.push(name);
      }
      dispose() { this.disposed = true; }
    }
    let refuseDb = true;
    const prepared = prepareLab(readLabfile(sampleLab(), LABFILE_OPTIONS));
    expect(() => buildLab(prepared, (h) => new FakeLab(h))).toThrow(new LabBridgeError("domain db: unsupported configuration: no image named 'nope'"));
    expect(made[0].disposed).toBe(true);
    refuseDb = false;
    const lab = buildLab(prepared, (h) => new FakeLab(h));
    expect(lab.hosts).toBe(prepared.hosts);
    expect(lab.defined).toEqual(['web@host1+auto', 'db@host2', 'counter@host2']);
    expect(await startDomains(lab, ['web', 'db', 'counter'])).toEqual({
      started: ['web', 'counter'],
      failed: [{ name: 'db', message: 'not enough free memory on host2 (needed 256 MiB, free 0 MiB)' }],
    });
  });

  it('builds a real Lab: its rules refuse what it cannot run before anything is replaced', async () => {
    const images: ImageSource = {
      catalog: async () => ({ images: [{ name: 'linux' }, { name: 'counter' }] }) as never,
      load: async () => { throw new Error('no downloads in this test'); },
    } as unknown as ImageSource;
    const launcher = {} as VmLauncher;
    const make = (hosts: readonly { name: string; cpus: number; memoryMiB: number }[]) => new Lab({ launcher, images, hosts });
    const prepared = prepareLab(readLabfile(sampleLab(), LABFILE_OPTIONS));
    const lab = buildLab(prepared, make);
    expect(lab.snapshot().hosts.map((h) => [h.name, h.cpus, h.memoryMiB, h.domains])).toEqual([
      ['host1', 4, 1024, ['web']], ['host2', 2, 512, ['db', 'counter']],
    ]);
    expect(lab.snapshot().domains.map((d) => [d.name, d.state, d.autostart])).toEqual([['web', 'shut off', true], ['db', 'shut off', false], ['counter', 'shut off', false]]);
    // …and the Labfile of that lab is the one it was built from.
    const back = labfileOf({ hosts: lab.hosts, domains: lab.snapshot().domains }, undefined, prepared.meta);
    expect(back.domains.map((d) => d.name)).toEqual(['web', 'db', 'counter']);
    expect(back.hosts).toEqual(prepared.hosts);
    lab.dispose();

    const smp = sampleLab();
    smp.domains[2].config = cfg('counter', 16, 'vcpus = 2\n');
    const refused = prepareLab(readLabfile(smp, LABFILE_OPTIONS));
    let built: Lab | undefined;
    expect(() => buildLab(refused, (h) => (built = make(h)))).toThrow(/^domain counter: unsupported configuration: 2 vCPUs/);
    expect(built!.snapshot().domains.map((d) => d.name)).toEqual(['web', 'db']); // the new lab, thrown away
  });
});

describe('links: a lab slowed down stays slowed down', () => {
  const images = { catalog: async () => ({ images: [{ name: 'linux' }, { name: 'counter' }] }) } as unknown as ImageSource;
  const make = (hosts: readonly { name: string; cpus: number; memoryMiB: number }[]) => new Lab({ launcher: {} as VmLauncher, images, hosts });
  const HOST3 = { name: 'host3', cpus: 1, memoryMiB: 64 };
  /** sampleLab with a third host: some pairs slowed, some not. */
  const threeHosts = () => {
    const l = sampleLab();
    l.hosts.push(HOST3);
    return l;
  };

  it('builds the Labfile\'s links with setLink once the hosts exist, the pairs not listed at the default', () => {
    const l = threeHosts();
    l.links = [{ hosts: ['host3', 'host1'], bandwidthMbps: 10, latencyMs: 20 }, { hosts: ['host2', 'host3'], latencyMs: 100 }];
    const prepared = prepareLab(readLabfile(l, LABFILE_OPTIONS));
    expect(prepared.links).toEqual([
      { hosts: ['host3', 'host1'], bandwidthBps: 1e7, latencyMs: 20 },
      { hosts: ['host2', 'host3'], bandwidthBps: 1e9, latencyMs: 100 },
    ]);
    const lab = buildLab(prepared, make);
    expect(lab.link('host1', 'host3')).toEqual({ bandwidthBps: 1e7, latencyMs: 20 });
    expect(lab.link('host3', 'host2')).toEqual({ bandwidthBps: 1e9, latencyMs: 100 });
    expect(lab.link('host1', 'host2')).toEqual(DEFAULT_LINK);
    lab.dispose();
  });

  it('round-trips: lab → Labfile → file text → lab keeps a slowed link', () => {
    const first = make([...HOSTS, HOST3]);
    first.setLink('host2', 'host1', { bandwidthBps: 1e7, latencyMs: 20 });
    first.setLink('host1', 'host3', { latencyMs: 0 });
    const labfile = labfileOf(labViewOf(first.snapshot()), undefined);
    expect(labfile.links).toEqual([
      { hosts: ['host1', 'host2'], bandwidthMbps: 10, latencyMs: 20 },
      { hosts: ['host1', 'host3'], bandwidthMbps: 1000, latencyMs: 0 },
    ]);
    const again = buildLab(prepareLab(parseLabfileText(writeLabfile(labfile, LABFILE_OPTIONS), LABFILE_OPTIONS)), make);
    expect(again.snapshot().links).toEqual(first.snapshot().links);
    expect(labfileOf(labViewOf(again.snapshot()), undefined)).toEqual(labfile);
    first.dispose();
    again.dispose();
  });

  it('carries a slowed link through a lab link (#lab=…)', async () => {
    const first = make(HOSTS);
    first.setLink('host1', 'host2', { bandwidthBps: 2.5e6, latencyMs: 500 });
    const link = await encodeLabLink(labfileOf(labViewOf(first.snapshot()), undefined), LABFILE_OPTIONS);
    const opened = buildLab(prepareLab(await decodeLabLink(link, LABFILE_OPTIONS)), make);
    expect(opened.link('host2', 'host1')).toEqual({ bandwidthBps: 2.5e6, latencyMs: 500 });
    first.dispose();
    opened.dispose();
  });

  it('refuses to build links on a lab that cannot set them, and disposes it', () => {
    const l = sampleLab();
    l.links = [{ hosts: ['host1', 'host2'], bandwidthMbps: 10 }];
    let disposed = false;
    const domainsOnly: BuildableLab = { define: () => {}, start: async () => {}, dispose: () => { disposed = true; } };
    expect(() => buildLab(prepareLab(readLabfile(l, LABFILE_OPTIONS)), () => domainsOnly)).toThrow(new LabBridgeError('link host1 ↔ host2: this lab has no links to set'));
    expect(disposed).toBe(true);
  });
});

describe('the lab kept in the browser', () => {
  const text = () => JSON.stringify(readLabfile(sampleLab(), LABFILE_OPTIONS).labfile);

  it('reads back what it stored, running domains that still exist only', () => {
    const stored = storedLabOf(text(), ['web', 'gone', 'web'], 1234);
    expect(stored).toEqual({ version: 1, labfile: text(), running: ['web', 'gone', 'web'], savedAt: 1234 });
    const { checked, running, savedAt } = readStoredLab(structuredClone(stored));
    expect(checked.labfile.title).toBe('Two hosts, three guests');
    expect(running).toEqual(['web']);
    expect(savedAt).toBe(1234);
    expect(readStoredLab({ version: 1, labfile: text(), running: 'web' }).running).toEqual([]);
  });

  it('treats stored data as input: a clear message for anything else', () => {
    const msg = (v: unknown) => { try { readStoredLab(v); return 'no error'; } catch (e) { expect(e).toBeInstanceOf(LabBridgeError); return (e as Error).message; } };
    const prefix = 'The lab saved in this browser could not be restored: ';
    expect(msg(undefined)).toBe(`${prefix}it is not a saved lab`);
    expect(msg('lab')).toBe(`${prefix}it is not a saved lab`);
    expect(msg({ version: 7, labfile: text() })).toBe(`${prefix}it was saved by another version of virtlab (format 7)`);
    expect(msg({ version: 1 })).toBe(`${prefix}it holds no Labfile`);
    expect(msg({ version: 1, labfile: '{"labfile": 1' })).toMatch(new RegExp(`^${prefix}this is not a Labfile: it is not valid JSON`));
    expect(msg({ version: 1, labfile: text().replace('"host2"', '"host2", "extra": 1') })).toBe('no error');
    expect(msg({ version: 1, labfile: JSON.stringify({ ...JSON.parse(text()), labfile: 2 }) })).toMatch(/made by a newer virtlab/);
  });
});
