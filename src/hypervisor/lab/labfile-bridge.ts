/**
 * The lab ↔ its Labfile (issue 7, DESIGN.md §7). DOM-free; the page (src/ui/share) and the dom0
 * `lab` command (dom0/lab-command.ts) use it.
 *
 *   labfileOf(view, fs, meta)   the current lab as a Labfile: hosts, the links not at DEFAULT_LINK,
 *                               networks, each domain's xl.cfg text (its /etc/xen/NAME when that
 *                               is the defined config, else serializeXlCfg), host and autostart,
 *                               the other dom0 files, title and description. Throws
 *                               LabBridgeError naming the file or domain that does not fit a Labfile.
 *   labViewOf(snapshot)         what of `Lab.snapshot()` a Labfile keeps (the page's, and the tests').
 *   prepareLab(checked)         a checked Labfile read with the real xl.cfg parser: every domain's
 *                               XlConfig, and the dom0 tree it gets. Pure; throws LabBridgeError.
 *   fillVfs(fs, files)          replace what a Vfs holds, in place (the dom0 shell keeps its Vfs).
 *   buildLab(prepared, makeLab) a new Lab with its links set and every domain defined, or
 *                               LabBridgeError naming the one the lab's own rules refuse (and the
 *                               new lab disposed).
 *   startDomains(lab, names)    start the autostart domains in order; failures reported, not fatal.
 *   storedLabOf / readStoredLab the record kept in IndexedDB across reloads, read back as input.
 *   parseXlCfgFacts             the real xl.cfg parser as the Labfile checks take it (ParseXlCfg).
 *
 * Building never touches the current lab: the page builds the new Lab first and swaps it in only
 * once every domain is defined (src/ui/share/session.svelte.ts).
 *
 * Limits: everything a Labfile holds fits in dom0's Vfs (labfile/format.ts ties its limits to
 * dom0/vfs.ts and read.ts checks the rest). The other way round a Vfs may hold what a Labfile
 * refuses — a file name with a space, more than 64 files, control characters — and then
 * labfileOf says which file and why, so the person can rename or remove it. Empty directories
 * and file times are not part of a Labfile.
 */
import {
  BPS_PER_MBPS, DEFAULT_NETWORKS, DOM0_DIRS, LABFILE_VERSION, type Labfile, type LabfileDomain, type LabfileFile, type LabfileLink,
  type LabfileNetwork,
} from '../labfile/format.ts';
import { DEFAULT_LINK, type LinkModel } from '../migration/link.ts';
import type { LabSnapshot, LinkSnapshot } from './lab.ts';
import { LabfileError, parseLabfileText, readLabfile, type CheckedLabfile } from '../labfile/read.ts';
import type { ParseXlCfg } from '../labfile/xlcfg-facts.ts';
import { parseXlCfg, serializeXlCfg, XlCfgError, type XlConfig } from '../xen/xlcfg.ts';
import type { RandomSource } from '../xen/ids.ts';
import { formatVif } from '../xen/devices.ts';
import { quote } from '../xen/xlcfg-syntax.ts';
import type { Vfs } from '../dom0/vfs.ts';

/** The real xl.cfg parser, adapted as labfile/xlcfg-facts.ts documents. */
export const parseXlCfgFacts: ParseXlCfg = (text) => {
  const c = parseXlCfg(text).config;
  return { name: c.name, memoryMiB: c.memory, vcpus: c.vcpus, bridges: c.vifs.map((v) => v.bridge) };
};

/** Options for every Labfile read in the lab: the real parser. */
export const LABFILE_OPTIONS = { parseXlCfg: parseXlCfgFacts } as const;

/** What goes wrong between the lab and a Labfile; `message` is one sentence for a person. */
export class LabBridgeError extends Error {
  override name = 'LabBridgeError';
}

/** The lab's title, description and networks: what a Labfile holds that the Lab does not. */
export interface LabMeta {
  readonly title: string;
  readonly description: string;
  /** The lab's networks (the Lab has no model of them yet); default: DEFAULT_NETWORKS. */
  readonly networks?: readonly LabfileNetwork[];
}

/** A lab that was never given a title. */
export const DEFAULT_TITLE = 'My virtlab lab';
export const DEFAULT_META: LabMeta = { title: DEFAULT_TITLE, description: '' };

