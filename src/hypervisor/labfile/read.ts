/**
 * Reading a Labfile (format.ts) from anywhere — a link, a file, local storage — as hostile input,
 * and writing one. Reading either returns a checked Labfile with every default filled in, or
 * throws one LabfileError whose message names the place: `domains[2].host: "host9" is not one of
 * the lab's hosts (host1, host2)`. The first problem found is the one reported.
 *
 * Unknown keys: at the top level they are errors; inside a host, link, network, domain or file
 * they are warnings, listed to the person and otherwise ignored. The top level holds whole
 * sections, and a misspelt "domain" would otherwise open as a lab without its domains; a section
 * added later either changes what a Labfile means (and bumps LABFILE_VERSION) or, like "links",
 * is optional with a default that is what the lab did without it — then a virtlab from before it
 * refuses the key by name instead of opening the lab without it. Inside an entry, an extra key
 * (a note, a misspelt optional "autoStart") changes nothing that gets built, but the person is
 * told, with the key it most likely meant.
 */
import { closestKey, codePoints, describeValue, listWords, plainMessage, quoteText, childPath, utf8Length } from './text.ts';
import { parseXlCfgMinimal, type ParseXlCfg, type XlCfgFacts } from './xlcfg-facts.ts';
import {
  DEFAULT_LINK_LATENCY_MS, DEFAULT_LINK_MBPS, DEFAULT_NETWORKS, DOM0_DIRS, LABFILE_VERSION, LINE_FORBIDDEN, MAX_CONFIG_CHARS,
  MAX_DESCRIPTION_CHARS, MAX_DOMAINS, MAX_DOMAIN_MEMORY_MIB, MAX_FILE_CHARS, MAX_FILES, MAX_HOST_CPUS, MAX_HOST_MEMORY_MIB, MAX_HOSTS,
  MAX_LABFILE_BYTES, MAX_LINK_LATENCY_MS, MAX_LINK_MBPS, MAX_LINKS, MAX_NETWORKS, MAX_PATH_CHARS, MAX_TITLE_CHARS, MAX_TREE_CHARS,
  MAX_TREE_NODES, MAX_VCPUS, MIN_DOMAIN_MEMORY_MIB, MIN_HOST_MEMORY_MIB, MIN_LINK_MBPS, NAME_PATTERN, NETWORK_MODES,
  NETWORK_NAME_PATTERN, PATH_PATTERN, TEXT_FORBIDDEN, VISIBLE_PATTERN,
  type Labfile, type LabfileDomain, type LabfileFile, type LabfileHost, type LabfileLink, type LabfileNetwork, type NetworkMode,
} from './format.ts';

export class LabfileError extends Error {
  override name = 'LabfileError';
  constructor(
    /** Where, as `domains[2].host`; '' for the document as a whole. */
    readonly path: string,
    readonly detail: string,
    /** 'newer-version': made by a newer virtlab; updating virtlab is the fix, not editing the lab. */
    readonly problem: 'invalid' | 'newer-version' = 'invalid',
  ) {
    super(path === '' ? detail : `${path}: ${detail}`);
  }
}

export interface LabfileWarning {
  readonly path: string;
  /** The whole sentence, path included, for a person. */
  readonly message: string;
}

export interface CheckedLabfile {
  readonly labfile: Labfile;
  readonly warnings: readonly LabfileWarning[];
  /** What each domain's xl.cfg says, index for index with `labfile.domains`. */
  readonly configs: readonly XlCfgFacts[];
}

export interface ReadOptions {
  /** The lab passes the real xl.cfg parser (see xlcfg-facts.ts); default: parseXlCfgMinimal. */
  readonly parseXlCfg?: ParseXlCfg;
}

/** A dialog lists this many warnings; more are counted in one last line. */
export const MAX_WARNINGS = 20;
/** `$schema` is for editors and is dropped on reading; a URL of 2 KiB is already odd. */
const MAX_SCHEMA_URL_CHARS = 2048;

const TOP_KEYS = ['$schema', 'labfile', 'title', 'description', 'hosts', 'links', 'networks', 'domains', 'files'];
const HOST_KEYS = ['name', 'cpus', 'memoryMiB'];
const LINK_KEYS = ['hosts', 'bandwidthMbps', 'latencyMs'];
const NETWORK_KEYS = ['name', 'mode'];
const DOMAIN_KEYS = ['name', 'host', 'autostart', 'config'];
const FILE_KEYS = ['path', 'content'];

