import { describe, expect, it } from 'vitest';
import {
  labfileFileName, LabfileError, parseLabfileText, readLabfile, writeLabfile, MAX_WARNINGS,
  type CheckedLabfile, type ReadOptions,
} from '../../../src/hypervisor/labfile/read.ts';
import { LABFILE_VERSION, type Labfile } from '../../../src/hypervisor/labfile/format.ts';
import { parseXlCfgMinimal, type ParseXlCfg } from '../../../src/hypervisor/labfile/xlcfg-facts.ts';
import { checkDomainConfig } from '../../../src/hypervisor/lab/domain.ts';
import { cfg, sampleLab } from './fixtures.ts';

/** The LabfileError reading `doc` throws (the test fails if it reads fine). */
function problem(doc: unknown, options?: ReadOptions): LabfileError {
  try {
    readLabfile(doc, options);
  } catch (e) {
    if (e instanceof LabfileError) return e;
    throw e;
  }
  throw new Error('the Labfile was accepted');
}

const message = (doc: unknown, options?: ReadOptions) => problem(doc, options).message;

/** sampleLab() changed by `edit`. */
function lab(edit: (l: ReturnType<typeof sampleLab>) => void) {
  const l = sampleLab();
  edit(l);
  return l;
}

const hosts = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `h${i}`, cpus: 1, memoryMiB: 1024 }));