/** What labfileOf reads of the lab: `Lab.snapshot()`'s hosts and links, and each domain's config, host and autostart. */
export interface LabView {
  readonly hosts: readonly { readonly name: string; readonly cpus: number; readonly memoryMiB: number }[];
  readonly domains: readonly { readonly name: string; readonly host: string; readonly autostart: boolean; readonly config: XlConfig }[];
  /** The links between the hosts, either order (`Lab.snapshot().links`); a pair not listed is at DEFAULT_LINK. */
  readonly links?: readonly LinkSnapshot[];
}

/**
 * The lab as labfileOf reads it: its hosts and links, and its persistent domains (a transient
 * NAME-ID domain a rename-restart leaves is not part of what the lab is).
 */
export function labViewOf(snapshot: LabSnapshot): LabView {
  return { hosts: snapshot.hosts, domains: snapshot.domains.filter((d) => d.persistent), links: snapshot.links };
}

/** Where a domain's config lives in dom0. */
export const configPathOf = (name: string): string => `/etc/xen/${name}`;

/** Fixed random bytes: parsing twice with two of them shows which values the parser made up. */
const zeros: RandomSource = (b) => { b.fill(0); };
const ones: RandomSource = (b) => { b.fill(0xff); };

/** Heads the lines configTextOf adds to a config that did not say its uuid or MACs. */
export const IDENTITY_COMMENT = '# virtlab: the uuid and MACs this domain was defined with';

/**
 * A domain's xl.cfg text for its Labfile entry: the file /etc/xen/NAME as the person wrote it
 * (comments and all) when it says what the domain is defined as, else the defined config written
 * out. A file edited but not defined again (`xl create` reads it) is not what the domain is: the
 * Labfile keeps the defined domain.
 *
 * A file without a uuid (or a vif without a MAC) gets one made up when it is defined, as xl does;
 * the domain keeps it, so the text gets the made-up values appended (`uuid = …`, `vif = […]`,
 * which win over earlier lines): a lab saved and opened again keeps its domains' identities.
 */
export function configTextOf(config: XlConfig, fs?: Vfs): string {
  const written = serializeXlCfg(config);
  const text = readIfFile(fs, configPathOf(config.name));
  if (text === undefined) return written;
  let a: XlConfig;
  let b: XlConfig;
  try {
    a = parseXlCfg(text, { random: zeros }).config;
    b = parseXlCfg(text, { random: ones }).config;
  } catch (e) {
    if (e instanceof XlCfgError) return written;
    throw e;
  }
  if (serializeXlCfg(a) === written) return text;
  const madeUpUuid = a.uuid !== b.uuid;
  const madeUpMac = a.vifs.some((v, i) => v.mac !== b.vifs[i].mac);
  if (!madeUpUuid && !madeUpMac) return written;
  if (a.vifs.length !== config.vifs.length) return written;
  const filled: XlConfig = {
    ...a,
    uuid: madeUpUuid ? config.uuid : a.uuid,
    vifs: a.vifs.map((v, i) => (v.mac !== b.vifs[i].mac ? { ...v, mac: config.vifs[i].mac } : v)),
  };
  if (serializeXlCfg(filled) !== written) return written;
  const lines = [IDENTITY_COMMENT];
  if (madeUpUuid) lines.push(`uuid = "${config.uuid}"`);
  if (madeUpMac) lines.push(`vif = [ ${config.vifs.map((v) => quote(formatVif(v))).join(', ')} ]`);
  const out = `${text}${text.endsWith('\n') ? '' : '\n'}${lines.join('\n')}\n`;
  try {
    return serializeXlCfg(parseXlCfg(out, { random: zeros }).config) === written ? out : written;
  } catch (e) {
    if (e instanceof XlCfgError) return written;
    throw e;
  }
}

function readIfFile(fs: Vfs | undefined, path: string): string | undefined {
  if (fs?.stat(path)?.kind !== 'file') return undefined;
  return fs.readFile(path);
}

const isDefaultLink = (l: LinkModel): boolean => l.bandwidthBps === DEFAULT_LINK.bandwidthBps && l.latencyMs === DEFAULT_LINK.latencyMs;