const NAME = new RegExp(NAME_PATTERN);
const NETWORK_NAME = new RegExp(NETWORK_NAME_PATTERN);
const PATH = new RegExp(PATH_PATTERN);
const TEXT_BAD = new RegExp(`[${TEXT_FORBIDDEN}]`, 'u');
const LINE_BAD = new RegExp(`[${LINE_FORBIDDEN}]`, 'u');
const VISIBLE = new RegExp(VISIBLE_PATTERN, 'u');

type Json = Record<string, unknown>;

function fail(path: string, detail: string): never {
  throw new LabfileError(path, detail);
}

/** An own property only: `constructor` or `__proto__` in the input are just unknown keys. */
const get = (o: Json, key: string): unknown => (Object.hasOwn(o, key) ? o[key] : undefined);

function object(v: unknown, path: string, what: string): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, `must be ${what} ({ … }), not ${describeValue(v)}`);
  return v as Json;
}

function list(v: unknown, path: string, max: number, what: string): readonly unknown[] {
  if (!Array.isArray(v)) fail(path, `must be a list ([ … ]) of ${what}, not ${describeValue(v)}`);
  if (v.length > max) fail(path, `${v.length} ${what}: a lab has at most ${max}`);
  return v;
}

function integer(v: unknown, path: string, min: number, max: number, unit = ''): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(path, `must be a whole number${unit === '' ? '' : ` of ${unit}`}, not ${describeValue(v)}`);
  if (v < min || v > max) fail(path, `must be from ${min} to ${max}${unit === '' ? '' : ` ${unit}`} (found ${v})`);
  return v;
}

/** Any number in range, fractions included (a bandwidth, a latency). */
function number(v: unknown, path: string, min: number, max: number, unit: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `must be a number of ${unit}, not ${describeValue(v)}`);
  if (v < min || v > max) fail(path, `must be from ${min} to ${max} ${unit} (found ${v})`);
  return v;
}

function required(o: Json, key: string, path: string, whole: string): unknown {
  const v = get(o, key);
  if (v === undefined) fail(childPath(path, key), `missing: ${whole}`);
  return v;
}

function name(v: unknown, path: string, pattern: RegExp, max: number): string {
  if (typeof v !== 'string') fail(path, `must be a name in quotes, not ${describeValue(v)}`);
  if (!pattern.test(v)) fail(path, `${quoteText(v)} is not a valid name: use up to ${max} letters, digits, "-", "_" or ".", starting with a letter or digit`);
  return v;
}

/** Plain text of at most `max` characters; `line` text may not hold tabs or line breaks either. */
function text(v: unknown, path: string, max: number, line: boolean): string {
  if (typeof v !== 'string') fail(path, `must be text in quotes, not ${describeValue(v)}`);
  const n = codePoints(v);
  if (n > max) fail(path, `is ${n} characters long; the limit is ${max}`);
  const bad = (line ? LINE_BAD : TEXT_BAD).exec(v);
  if (bad) {
    const c = bad[0].charCodeAt(0);
    const code = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    const at = `at character ${codePoints(v.slice(0, bad.index)) + 1}`;
    if (c === 0x0a || c === 0x09) fail(path, `has a ${c === 0x0a ? 'line break' : 'tab'} ${at}: it is one line of text`);
    if (c >= 0xd800 && c <= 0xdfff) fail(path, `has half a surrogate pair (${code}) ${at}: it is not Unicode text`);
    if (c >= 0x202a) fail(path, `has the invisible direction control ${code} ${at}: text from a lab must read as it is`);
    fail(path, `has the control character ${code} ${at}: a Labfile holds plain text${line ? '' : ' (tabs and line breaks are allowed)'}`);
  }
  return v;
}

/** Names are unique among the lab's hosts, its networks, its domains. */
function unique<T extends { readonly name: string }>(items: readonly T[], path: string, what: string): readonly T[] {
  const seen = new Map<string, number>();
  items.forEach((item, i) => {
    const before = seen.get(item.name);
    if (before !== undefined) fail(`${path}[${i}].name`, `"${item.name}" is used twice (also ${path}[${before}]): ${what} names are unique`);
    seen.set(item.name, i);
  });
  return items;
}

class Reader {
  readonly warnings: LabfileWarning[] = [];
  private unlisted = 0;

  constructor(private readonly parseXlCfg: ParseXlCfg) {}