describe('readLabfile: a valid lab', () => {
  it('reads the sample lab, filling defaults and copying every value', () => {
    const input = sampleLab();
    const { labfile, warnings, configs } = readLabfile(input);
    expect(warnings).toEqual([]);
    expect(labfile.title).toBe('Two hosts, three guests');
    expect(labfile.hosts.map((h) => h.name)).toEqual(['host1', 'host2']);
    expect(labfile.domains[2]).toEqual({ name: 'counter', host: 'host2', autostart: false, config: cfg('counter', 16) });
    expect(configs.map((c) => [c.name, c.memoryMiB, c.vcpus])).toEqual([['web', 128, 1], ['db', 256, 1], ['counter', 16, 1]]);
    input.hosts[0].name = 'changed';
    input.domains[0].autostart = false;
    expect(labfile.hosts[0].name).toBe('host1');
    expect(labfile.domains[0].autostart).toBe(true);
    expect(labfile.hosts[0]).not.toBe(input.hosts[0]);
  });

  it('defaults: no description, no links set, xenbr0 bridge, no domains, no files', () => {
    const { labfile } = readLabfile({ labfile: 1, title: 'Bare', hosts: [{ name: 'h', cpus: 1, memoryMiB: 64 }] });
    expect(labfile).toEqual({
      labfile: 1, title: 'Bare', description: '', hosts: [{ name: 'h', cpus: 1, memoryMiB: 64 }], links: [],
      networks: [{ name: 'xenbr0', mode: 'bridge' }], domains: [], files: [],
    });
  });

  it('keeps an explicitly empty network list empty', () => {
    expect(readLabfile(lab((l) => { l.networks = []; })).labfile.networks).toEqual([]);
  });

  it('accepts $schema (for editors) and drops it', () => {
    const { labfile } = readLabfile(lab((l) => { l.$schema = './labfile.schema.json'; }));
    expect('$schema' in labfile).toBe(false);
    expect(message(lab((l) => { l.$schema = 5; }))).toMatch(/^\$schema: must be the schema's URL/);
  });

  it('accepts unicode text; lengths count characters (code points) as JSON Schema does', () => {
    const title = '🧪'.repeat(120); // 240 UTF-16 units, 120 characters
    expect(readLabfile(lab((l) => { l.title = title; })).labfile.title).toBe(title);
    expect(message(lab((l) => { l.title = title + 'x'; }))).toBe('title: is 121 characters long; the limit is 120');
    expect(readLabfile(lab((l) => { l.title = 'Лаборатория: 実験 — ünïcödé'; })).labfile.title).toBe('Лаборатория: 実験 — ünïcödé');
  });
});

describe('readLabfile: versions', () => {
  it('refuses what is not a Labfile object', () => {
    expect(message([1, 2])).toMatch(/^this is not a Labfile: a Labfile is a JSON object \{ "labfile": 1, … \}, not a list$/);
    expect(message(null)).toMatch(/not null$/);
    expect(message('lab')).toMatch(/not the text "lab"$/);
    expect(message({ title: 'x', hosts: [] })).toMatch(/^this is not a Labfile: it has no "labfile" version/);
  });

  it('says a newer version was made by a newer virtlab, before looking at anything else', () => {
    const e = problem({ labfile: 2, title: 5, somethingNew: [] });
    expect(e.problem).toBe('newer-version');
    expect(e.path).toBe('labfile');
    expect(e.message).toBe('labfile: this lab was made by a newer virtlab (Labfile version 2; this virtlab reads version 1): update virtlab to open it');
  });

  it('refuses versions that never existed and versions that are not whole numbers', () => {
    expect(message(lab((l) => { l.labfile = 0; }))).toBe('labfile: there is no Labfile version 0: versions start at 1');
    expect(message(lab((l) => { l.labfile = -3; }))).toMatch(/no Labfile version -3/);
    expect(message(lab((l) => { l.labfile = '1'; }))).toBe('labfile: the version must be a whole number such as 1, not the text "1"');
    expect(message(lab((l) => { l.labfile = 1.5; }))).toMatch(/^labfile: the version must be a whole number/);
    expect(problem(lab((l) => { l.labfile = 0; })).problem).toBe('invalid');
  });
});

describe('readLabfile: unknown keys', () => {
  it('refuses an unknown top-level key, suggesting the one meant', () => {
    const doc = lab((l) => { l.domain = l.domains; delete (l as Record<string, unknown>).domains; });
    expect(message(doc)).toBe('domain: is not part of a Labfile (did you mean "domains"?); its parts are labfile, title, description, hosts, links, networks, domains, files');
    expect(message(lab((l) => { l.author = 'me'; }))).toMatch(/^author: is not part of a Labfile; its parts are/);
  });

  it('lists an unknown key inside an entry as a warning and ignores it', () => {
    const { labfile, warnings } = readLabfile(lab((l) => { l.domains[1].autoStart = true; l.hosts[0].cpu = 8; l.files[0].mode = '0644'; }));
    expect(labfile.domains[1].autostart).toBe(false);
    expect(labfile.hosts[0]).toEqual({ name: 'host1', cpus: 4, memoryMiB: 1024 });
    expect(warnings).toEqual([
      { path: 'hosts[0].cpu', message: 'hosts[0].cpu: not part of a host, ignored (did you mean "cpus"?)' },
      { path: 'domains[1].autoStart', message: 'domains[1].autoStart: not part of a domain, ignored (did you mean "autostart"?)' },
      { path: 'files[0].mode', message: 'files[0].mode: not part of a file, ignored' },
    ]);
  });

  it(`lists at most ${MAX_WARNINGS} warnings, then counts the rest`, () => {
    const { warnings } = readLabfile(lab((l) => { for (let i = 0; i < 100; i++) l.domains[0][`note${i}`] = i; }));
    expect(warnings).toHaveLength(MAX_WARNINGS + 1);
    expect(warnings[MAX_WARNINGS].message).toBe('… and 80 more unknown keys, also ignored');
  });

  it('quotes a hostile key short and escaped, so the message itself is harmless', () => {
    const key = '\u001b]52;c;' + 'A'.repeat(100_000) + '\u202e';
    const { warnings } = readLabfile(lab((l) => { l.hosts[1][key] = 1; }));
    const text = warnings[0].message;
    expect(text.length).toBeLessThan(120);
    expect(text).toMatch(/^hosts\[1\]\["\\u001b\]52;c;A+…"\]: not part of a host, ignored$/);
    expect(text).not.toMatch(/[\u0000-\u001f\u202e]/);
  });

  it('treats __proto__ and constructor as plain unknown keys (no prototype pollution)', () => {
    const doc = JSON.parse('{"labfile":1,"title":"t","hosts":[{"name":"h","cpus":1,"memoryMiB":64,"__proto__":{"polluted":1},"constructor":2}]}');
    const { warnings } = readLabfile(doc);
    expect(warnings.map((w) => w.path)).toEqual(['hosts[0].__proto__', 'hosts[0].constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(message(JSON.parse('{"labfile":1,"title":"t","hosts":[],"__proto__":{}}'))).toMatch(/^__proto__: is not part of a Labfile;/);
  });
});

describe('readLabfile: title and description', () => {
  it('needs a title with something to show', () => {
    expect(message(lab((l) => { delete l.title; }))).toBe('title: missing: a Labfile has a title, shown when the lab opens');
    expect(message(lab((l) => { l.title = '   '; }))).toBe('title: is empty: a lab has a title, shown when it opens');
    expect(message(lab((l) => { l.title = 7; }))).toBe('title: must be text in quotes, not 7');
  });

  it('limits the title to one line of 120 characters', () => {
    expect(readLabfile(lab((l) => { l.title = 'x'.repeat(120); })).labfile.title).toHaveLength(120);
    expect(message(lab((l) => { l.title = 'x'.repeat(121); }))).toBe('title: is 121 characters long; the limit is 120');
    expect(message(lab((l) => { l.title = 'one\ntwo'; }))).toBe('title: has a line break at character 4: it is one line of text');
    expect(message(lab((l) => { l.title = 'a\tb'; }))).toBe('title: has a tab at character 2: it is one line of text');
  });

  it('limits the description to 2000 characters of several lines', () => {
    expect(readLabfile(lab((l) => { l.description = 'line\n\tindented\n'.repeat(200).slice(0, 2000); })).labfile.description).toHaveLength(2000);
    expect(message(lab((l) => { l.description = 'x'.repeat(2001); }))).toBe('description: is 2001 characters long; the limit is 2000');
    expect(message(lab((l) => { l.description = null; }))).toBe('description: must be text in quotes, not null');
  });

  it('refuses terminal escapes, other controls, direction overrides and lone surrogates in any text', () => {
    expect(message(lab((l) => { l.title = 'Lab \u001b[2J'; }))).toBe('title: has the control character U+001B at character 5: a Labfile holds plain text');
    expect(message(lab((l) => { l.description = 'ok\r\nnot'; }))).toBe('description: has the control character U+000D at character 3: a Labfile holds plain text (tabs and line breaks are allowed)');
    expect(message(lab((l) => { l.description = 'x\u009b31m'; }))).toMatch(/^description: has the control character U\+009B at character 2/);
    expect(message(lab((l) => { l.description = 'x\u007f'; }))).toMatch(/U\+007F/);
    expect(message(lab((l) => { l.title = 'Safe lab \u202egnp.exe'; }))).toBe('title: has the invisible direction control U+202E at character 10: text from a lab must read as it is');
    expect(message(lab((l) => { l.description = '\u2066x'; }))).toMatch(/U\+2066 at character 1/);
    expect(message(lab((l) => { l.title = 'half \ud83e pair'; }))).toBe('title: has half a surrogate pair (U+D83E) at character 6: it is not Unicode text');
    expect(message(lab((l) => { l.domains[0].config = cfg('web') + '# \u0007bell\n'; }))).toMatch(/^domains\[0\]\.config: has the control character U\+0007/);
    expect(message(lab((l) => { l.files[0].content = '\u001b]0;owned\u0007'; }))).toMatch(/^files\[0\]\.content: has the control character U\+001B at character 1/);
  });
});

describe('readLabfile: hosts', () => {
  it('needs 1 to 8 hosts', () => {
    expect(message(lab((l) => { delete (l as Record<string, unknown>).hosts; }))).toBe('hosts: missing: a lab has at least one host');
    expect(message({ labfile: 1, title: 't', hosts: [] })).toBe('hosts: is empty: a lab has at least one host');
    expect(readLabfile({ labfile: 1, title: 't', hosts: hosts(8) }).labfile.hosts).toHaveLength(8);
    expect(message({ labfile: 1, title: 't', hosts: hosts(9) })).toBe('hosts: 9 hosts: a lab has at most 8');
    expect(message({ labfile: 1, title: 't', hosts: { host1: {} } })).toBe('hosts: must be a list ([ … ]) of hosts, not an object');
  });

  it('checks each host: an object with name, cpus 1..64 and memoryMiB 16..16384', () => {
    expect(message(lab((l) => { l.hosts[1] = 'host2' as never; }))).toBe('hosts[1]: must be a host ({ … }), not the text "host2"');
    expect(message(lab((l) => { delete l.hosts[1].cpus; }))).toBe('hosts[1].cpus: missing: a host has name, cpus and memoryMiB');
    expect(message(lab((l) => { l.hosts[0].cpus = '4'; }))).toBe('hosts[0].cpus: must be a whole number, not the text "4"');
    expect(message(lab((l) => { l.hosts[0].cpus = 2.5; }))).toBe('hosts[0].cpus: must be a whole number, not 2.5');
    expect(message(lab((l) => { l.hosts[0].cpus = 0; }))).toBe('hosts[0].cpus: must be from 1 to 64 (found 0)');
    expect(message(lab((l) => { l.hosts[0].cpus = 65; }))).toBe('hosts[0].cpus: must be from 1 to 64 (found 65)');
    expect(readLabfile(lab((l) => { l.hosts[0].cpus = 64; l.hosts[0].memoryMiB = 16384; })).labfile.hosts[0]).toEqual({ name: 'host1', cpus: 64, memoryMiB: 16384 });
    expect(message(lab((l) => { l.hosts[0].memoryMiB = 16385; }))).toBe('hosts[0].memoryMiB: must be from 16 to 16384 MiB (found 16385)');
    expect(message(lab((l) => { l.hosts[1].memoryMiB = 15; }))).toBe('hosts[1].memoryMiB: must be from 16 to 16384 MiB (found 15)');
    expect(message(lab((l) => { l.hosts[1].memoryMiB = 1e400; }))).toMatch(/hosts\[1\]\.memoryMiB: must be a whole number of MiB, not Infinity/);
  });

  it('takes names by the lab rule: up to 32 of letters, digits, "_.-", starting with a letter or digit', () => {
    const rule = 'is not a valid name: use up to 32 letters, digits, "-", "_" or ".", starting with a letter or digit';
    for (const bad of ['host 1', '-host', '.hidden', '', 'x'.repeat(33), 'hôte', '__proto__', '../etc']) {
      expect(message(lab((l) => { l.hosts[1].name = bad; }))).toBe(`hosts[1].name: ${JSON.stringify(bad.length > 40 ? bad.slice(0, 40) + '…' : bad)} ${rule}`);
    }
    for (const good of ['h', 'x'.repeat(32), 'Host_2.lab-a', '9lives', 'constructor']) {
      expect(readLabfile(lab((l) => { l.hosts[1].name = good; l.domains = []; })).labfile.hosts[1].name).toBe(good);
    }
  });

  it('refuses two hosts of one name', () => {
    expect(message(lab((l) => { l.hosts[1].name = 'host1'; }))).toBe('hosts[1].name: "host1" is used twice (also hosts[0]): host names are unique');
  });
});

describe('readLabfile: links', () => {
  const link = (hosts: unknown, more: Record<string, unknown> = {}) => ({ hosts, ...more });

  it('reads links, filling what an entry leaves out from the default link (1000 Mbit/s, 0.5 ms)', () => {
    const { labfile, warnings } = readLabfile(lab((l) => {
      l.links = [link(['host2', 'host1'], { bandwidthMbps: 10, latencyMs: 20 })];
    }));
    expect(warnings).toEqual([]);
    expect(labfile.links).toEqual([{ hosts: ['host2', 'host1'], bandwidthMbps: 10, latencyMs: 20 }]);
    expect(readLabfile(lab((l) => { l.links = [link(['host1', 'host2'], { latencyMs: 200 })]; })).labfile.links)
      .toEqual([{ hosts: ['host1', 'host2'], bandwidthMbps: 1000, latencyMs: 200 }]);
    expect(readLabfile(lab((l) => { l.links = [link(['host1', 'host2'], { bandwidthMbps: 2.5 })]; })).labfile.links)
      .toEqual([{ hosts: ['host1', 'host2'], bandwidthMbps: 2.5, latencyMs: 0.5 }]);
    expect(readLabfile(lab((l) => { l.links = []; })).labfile.links).toEqual([]);
  });

  it("takes the lab's own bounds: 1 to 100000 Mbit/s, 0 to 10000 ms, fractions allowed", () => {
    const edges = readLabfile(lab((l) => {
      l.hosts.push({ name: 'host3', cpus: 1, memoryMiB: 64 });
      l.links = [link(['host1', 'host2'], { bandwidthMbps: 1, latencyMs: 0 }), link(['host1', 'host3'], { bandwidthMbps: 100000, latencyMs: 10000 })];
    }));
    expect(edges.labfile.links.map((k) => [k.bandwidthMbps, k.latencyMs])).toEqual([[1, 0], [100000, 10000]]);
    const one = (more: Record<string, unknown>) => message(lab((l) => { l.links = [link(['host1', 'host2'], more)]; }));
    expect(one({ bandwidthMbps: 0.5 })).toBe('links[0].bandwidthMbps: must be from 1 to 100000 Mbit/s (found 0.5)');
    expect(one({ bandwidthMbps: 100001 })).toBe('links[0].bandwidthMbps: must be from 1 to 100000 Mbit/s (found 100001)');
    expect(one({ latencyMs: -1 })).toBe('links[0].latencyMs: must be from 0 to 10000 ms (found -1)');
    expect(one({ latencyMs: 10000.5 })).toBe('links[0].latencyMs: must be from 0 to 10000 ms (found 10000.5)');
    expect(one({ bandwidthMbps: '10' })).toBe('links[0].bandwidthMbps: must be a number of Mbit/s, not the text "10"');
    expect(one({ latencyMs: null })).toBe('links[0].latencyMs: must be a number of ms, not null');
    expect(one({ latencyMs: 1e400 })).toBe('links[0].latencyMs: must be a number of ms, not Infinity');
  });

  it("joins two different hosts of the lab, named in the entry's hosts", () => {
    const one = (hosts: unknown) => message(lab((l) => { l.links = [link(hosts)]; }));
    expect(one(['host1', 'host9'])).toBe(`links[0].hosts[1]: "host9" is not one of the lab's hosts (host1, host2)`);
    expect(one([2, 'host1'])).toBe(`links[0].hosts[0]: 2 is not one of the lab's hosts (host1, host2)`);
    expect(one(['host1', 'host1'])).toBe('links[0].hosts[1]: "host1" is also links[0].hosts[0]: a link joins two different hosts');
    expect(one(['host1'])).toBe('links[0].hosts: must be a list ([ … ]) of the two hosts the link joins, not 1 of them');
    expect(one(['host1', 'host2', 'host1'])).toBe('links[0].hosts: must be a list ([ … ]) of the two hosts the link joins, not 3 of them');
    expect(one('host1-host2')).toBe('links[0].hosts: must be a list ([ … ]) of the two hosts the link joins, not the text "host1-host2"');
    expect(message(lab((l) => { l.links = [{ bandwidthMbps: 10 }]; })))
      .toBe('links[0].hosts: missing: a link has hosts, the two it joins (bandwidthMbps and latencyMs are optional)');
    expect(message(lab((l) => { l.links = ['host1-host2']; }))).toBe('links[0]: must be a link ({ … }), not the text "host1-host2"');
  });

  it('has one link per pair of hosts, whichever way round it is named', () => {
    expect(message(lab((l) => { l.links = [link(['host1', 'host2'], { bandwidthMbps: 10 }), link(['host2', 'host1'], { latencyMs: 20 })]; })))
      .toBe('links[1].hosts: host2 and host1 are joined twice (also links[0]): two hosts have one link');
  });

  it('is a list of at most 28 links, one per pair of 8 hosts', () => {
    const pairs = (n: number) => hosts(n).flatMap((a, i) => hosts(n).slice(i + 1).map((b) => link([a.name, b.name], { bandwidthMbps: 10 })));
    expect(readLabfile({ labfile: 1, title: 't', hosts: hosts(8), links: pairs(8) }).labfile.links).toHaveLength(28);
    expect(message({ labfile: 1, title: 't', hosts: hosts(8), links: [...pairs(8), link(['h0', 'h1'])] })).toBe('links: 29 links: a lab has at most 28');
    expect(message(lab((l) => { l.links = { 'host1 host2': { bandwidthMbps: 10 } }; }))).toBe('links: must be a list ([ … ]) of links, not an object');
  });

  it('lists an unknown key in a link as a warning, with the key it most likely meant', () => {
    const { labfile, warnings } = readLabfile(lab((l) => { l.links = [link(['host1', 'host2'], { bandwidthBps: 1e7, note: 'slow on purpose' })]; }));
    expect(labfile.links).toEqual([{ hosts: ['host1', 'host2'], bandwidthMbps: 1000, latencyMs: 0.5 }]);
    expect(warnings).toEqual([
      { path: 'links[0].bandwidthBps', message: 'links[0].bandwidthBps: not part of a link, ignored (did you mean "bandwidthMbps"?)' },
      { path: 'links[0].note', message: 'links[0].note: not part of a link, ignored' },
    ]);
  });
});

describe('readLabfile: networks', () => {
  it('checks name (a bridge: 15 characters), mode and count', () => {
    expect(readLabfile(lab((l) => { l.networks = [{ name: 'xenbr0', mode: 'bridge' }, { name: 'natbr0', mode: 'nat' }, { name: 'lab-isolated0', mode: 'isolated' }]; })).labfile.networks).toHaveLength(3);
    expect(message(lab((l) => { l.networks[0].mode = 'router'; }))).toBe('networks[0].mode: must be "bridge", "nat" or "isolated", not the text "router"');
    expect(message(lab((l) => { delete l.networks[0].mode; }))).toBe('networks[0].mode: missing: a network has a name and a mode');
    expect(message(lab((l) => { l.networks[0].name = 'x'.repeat(16); }))).toMatch(/^networks\[0\]\.name: "x{16}" is not a valid name: use up to 15 letters/);
    expect(message(lab((l) => { l.networks = [{ name: 'a', mode: 'nat' }, { name: 'a', mode: 'bridge' }]; }))).toBe('networks[1].name: "a" is used twice (also networks[0]): network names are unique');
    expect(message(lab((l) => { l.networks = Array.from({ length: 9 }, (_, i) => ({ name: `br${i}`, mode: 'bridge' })); }))).toBe('networks: 9 networks: a lab has at most 8');
  });
});

describe('readLabfile: domains', () => {
  it('has at most 32 domains', () => {
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `d${i}`, host: 'host1', config: cfg(`d${i}`, 16) }));
    expect(readLabfile(lab((l) => { l.domains = many(32); })).labfile.domains).toHaveLength(32);
    expect(message(lab((l) => { l.domains = many(33); }))).toBe('domains: 33 domains: a lab has at most 32');
  });

  it('needs name, host and config; autostart is true or false (default false)', () => {
    expect(message(lab((l) => { delete l.domains[1].config; }))).toBe('domains[1].config: missing: a domain has name, host and config (its xl.cfg text)');
    expect(message(lab((l) => { delete l.domains[1].host; }))).toBe('domains[1].host: missing: a domain has name, host and config (its xl.cfg text)');
    expect(message(lab((l) => { l.domains[0].autostart = 'yes'; }))).toBe('domains[0].autostart: must be true or false, not the text "yes"');
    expect(message(lab((l) => { l.domains[0].autostart = null; }))).toBe('domains[0].autostart: must be true or false, not null');
    expect(message(lab((l) => { l.domains[0].name = 'web server'; }))).toMatch(/^domains\[0\]\.name: "web server" is not a valid name/);
  });

  it('refuses a domain on a host the lab does not have', () => {
    expect(message(lab((l) => { l.domains[2].host = 'host9'; }))).toBe(`domains[2].host: "host9" is not one of the lab's hosts (host1, host2)`);
    expect(message(lab((l) => { l.domains[2].host = 2; }))).toBe(`domains[2].host: 2 is not one of the lab's hosts (host1, host2)`);
    expect(message(lab((l) => { l.domains[2].host = 'HOST1'; }))).toMatch(/"HOST1" is not one of the lab's hosts/);
  });

  it('refuses two domains of one name', () => {
    expect(message(lab((l) => { l.domains[2] = { name: 'web', host: 'host2', config: cfg('web', 16) }; }))).toBe('domains[2].name: "web" is used twice (also domains[0]): domain names are unique');
  });

  it('limits the xl.cfg text to 16 KiB', () => {
    const padded = (n: number) => { const c = cfg('web', 128); return c + '#'.repeat(n - c.length); };
    expect(readLabfile(lab((l) => { l.domains[0].config = padded(16384); })).labfile.domains[0].config).toHaveLength(16384);
    expect(message(lab((l) => { l.domains[0].config = padded(16385); }))).toBe('domains[0].config: is 16385 characters long; the limit is 16384');
  });

  it('reads the config through the xl.cfg reader and passes on what it says', () => {
    expect(message(lab((l) => { l.domains[1].config = 'name = db\nmemory = 64'; }))).toBe('domains[1].config: is not a valid xl.cfg: line 1: name: must be a quoted string, e.g. name = "web"');
    expect(message(lab((l) => { l.domains[1].config = 'memory = 64'; }))).toBe('domains[1].config: is not a valid xl.cfg: name is missing (every domain has name = "…")');
    expect(message(lab((l) => { l.domains[1].config = cfg('web', 64); }))).toBe('domains[1].config: says name = "web" but the domain is "db": they must agree (the file is /etc/xen/db)');
  });

  it('takes domain memory from 16 to 2048 MiB and 1 to 8 vCPUs', () => {
    const big = lab((l) => { l.hosts[0].memoryMiB = 4096; l.hosts[0].cpus = 16; });
    expect(message({ ...big, domains: [{ name: 'web', host: 'host1', config: cfg('web', 8) }] })).toBe('domains[0].config: memory must be from 16 to 2048 MiB (found 8)');
    expect(message({ ...big, domains: [{ name: 'web', host: 'host1', config: cfg('web', 2049) }] })).toBe('domains[0].config: memory must be from 16 to 2048 MiB (found 2049)');
    expect(readLabfile({ ...big, domains: [{ name: 'web', host: 'host1', config: cfg('web', 2048) }] }).configs[0].memoryMiB).toBe(2048);
    expect(message({ ...big, domains: [{ name: 'web', host: 'host1', config: 'name = "web"\nmemory = 64\nvcpus = 9\n' }] })).toBe('domains[0].config: vcpus must be from 1 to 8 (found 9)');
    expect(message({ ...big, domains: [{ name: 'web', host: 'host1', config: 'name = "web"\nmemory = 64\nvcpus = 0\n' }] })).toBe('domains[0].config: vcpus must be from 1 to 8 (found 0)');
  });

  it("refuses a domain that does not fit its host's memory or CPUs", () => {
    expect(message(lab((l) => { l.domains[1].config = cfg('db', 1024); }))).toBe('domains[1].config: db needs 1024 MiB but host2 has only 512 MiB');
    expect(readLabfile(lab((l) => { l.domains[1].config = cfg('db', 512); l.domains[2].host = 'host1'; })).configs[1].memoryMiB).toBe(512);
    expect(message(lab((l) => { l.domains[1].config = 'name = "db"\nmemory = 64\nvcpus = 4\n'; }))).toBe('domains[1].config: db has 4 vCPUs but host2 has only 2 CPUs');
  });

  it('refuses autostart domains that cannot all run on their host at once', () => {
    const doc = lab((l) => {
      l.domains = [
        { name: 'a', host: 'host2', autostart: true, config: cfg('a', 256) },
        { name: 'b', host: 'host2', autostart: false, config: cfg('b', 512) },
        { name: 'c', host: 'host2', autostart: true, config: cfg('c', 200) },
        { name: 'd', host: 'host2', autostart: true, config: cfg('d', 64) },
      ];
    });
    expect(message(doc)).toBe('domains[3].autostart: a, c and d start with the lab on host2 and need 520 MiB together, but host2 has 512 MiB');
    (doc.domains[3] as Record<string, unknown>).host = 'host1';
    expect(readLabfile(doc).labfile.domains).toHaveLength(4);
  });

  it('uses the injected xl.cfg reader, passing on its message and checking its bridges', () => {
    const seen: string[] = [];
    const parseXlCfg: ParseXlCfg = (text) => {
      seen.push(text);
      const facts = parseXlCfgMinimal(text);
      return { ...facts, bridges: facts.name === 'db' ? ['xenbr0', 'xenbr9'] : ['xenbr0'] };
    };
    expect(message(sampleLab(), { parseXlCfg })).toBe(`domains[1].config: a vif uses bridge "xenbr9", which is not one of the lab's networks (networks: xenbr0)`);
    expect(seen).toEqual([cfg('web', 128), cfg('db', 256)]);
    expect(message(lab((l) => { l.networks = []; }), { parseXlCfg })).toMatch(/bridge "xenbr0", which is not one of the lab's networks \(the lab has no networks\)$/);
    const strict: ParseXlCfg = () => { throw new Error('line 5: on_crash: "explode" is not destroy, restart, preserve or rename-restart'); };
    expect(message(sampleLab(), { parseXlCfg: strict })).toBe('domains[0].config: is not a valid xl.cfg: line 5: on_crash: "explode" is not destroy, restart, preserve or rename-restart');
    const odd: ParseXlCfg = () => { throw 'a string \u001b[31m'; };
    expect(message(sampleLab(), { parseXlCfg: odd })).toBe('domains[0].config: is not a valid xl.cfg: a string \\u001b[31m');
  });
});

describe('readLabfile: dom0 files', () => {
  const withFiles = (...files: Record<string, unknown>[]) => lab((l) => { l.files = files; });
  const file = (path: string, content = 'x') => ({ path, content });

  it('takes absolute paths without "." or ".." parts', () => {
    expect(readLabfile(withFiles(file('/root/.profile'), file('/etc/xen/templates/base.cfg'), file('/home/student/notes_v2+final@x'))).labfile.files).toHaveLength(3);
    for (const bad of ['root/notes', '/root/../etc/passwd', '/root/./a', '/..', '/a//b', '/a/', '/a b', '/a\\b', '/tmp/\u00e9']) {
      expect(message(withFiles(file(bad)))).toMatch(/^files\[0\]\.path: ".*" is not a valid dom0 path: use an absolute path such as \/root\/notes\.txt/);
    }
    expect(message(withFiles(file('/a'.repeat(17))))).toMatch(/is not a valid dom0 path/);
    expect(message(withFiles(file('/' + 'a'.repeat(255))))).toBe('files[0].path: is 256 characters long; the limit is 255');
    expect(message(withFiles({ path: 5, content: '' }))).toBe('files[0].path: must be a path in quotes, not 5');
  });

  it('refuses a path twice, a file inside a file, and a domain config as a file', () => {
    expect(message(withFiles(file('/root/a'), file('/root/a')))).toBe('files[1].path: /root/a is listed twice (also files[0].path)');
    expect(message(withFiles(file('/root/a'), file('/root/a/b')))).toBe('files[1].path: /root/a/b would be inside /root/a, which is a file (files[0])');
    expect(message(withFiles(file('/root/a/b'), file('/root/a')))).toBe('files[1].path: /root/a is a directory: /root/a/b is inside it');
    expect(message(withFiles(file('/etc/xen/web')))).toBe('files[0].path: /etc/xen/web is the config of a domain: it comes from domains[0].config, not from files');
    expect(message(withFiles(file('/etc/xen/web/extra')))).toBe('files[0].path: /etc/xen/web/extra would be inside /etc/xen/web, which is a file (domains[0].config)');
    expect(message(withFiles(file('/etc/xen')))).toBe("files[0].path: /etc/xen is one of dom0's own directories (/etc, /etc/xen, /vm, /root), not a file");
    expect(readLabfile(withFiles(file('/etc/xen/spare'))).labfile.files[0].path).toBe('/etc/xen/spare');
  });

  it('limits content to 64 Ki characters of plain text, and the lab to 64 files', () => {
    expect(readLabfile(withFiles(file('/root/a', 'x'.repeat(65536)))).labfile.files[0].content).toHaveLength(65536);
    expect(message(withFiles(file('/root/a', 'x'.repeat(65537))))).toBe('files[0].content: is 65537 characters long; the limit is 65536');
    expect(message(withFiles({ path: '/root/a' }))).toBe('files[0].content: missing: a file has a path and content');
    const many = (n: number) => Array.from({ length: n }, (_, i) => file(`/root/f${i}`));
    expect(readLabfile(withFiles(...many(64))).labfile.files).toHaveLength(64);
    expect(message(withFiles(...many(65)))).toBe('files: 65 files: a lab has at most 64');
  });

  it("fits dom0's file system: its directories, its count of characters, its entries and its total", () => {
    for (const dir of ['/etc', '/vm', '/root']) {
      expect(message(withFiles(file(dir)))).toBe(`files[0].path: ${dir} is one of dom0's own directories (/etc, /etc/xen, /vm, /root), not a file`);
    }
    // 32768 emoji are 32768 code points (the schema's count) but 65536 UTF-16 code units (the Vfs's).
    expect(readLabfile(withFiles(file('/root/a', '\u{1F600}'.repeat(32768)))).labfile.files).toHaveLength(1);
    expect(message(withFiles(file('/root/a', '\u{1F600}'.repeat(32769))))).toBe(
      'files[0].content: is 65538 characters long as the dom0 file system counts them (characters such as emoji count twice); the limit is 65536',
    );
    // 64 files, each 15 directories deep in a tree of its own: 64 × 16 entries, with /, dom0's 4 directories and 3 configs.
    const deep = Array.from({ length: 64 }, (_, i) => file(`/d${i}` + '/a'.repeat(14) + '/f'));
    expect(message(withFiles(...deep))).toBe('files: these files and their directories make 1032 entries in the dom0 file system, which holds at most 512: use fewer directories');
    expect(readLabfile(withFiles(...deep.slice(0, 30))).labfile.files).toHaveLength(30);
    // Checked objects have no byte cap of their own (only text and links do): the Vfs total still holds.
    const big = Array.from({ length: 17 }, (_, i) => file(`/root/f${i}`, 'y'.repeat(65536)));
    expect(message(withFiles(...big))).toMatch(/^files: the dom0 files and domain configs hold 11\d{5} characters together; the dom0 file system holds at most 1048576$/);
  });
});

describe('parseLabfileText and writeLabfile', () => {
  it('round-trips a lab through its file text, keys in the documented order', () => {
    const first = readLabfile(sampleLab());
    const text = writeLabfile(first.labfile);
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text))).toEqual(['labfile', 'title', 'description', 'hosts', 'links', 'networks', 'domains', 'files']);
    const again: CheckedLabfile = parseLabfileText(text);
    expect(again.labfile).toEqual(first.labfile);
    expect(writeLabfile(again.labfile, { compact: true })).not.toContain('\n  ');
  });

  it('reads a file that starts with a byte order mark', () => {
    expect(parseLabfileText('\ufeff' + JSON.stringify(sampleLab())).labfile.title).toBe('Two hosts, three guests');
  });

  it('says when the text is not JSON, or over 1 MiB', () => {
    expect(() => parseLabfileText('{"labfile": 1,')).toThrow(/^this is not a Labfile: it is not valid JSON \(/);
    expect(() => parseLabfileText('')).toThrow(/not valid JSON/);
    const huge = JSON.stringify({ ...sampleLab(), description: 'x'.repeat(1024 * 1024) });
    expect(() => parseLabfileText(huge)).toThrow(/^this Labfile is 1025 KiB; a Labfile is at most 1024 KiB$/);
    const wide = JSON.stringify({ ...sampleLab(), description: '実'.repeat(400_000) }); // 400 K characters, 1.2 MB of UTF-8
    expect(() => parseLabfileText(wide)).toThrow(/^this Labfile is 117\d KiB/);
  });

  it('never writes a Labfile it would refuse to read', () => {
    const broken = { ...readLabfile(sampleLab()).labfile, title: '' };
    expect(() => writeLabfile(broken)).toThrow(LabfileError);
    // 400 K characters, which dom0's file system holds, but 1.2 MB of UTF-8.
    const files = Array.from({ length: 20 }, (_, i) => ({ path: `/root/f${i}`, content: '実'.repeat(20_000) }));
    expect(() => writeLabfile({ ...readLabfile(sampleLab()).labfile, files })).toThrow(/^this lab is 1\d{3} KiB as a Labfile; a Labfile is at most 1024 KiB/);
  });

  it('names the exported file after the title, safely', () => {
    expect(labfileFileName('Two hosts, three guests')).toBe('two-hosts-three-guests.labfile.json');
    expect(labfileFileName('../../etc/passwd')).toBe('etc-passwd.labfile.json');
    expect(labfileFileName('実験')).toBe('lab.labfile.json');
    expect(labfileFileName('x'.repeat(100))).toBe('x'.repeat(48) + '.labfile.json');
  });
});

describe('the name rule', () => {
  it('accepts exactly the names the lab itself accepts (lab/domain.ts)', () => {
    const names = ['web', 'a', 'A-1_b.c', 'x'.repeat(32), 'x'.repeat(33), '-a', '_a', '.a', 'a b', 'a/b', 'é', ''];
    for (const n of names) {
      const lab: Labfile = { labfile: LABFILE_VERSION, title: 't', description: '', hosts: [{ name: 'h', cpus: 1, memoryMiB: 64 }], links: [], networks: [], domains: [{ name: n, host: 'h', autostart: false, config: cfg(n, 16) }], files: [] };
      let labOk = true;
      try { readLabfile(lab); } catch { labOk = false; }
      let domainOk = true;
      try { checkDomainConfig({ name: n, image: 'linux', host: 'h', memoryMiB: 16, vcpus: 1 }); } catch { domainOk = false; }
      expect(labOk, n).toBe(domainOk);
    }
  });
});