/**
 * The Labfile's links: those away from DEFAULT_LINK (a lab nobody slowed down has none), one per
 * pair in the lab's host order (host1 ↔ host2, host1 ↔ host3, …, each named in host order),
 * whatever order the view lists them in: the same lab always writes the same Labfile, so the
 * saved copy is rewritten only when the lab changed.
 */
function linksOf(view: LabView): LabfileLink[] {
  const out: LabfileLink[] = [];
  view.hosts.forEach((a, i) => {
    for (const b of view.hosts.slice(i + 1)) {
      const link = view.links?.find(({ hosts: [x, y] }) => (x === a.name && y === b.name) || (x === b.name && y === a.name));
      if (link && !isDefaultLink(link)) {
        out.push({ hosts: [a.name, b.name], bandwidthMbps: link.bandwidthBps / BPS_PER_MBPS, latencyMs: link.latencyMs });
      }
    }
  });
  return out;
}

/** Every file of a Vfs, in path order. */
export function vfsFiles(fs: Vfs): { path: string; text: string }[] {
  return fs.toJSON().files.map((f) => ({ path: f.path, text: f.text }));
}

/**
 * The current lab as a checked Labfile. Throws LabBridgeError saying which dom0 file or domain
 * does not fit a Labfile (nothing is changed).
 */
export function labfileOf(view: LabView, fs: Vfs | undefined, meta: LabMeta = DEFAULT_META): Labfile {
  const domains: LabfileDomain[] = view.domains.map((d) => ({ name: d.name, host: d.host, autostart: d.autostart, config: configTextOf(d.config, fs) }));
  const configs = new Set(view.domains.map((d) => configPathOf(d.name)));
  const files: LabfileFile[] = fs === undefined ? [] : vfsFiles(fs).filter((f) => !configs.has(f.path)).map((f) => ({ path: f.path, content: f.text }));
  // A vif may name a bridge the lab's networks do not list yet (virt-install --network bridge=…).
  const networks = [...(meta.networks ?? DEFAULT_NETWORKS)];
  for (const d of view.domains) {
    for (const v of d.config.vifs) {
      if (!networks.some((n) => n.name === v.bridge)) networks.push({ name: v.bridge, mode: 'bridge' });
    }
  }
  const labfile: Labfile = {
    labfile: LABFILE_VERSION,
    title: meta.title,
    description: meta.description,
    hosts: view.hosts.map((h) => ({ name: h.name, cpus: h.cpus, memoryMiB: h.memoryMiB })),
    links: linksOf(view),
    networks,
    domains,
    files,
  };
  try {
    return readLabfile(labfile, LABFILE_OPTIONS).labfile;
  } catch (e) {
    if (!(e instanceof LabfileError)) throw e;
    throw new LabBridgeError(explain(e, labfile));
  }
}

/** A LabfileError about the lab's own Labfile, said in terms of the lab. */
function explain(e: LabfileError, labfile: Labfile): string {
  const cannot = 'The lab cannot be saved as a Labfile';
  const m = /^(files|domains|hosts|networks)(?:\[(\d+)\])?/.exec(e.path);
  if (m && m[2] !== undefined) {
    const i = Number(m[2]);
    if (m[1] === 'files') return `${cannot}: the dom0 file ${labfile.files[i].path} ${fileProblem(e)}`;
    if (m[1] === 'domains') return `${cannot}: domain ${labfile.domains[i].name}: ${e.detail}`;
    if (m[1] === 'hosts') return `${cannot}: host ${labfile.hosts[i].name}: ${e.detail}`;
    return `${cannot}: network ${labfile.networks[i].name}: ${e.detail}`;
  }
  if (e.path === 'files' && /files: a lab has at most/.test(e.detail)) {
    return `${cannot}: dom0 holds ${labfile.files.length} files besides the domain configs, and a Labfile at most ${e.detail.replace(/^.*at most /, '')}: remove some (rm)`;
  }
  if (e.path === 'title') return `The title ${e.detail}`;
  if (e.path === 'description') return `The description ${e.detail}`;
  return `${cannot}: ${e.message}`;
}