  read(value: unknown): CheckedLabfile {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      fail('', `this is not a Labfile: a Labfile is a JSON object { "labfile": ${LABFILE_VERSION}, … }, not ${describeValue(value)}`);
    }
    const o = value as Json;
    checkVersion(get(o, 'labfile'));
    this.keys(o, '', TOP_KEYS, 'a Labfile');
    const schema = get(o, '$schema');
    if (schema !== undefined && (typeof schema !== 'string' || codePoints(schema) > MAX_SCHEMA_URL_CHARS)) {
      fail('$schema', `must be the schema's URL, at most ${MAX_SCHEMA_URL_CHARS} characters`);
    }

    const title = text(required(o, 'title', '', 'a Labfile has a title, shown when the lab opens'), 'title', MAX_TITLE_CHARS, true);
    if (!VISIBLE.test(title)) fail('title', 'is empty: a lab has a title, shown when it opens');
    const rawDescription = get(o, 'description');
    const description = rawDescription === undefined ? '' : text(rawDescription, 'description', MAX_DESCRIPTION_CHARS, false);

    const hostList = list(required(o, 'hosts', '', 'a lab has at least one host'), 'hosts', MAX_HOSTS, 'hosts');
    if (hostList.length === 0) fail('hosts', 'is empty: a lab has at least one host');
    const hosts = unique(hostList.map((h, i) => this.host(h, `hosts[${i}]`)), 'hosts', 'host');

    const rawLinks = get(o, 'links');
    const links = rawLinks === undefined ? [] : this.links(list(rawLinks, 'links', MAX_LINKS, 'links'), hosts);

    const rawNetworks = get(o, 'networks');
    const networks = rawNetworks === undefined
      ? DEFAULT_NETWORKS
      : unique(list(rawNetworks, 'networks', MAX_NETWORKS, 'networks').map((n, i) => this.network(n, `networks[${i}]`)), 'networks', 'network');

    const rawDomains = get(o, 'domains');
    const domainList = rawDomains === undefined ? [] : list(rawDomains, 'domains', MAX_DOMAINS, 'domains');
    const domains: LabfileDomain[] = [];
    const configs: XlCfgFacts[] = [];
    /** Memory the autostart domains take on each host, and who they are. */
    const autostarted = new Map<string, { mib: number; names: string[] }>();
    domainList.forEach((raw, i) => {
      const path = `domains[${i}]`;
      const { domain, facts } = this.domain(raw, path, hosts, networks);
      const twin = domains.findIndex((d) => d.name === domain.name);
      if (twin >= 0) fail(`${path}.name`, `"${domain.name}" is used twice (also domains[${twin}]): domain names are unique`);
      if (domain.autostart) {
        const sum = autostarted.get(domain.host) ?? { mib: 0, names: [] };
        sum.mib += facts.memoryMiB;
        sum.names.push(domain.name);
        autostarted.set(domain.host, sum);
        const host = hosts.find((h) => h.name === domain.host)!;
        if (sum.mib > host.memoryMiB) {
          fail(`${path}.autostart`, `${listWords(sum.names)} start with the lab on ${host.name} and need ${sum.mib} MiB together, but ${host.name} has ${host.memoryMiB} MiB`);
        }
      }
      domains.push(domain);
      configs.push(facts);
    });

    const rawFiles = get(o, 'files');
    const files = rawFiles === undefined ? [] : this.files(list(rawFiles, 'files', MAX_FILES, 'files'), domains);