function fileProblem(e: LabfileError): string {
  if (e.path.endsWith('.path')) {
    if (/is not a valid dom0 path/.test(e.detail)) return 'has a name a Labfile cannot hold: rename it (mv) to letters, digits and "_.+@-" only';
    return `cannot be saved: ${e.detail}`;
  }
  return `cannot be saved: its content ${e.detail}`;
}

// ---- building ---------------------------------------------------------------------------------

export interface PreparedDomain {
  readonly name: string;
  readonly host: string;
  readonly autostart: boolean;
  /** The config as the real parser reads it (what the lab defines). */
  readonly config: XlConfig;
  /** Its text, written to /etc/xen/NAME. */
  readonly text: string;
}

/** A Labfile's link in the lab's units (Lab.setLink's). */
export interface PreparedLink extends LinkModel {
  readonly hosts: readonly [string, string];
}

export interface PreparedLab {
  readonly labfile: Labfile;
  readonly meta: LabMeta;
  readonly hosts: readonly { readonly name: string; readonly cpus: number; readonly memoryMiB: number }[];
  /** Set once the hosts exist, before any domain is defined. */
  readonly links: readonly PreparedLink[];
  /** In Labfile order: they are defined, and the autostart ones started, in this order. */
  readonly domains: readonly PreparedDomain[];
  /** Every file of the new dom0 tree: the Labfile's files, then each domain's config. */
  readonly files: readonly { readonly path: string; readonly text: string }[];
}

export interface PrepareOptions {
  /** For configs without a uuid or a vif without a MAC (tests make it deterministic). */
  readonly random?: RandomSource;
}

/**
 * Read every domain's config with the real xl.cfg parser (a Labfile checked with another
 * parser is read again here) and lay out the dom0 tree. Pure: throws LabBridgeError naming the
 * domain, and nothing has changed.
 */
export function prepareLab(checked: CheckedLabfile, opts: PrepareOptions = {}): PreparedLab {
  const lab = checked.labfile;
  const domains = lab.domains.map((d): PreparedDomain => {
    let config: XlConfig;
    try {
      config = parseXlCfg(d.config, opts.random ? { random: opts.random } : {}).config;
    } catch (e) {
      throw new LabBridgeError(`domain ${d.name}: its config is not valid xl.cfg: ${(e as Error).message}`);
    }
    if (config.name !== d.name) throw new LabBridgeError(`domain ${d.name}: its config says name = "${config.name}"`);
    return { name: d.name, host: d.host, autostart: d.autostart, config, text: d.config };
  });
  return {
    labfile: lab,
    meta: { title: lab.title, description: lab.description, networks: lab.networks },
    hosts: lab.hosts,
    links: lab.links.map((l) => ({ hosts: l.hosts, bandwidthBps: l.bandwidthMbps * BPS_PER_MBPS, latencyMs: l.latencyMs })),
    domains,
    files: [...lab.files.map((f) => ({ path: f.path, text: f.content })), ...domains.map((d) => ({ path: configPathOf(d.name), text: d.text }))],
  };
}

/**
 * Make `fs` hold exactly dom0's own directories and `files`, in place: the dom0 shell and its
 * listeners keep the same Vfs. The files come from a checked Labfile, so they fit (format.ts);
 * should one not, the Vfs's own error is thrown with the path, and what was written stays.
 */
export function fillVfs(fs: Vfs, files: readonly { readonly path: string; readonly text: string }[]): void {
  for (const name of fs.readdir('/')) fs.remove(`/${name}`, { recursive: true });
  for (const dir of DOM0_DIRS) fs.mkdir(dir, { parents: true });
  for (const f of files) {
    try {
      const parent = f.path.slice(0, f.path.lastIndexOf('/'));
      if (parent !== '') fs.mkdir(parent, { parents: true });
      fs.writeFile(f.path, f.text);
    } catch (e) {
      throw new LabBridgeError(`dom0 file ${f.path}: ${(e as Error).message}`);
    }
  }
}

/** What buildLab needs of a Lab (lab.ts; README "Building a lab from a Labfile"). */
export interface BuildableLab {
  /**
   * Lab.setLink. Only a Labfile with links needs it: a lab without it (a test double of the
   * domains alone) cannot build one, and says so rather than drop the links.
   */
  setLink?(a: string, b: string, change: { readonly bandwidthBps?: number; readonly latencyMs?: number }): void;
  define(config: XlConfig, opts?: { readonly host?: string; readonly autostart?: boolean }): void;
  start(name: string): Promise<void>;
  dispose(): void;
}