    if (this.unlisted > 0) this.warnings.push({ path: '', message: `… and ${this.unlisted} more unknown keys, also ignored` });
    return { labfile: { labfile: LABFILE_VERSION, title, description, hosts, links, networks, domains, files }, warnings: this.warnings, configs };
  }

  private host(raw: unknown, path: string): LabfileHost {
    const o = object(raw, path, 'a host');
    this.keys(o, path, HOST_KEYS, 'a host');
    const whole = 'a host has name, cpus and memoryMiB';
    return {
      name: name(required(o, 'name', path, whole), `${path}.name`, NAME, 32),
      cpus: integer(required(o, 'cpus', path, whole), `${path}.cpus`, 1, MAX_HOST_CPUS),
      memoryMiB: integer(required(o, 'memoryMiB', path, whole), `${path}.memoryMiB`, MIN_HOST_MEMORY_MIB, MAX_HOST_MEMORY_MIB, 'MiB'),
    };
  }

  /** Links: two distinct hosts of the lab each, one link per pair (either order), values in the lab's bounds. */
  private links(raw: readonly unknown[], hosts: readonly LabfileHost[]): LabfileLink[] {
    const names = hosts.map((h) => h.name);
    /** Each pair listed so far, as its two names sorted, and where. */
    const pairs = new Map<string, number>();
    return raw.map((entry, i): LabfileLink => {
      const path = `links[${i}]`;
      const o = object(entry, path, 'a link');
      this.keys(o, path, LINK_KEYS, 'a link');
      const at = `${path}.hosts`;
      const ends = required(o, 'hosts', path, 'a link has hosts, the two it joins (bandwidthMbps and latencyMs are optional)');
      if (!Array.isArray(ends) || ends.length !== 2) {
        fail(at, `must be a list ([ … ]) of the two hosts the link joins, not ${Array.isArray(ends) ? `${ends.length} of them` : describeValue(ends)}`);
      }
      ends.forEach((end: unknown, j) => {
        if (!names.includes(end as string)) {
          const which = typeof end === 'string' ? quoteText(end) : describeValue(end);
          fail(`${at}[${j}]`, `${which} is not one of the lab's hosts (${names.join(', ')})`);
        }
      });
      const [a, b] = ends as [string, string];
      if (a === b) fail(`${at}[1]`, `"${b}" is also ${at}[0]: a link joins two different hosts`);
      const pair = a < b ? `${a}\n${b}` : `${b}\n${a}`;
      const before = pairs.get(pair);
      if (before !== undefined) fail(at, `${a} and ${b} are joined twice (also links[${before}]): two hosts have one link`);
      pairs.set(pair, i);
      const rawBandwidth = get(o, 'bandwidthMbps');
      const rawLatency = get(o, 'latencyMs');
      return {
        hosts: [a, b],
        bandwidthMbps: rawBandwidth === undefined ? DEFAULT_LINK_MBPS : number(rawBandwidth, `${path}.bandwidthMbps`, MIN_LINK_MBPS, MAX_LINK_MBPS, 'Mbit/s'),
        latencyMs: rawLatency === undefined ? DEFAULT_LINK_LATENCY_MS : number(rawLatency, `${path}.latencyMs`, 0, MAX_LINK_LATENCY_MS, 'ms'),
      };
    });
  }

  private network(raw: unknown, path: string): LabfileNetwork {
    const o = object(raw, path, 'a network');
    this.keys(o, path, NETWORK_KEYS, 'a network');
    const whole = 'a network has a name and a mode';
    const netName = name(required(o, 'name', path, whole), `${path}.name`, NETWORK_NAME, 15);
    const mode = required(o, 'mode', path, whole);
    if (!NETWORK_MODES.includes(mode as NetworkMode)) fail(`${path}.mode`, `must be "bridge", "nat" or "isolated", not ${describeValue(mode)}`);
    return { name: netName, mode: mode as NetworkMode };
  }

  private domain(raw: unknown, path: string, hosts: readonly LabfileHost[], networks: readonly LabfileNetwork[]): { domain: LabfileDomain; facts: XlCfgFacts } {
    const o = object(raw, path, 'a domain');
    this.keys(o, path, DOMAIN_KEYS, 'a domain');
    const whole = 'a domain has name, host and config (its xl.cfg text)';
    const domName = name(required(o, 'name', path, whole), `${path}.name`, NAME, 32);
    const hostName = required(o, 'host', path, whole);
    const host = hosts.find((h) => h.name === hostName);
    if (!host) {
      const which = typeof hostName === 'string' ? quoteText(hostName) : describeValue(hostName);
      fail(`${path}.host`, `${which} is not one of the lab's hosts (${hosts.map((h) => h.name).join(', ')})`);
    }
    const rawAutostart = get(o, 'autostart');
    const autostart = rawAutostart === undefined ? false : rawAutostart;
    if (typeof autostart !== 'boolean') fail(`${path}.autostart`, `must be true or false, not ${describeValue(autostart)}`);
    const cfgPath = `${path}.config`;
    const config = text(required(o, 'config', path, whole), cfgPath, MAX_CONFIG_CHARS, false);

    let facts: XlCfgFacts;
    try {
      facts = this.parseXlCfg(config);
    } catch (e) {
      fail(cfgPath, `is not a valid xl.cfg: ${plainMessage(e)}`);
    }
    if (facts.name !== domName) {
      fail(cfgPath, `says name = ${quoteText(String(facts.name))} but the domain is "${domName}": they must agree (the file is /etc/xen/${domName})`);
    }
    const mib = facts.memoryMiB;
    if (!Number.isInteger(mib) || mib < MIN_DOMAIN_MEMORY_MIB || mib > MAX_DOMAIN_MEMORY_MIB) {
      fail(cfgPath, `memory must be from ${MIN_DOMAIN_MEMORY_MIB} to ${MAX_DOMAIN_MEMORY_MIB} MiB (found ${mib})`);
    }
    if (!Number.isInteger(facts.vcpus) || facts.vcpus < 1 || facts.vcpus > MAX_VCPUS) {
      fail(cfgPath, `vcpus must be from 1 to ${MAX_VCPUS} (found ${facts.vcpus})`);
    }
    if (mib > host.memoryMiB) fail(cfgPath, `${domName} needs ${mib} MiB but ${host.name} has only ${host.memoryMiB} MiB`);
    if (facts.vcpus > host.cpus) fail(cfgPath, `${domName} has ${facts.vcpus} vCPUs but ${host.name} has only ${host.cpus} CPUs`);
    for (const bridge of facts.bridges ?? []) {
      if (!networks.some((n) => n.name === bridge)) {
        const known = networks.length === 0 ? 'the lab has no networks' : `networks: ${networks.map((n) => n.name).join(', ')}`;
        fail(cfgPath, `a vif uses bridge ${quoteText(String(bridge))}, which is not one of the lab's networks (${known})`);
      }
    }
    return { domain: { name: domName, host: host.name, autostart, config }, facts };
  }

  /**
   * dom0 files: valid, distinct paths, none both a file and a directory, none a domain's config
   * nor one of dom0's own directories; and the whole tree fits dom0's file system (format.ts).
   */
  private files(raw: readonly unknown[], domains: readonly LabfileDomain[]): LabfileFile[] {
    /** Every file path the dom0 tree will hold, and which entry puts it there. */
    const taken = new Map<string, string>();
    /** Every directory above one of them, with one file inside it. */
    const dirs = new Map<string, string>();
    const add = (p: string, where: string) => {
      taken.set(p, where);
      for (const dir of parents(p)) if (!dirs.has(dir)) dirs.set(dir, p);
    };
    domains.forEach((d, i) => add(`/etc/xen/${d.name}`, `domains[${i}].config`));
    const files = raw.map((entry, i): LabfileFile => {
      const path = `files[${i}]`;
      const o = object(entry, path, 'a file');
      this.keys(o, path, FILE_KEYS, 'a file');
      const whole = 'a file has a path and content';
      const p = required(o, 'path', path, whole);
      const at = `${path}.path`;
      if (typeof p !== 'string') fail(at, `must be a path in quotes, not ${describeValue(p)}`);
      if (codePoints(p) > MAX_PATH_CHARS) fail(at, `is ${codePoints(p)} characters long; the limit is ${MAX_PATH_CHARS}`);
      if (!PATH.test(p)) fail(at, `${quoteText(p)} is not a valid dom0 path: use an absolute path such as /root/notes.txt, of letters, digits and "_.+@-", without "." or ".." parts`);
      if (DOM0_DIRS.includes(p)) fail(at, `${p} is one of dom0's own directories (${DOM0_DIRS.join(', ')}), not a file`);
      const content = text(required(o, 'content', path, whole), `${path}.content`, MAX_FILE_CHARS, false);
      if (content.length > MAX_FILE_CHARS) {
        fail(`${path}.content`, `is ${content.length} characters long as the dom0 file system counts them (characters such as emoji count twice); the limit is ${MAX_FILE_CHARS}`);
      }
      const before = taken.get(p);
      if (before?.startsWith('domains')) fail(at, `${p} is the config of a domain: it comes from ${before}, not from files`);
      if (before !== undefined) fail(at, `${p} is listed twice (also ${before}.path)`);
      const inside = dirs.get(p);
      if (inside !== undefined) fail(at, `${p} is a directory: ${inside} is inside it`);
      for (const dir of parents(p)) {
        const file = taken.get(dir);
        if (file !== undefined) fail(at, `${p} would be inside ${dir}, which is a file (${file})`);
      }
      add(p, path);
      return { path: p, content };
    });
    // The tree as dom0 will hold it: `/`, its own directories, every file and every directory above one.
    const nodes = new Set(['/', ...DOM0_DIRS, ...taken.keys(), ...dirs.keys()]).size;
    if (nodes > MAX_TREE_NODES) {
      fail('files', `these files and their directories make ${nodes} entries in the dom0 file system, which holds at most ${MAX_TREE_NODES}: use fewer directories`);
    }
    const chars = domains.reduce((n, d) => n + d.config.length, 0) + files.reduce((n, f) => n + f.content.length, 0);
    if (chars > MAX_TREE_CHARS) {
      fail('files', `the dom0 files and domain configs hold ${chars} characters together; the dom0 file system holds at most ${MAX_TREE_CHARS}`);
    }
    return files;
  }

  /** Report keys the format does not have: errors at the top level, warnings in entries. */
  private keys(o: Json, path: string, known: readonly string[], what: string): void {
    for (const key of Object.keys(o)) {
      if (known.includes(key)) continue;
      if (path !== '' && this.warnings.length >= MAX_WARNINGS) { this.unlisted++; continue; }
      const near = closestKey(key, known);
      const hint = near === undefined ? '' : ` (did you mean "${near}"?)`;
      const where = childPath(path, key);
      if (path === '') fail(where, `is not part of ${what}${hint}; its parts are ${known.filter((k) => k !== '$schema').join(', ')}`);
      this.warnings.push({ path: where, message: `${where}: not part of ${what}, ignored${hint}` });
    }
  }
}

/** Directories above a path: /a/b/c → /a/b, /a. */
function parents(p: string): string[] {
  const out: string[] = [];
  for (let i = p.lastIndexOf('/'); i > 0; i = p.lastIndexOf('/', i - 1)) out.push(p.slice(0, i));
  return out;
}

/**
 * The version comes first: a newer file is reported as such, not as a list of keys this virtlab
 * does not know. Older versions are migrated here, one step at a time, once there are any —
 * version 1 is the first, so anything below it never existed.
 */
function checkVersion(v: unknown): void {
  if (v === undefined) fail('', `this is not a Labfile: it has no "labfile" version (a Labfile starts { "labfile": ${LABFILE_VERSION}, … })`);
  if (typeof v !== 'number' || !Number.isInteger(v)) fail('labfile', `the version must be a whole number such as ${LABFILE_VERSION}, not ${describeValue(v)}`);
  if (v > LABFILE_VERSION) {
    throw new LabfileError('labfile', `this lab was made by a newer virtlab (Labfile version ${v}; this virtlab reads version ${LABFILE_VERSION}): update virtlab to open it`, 'newer-version');
  }
  if (v < LABFILE_VERSION) fail('labfile', `there is no Labfile version ${v}: versions start at 1`);
}

/**
 * Check a Labfile already parsed from JSON (or built by the lab). Throws LabfileError; never
 * returns any part of the input object: everything in the result is copied and checked.
 */