/**
 * A new lab with the Labfile's hosts, its links and every domain defined (shut off), from
 * `makeLab`. A link or a domain the lab refuses (its own rules: 1 vCPU for now, an image it has
 * not, …) throws LabBridgeError naming it, and the new lab is disposed: the current lab was
 * never touched.
 */
export function buildLab<L extends BuildableLab>(prepared: PreparedLab, makeLab: (hosts: PreparedLab['hosts']) => L): L {
  const lab = makeLab(prepared.hosts);
  try {
    for (const { hosts: [a, b], bandwidthBps, latencyMs } of prepared.links) {
      try {
        if (!lab.setLink) throw new Error('this lab has no links to set');
        lab.setLink(a, b, { bandwidthBps, latencyMs });
      } catch (e) {
        throw new LabBridgeError(`link ${a} ↔ ${b}: ${(e as Error).message}`);
      }
    }
    for (const d of prepared.domains) {
      try {
        lab.define(d.config, { host: d.host, autostart: d.autostart });
      } catch (e) {
        throw new LabBridgeError(`domain ${d.name}: ${(e as Error).message}`);
      }
    }
  } catch (e) {
    lab.dispose();
    throw e;
  }
  return lab;
}

/**
 * Start `names` one after the other, in order (a later one may need the memory an earlier one
 * left). A domain that does not start is reported and the rest still start.
 */
export async function startDomains(lab: Pick<BuildableLab, 'start'>, names: readonly string[]): Promise<{ started: string[]; failed: { name: string; message: string }[] }> {
  const started: string[] = [];
  const failed: { name: string; message: string }[] = [];
  for (const name of names) {
    try {
      await lab.start(name);
      started.push(name);
    } catch (e) {
      failed.push({ name, message: (e as Error).message });
    }
  }
  return { started, failed };
}

// ---- the lab kept across reloads ----------------------------------------------------------------

/** What the page keeps in IndexedDB (src/ui/share/persist.ts). */
export interface StoredLab {
  readonly version: typeof STORED_LAB_VERSION;
  /** The lab as a Labfile (compact JSON): hosts, links, networks, domains, dom0 files, title, description. */
  readonly labfile: string;
  /** Domains that were running when it was saved: they come back shut off, with "Start all". */
  readonly running: readonly string[];
  /** Milliseconds since the epoch. */
  readonly savedAt: number;
}

export const STORED_LAB_VERSION = 1;

/** The record to keep for this lab. */
export function storedLabOf(labfileText: string, running: readonly string[], savedAt: number): StoredLab {
  return { version: STORED_LAB_VERSION, labfile: labfileText, running: [...running], savedAt };
}

/**
 * Read a kept lab back. Stored data is input too (another tab, an older or newer virtlab, a
 * broken disk): it is checked like a file. Throws LabBridgeError with a message for a person.
 */
export function readStoredLab(value: unknown): { checked: CheckedLabfile; running: string[]; savedAt: number } {
  const bad = (why: string) => new LabBridgeError(`The lab saved in this browser could not be restored: ${why}`);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw bad('it is not a saved lab');
  const v = value as Record<string, unknown>;
  if (v.version !== STORED_LAB_VERSION) throw bad(`it was saved by another version of virtlab (format ${String(v.version).slice(0, 20)})`);
  if (typeof v.labfile !== 'string') throw bad('it holds no Labfile');
  let checked: CheckedLabfile;
  try {
    checked = parseLabfileText(v.labfile, LABFILE_OPTIONS);
  } catch (e) {
    if (e instanceof LabfileError) throw bad(e.message);
    throw e;
  }
  const names = new Set(checked.labfile.domains.map((d) => d.name));
  const running = Array.isArray(v.running) ? v.running.filter((n): n is string => typeof n === 'string' && names.has(n)) : [];
  const savedAt = typeof v.savedAt === 'number' && Number.isFinite(v.savedAt) ? v.savedAt : 0;
  return { checked, running: [...new Set(running)], savedAt };
}