export function readLabfile(value: unknown, options: ReadOptions = {}): CheckedLabfile {
  return new Reader(options.parseXlCfg ?? parseXlCfgMinimal).read(value);
}

/** Check a Labfile given as JSON text (a file, local storage, `lab import`). */
export function parseLabfileText(json: string, options: ReadOptions = {}): CheckedLabfile {
  const size = json.length > MAX_LABFILE_BYTES ? json.length : utf8Length(json);
  if (size > MAX_LABFILE_BYTES) fail('', `this Labfile is ${Math.ceil(size / 1024)} KiB; a Labfile is at most ${MAX_LABFILE_BYTES / 1024} KiB`);
  let value: unknown;
  try {
    value = JSON.parse(json.charCodeAt(0) === 0xfeff ? json.slice(1) : json);
  } catch (e) {
    fail('', `this is not a Labfile: it is not valid JSON (${plainMessage(e)})`);
  }
  return readLabfile(value, options);
}

export interface WriteOptions extends ReadOptions {
  /** One line, for links; the default is indented for people and diffs. */
  readonly compact?: boolean;
}

/**
 * The Labfile as JSON text, checked first (throws LabfileError): the lab never writes a file or
 * a link it would refuse to read. Keys come in the documented order, defaults written out.
 */
export function writeLabfile(labfile: Labfile, options: WriteOptions = {}): string {
  const checked = readLabfile(labfile, options).labfile;
  const json = options.compact ? JSON.stringify(checked) : `${JSON.stringify(checked, null, 2)}\n`;
  const size = utf8Length(json);
  if (size > MAX_LABFILE_BYTES) fail('', `this lab is ${Math.ceil(size / 1024)} KiB as a Labfile; a Labfile is at most ${MAX_LABFILE_BYTES / 1024} KiB (the dom0 files take the most room)`);
  return json;
}

/** A file name for an exported lab, made from its title: `two-hosts-three-guests.labfile.json`. */
export function labfileFileName(title: string): string {
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 48).replace(/-+$/, '');
  return `${slug === '' ? 'lab' : slug}.labfile.json`;
}
