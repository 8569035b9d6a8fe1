/**
 * Disk and NIC specifications inside xl.cfg's `disk = [ … ]` and `vif = [ … ]` lists, as
 * documented in xl-disk-configuration(5) and xl-network-configuration(5).
 *
 * Disk:  [<target>,[<format>,[<vdev>,[<access>]]]] with key=value and flags before or after, and
 *        `target=` last (it takes the rest of the string, commas included). The legacy xm
 *        prefixes ("file:", "phy:", "tap:aio:") drop the format position: "file:/vm/chef.dsk,xvda,w".
 * NIC:   key=value,… where mac= and bridge= are modelled; other keys are kept as written.
 */
import { generateMac, macProblem, type RandomSource } from './ids.ts';

export type DiskFormat = 'raw' | 'qcow' | 'qcow2' | 'vhd' | 'qed';
const FORMATS: readonly DiskFormat[] = ['raw', 'qcow', 'qcow2', 'vhd', 'qed'];

export interface XlDisk {
  /** Path of the backing file or device in dom0; '' for an empty CD-ROM drive. */
  readonly target: string;
  readonly format: DiskFormat;
  /** Name the guest sees (xvda → /dev/xvda). */
  readonly vdev: string;
  readonly access: 'rw' | 'ro';
  readonly devtype: 'disk' | 'cdrom';
  /** Legacy xm prefix as written ("file:", "phy:", "tap:aio:"), kept so the file reads as written. */
  readonly legacyPrefix?: string;
  /** Other parameters, kept as written: script=…, backendtype=…, discard, … */
  readonly options: readonly string[];
}

export interface XlVif {
  readonly mac: string;
  readonly bridge: string;
  /** Other parameters, kept as written: ip=…, model=…, vifname=…, rate=…, … */
  readonly options: readonly string[];
}

/** A spec that cannot be read; xlcfg.ts adds the line and the key. */
export class DeviceSpecError extends Error {
  override name = 'DeviceSpecError';
}

/** Legacy prefixes that only name a backend; libxl ignores them (and warns they are deprecated). */
const BACKEND_PREFIX = /^(file|phy|tap|tap2|tapdisk|aio|ioemu):/;
/** Legacy prefixes that name the format. */
const FORMAT_PREFIX = /^(raw|qcow2?|vhd):/;
const DISK_KEYS = new Set(['target', 'format', 'vdev', 'access', 'devtype', 'backendtype', 'backend', 'script']);
const DISK_FLAGS = new Set(['cdrom', 'discard', 'no-discard', 'direct-io-safe', 'trusted', 'untrusted']);
const VDEV = /^(xvd|hd|sd|vd)[a-z]{1,3}[0-9]{0,2}$/;

function access(v: string): 'rw' | 'ro' {
  if (v === 'w' || v === 'rw') return 'rw';
  if (v === 'r' || v === 'ro') return 'ro';
  throw new DeviceSpecError(`access "${v}" is not r, ro, w or rw`);
}

function format(v: string): DiskFormat {
  if (v === '') return 'raw';
  if ((FORMATS as readonly string[]).includes(v)) return v as DiskFormat;
  throw new DeviceSpecError(`format "${v}" is not one of ${FORMATS.join(', ')}`);
}

export function parseDisk(spec: string): XlDisk {
  let target: string | undefined;
  let fmt: DiskFormat | undefined;
  let vdev: string | undefined;
  let acc: 'rw' | 'ro' | undefined;
  let devtype: 'disk' | 'cdrom' = 'disk';
  let legacyPrefix: string | undefined;
  const options: string[] = [];
  let rest = spec;
  while (rest.length > 0) {
    rest = rest.replace(/^\s+/, '');
    if (rest.startsWith('target=')) { target = rest.slice('target='.length); break; }
    const comma = rest.indexOf(',');
    const tok = (comma < 0 ? rest : rest.slice(0, comma)).trim();
    rest = comma < 0 ? '' : rest.slice(comma + 1);
    const kv = /^([a-z][-a-z0-9]*)=(.*)$/.exec(tok);
    if (kv) {
      const [, k, v] = kv;
      if (!DISK_KEYS.has(k)) throw new DeviceSpecError(`"${tok}" is not a disk parameter (target, format, vdev, access, devtype, backendtype, script)`);
      if (k === 'format') fmt = format(v);
      else if (k === 'vdev') vdev = v;
      else if (k === 'access') acc = access(v);
      else if (k === 'devtype') {
        if (v !== 'disk' && v !== 'cdrom') throw new DeviceSpecError(`devtype "${v}" is not disk or cdrom`);
        devtype = v;
      } else options.push(tok);
      continue;
    }
    if (DISK_FLAGS.has(tok)) {
      if (tok === 'cdrom') devtype = 'cdrom';
      else options.push(tok);
      continue;
    }
    // Positional: target, then format (not after a legacy prefix), vdev, access.
    if (target === undefined) {
      let t = tok;
      for (;;) {
        const b = BACKEND_PREFIX.exec(t);
        const f = b ? null : FORMAT_PREFIX.exec(t);
        if (b) legacyPrefix = (legacyPrefix ?? '') + b[0];
        else if (f) fmt = format(f[1]);
        else break;
        t = t.slice((b ?? f)![0].length);
      }
      if (legacyPrefix === undefined && t !== tok) legacyPrefix = ''; // a format prefix alone also drops the format position
      target = t;
    } else if (legacyPrefix === undefined && fmt === undefined) fmt = format(tok);
    else if (vdev === undefined) {
      // xm wrote the device type after the vdev: "hdc:cdrom".
      const typed = /^(.*):(cdrom|disk)$/.exec(tok);
      vdev = typed ? typed[1] : tok;
      if (typed) devtype = typed[2] as 'cdrom' | 'disk';
    }
    else if (acc === undefined) acc = access(tok);
    else throw new DeviceSpecError(`"${tok}": too many positional parameters (target, format, vdev, access)`);
  }
  if (vdev === undefined || vdev === '') throw new DeviceSpecError(`no vdev in "${spec}" (the name the guest sees, e.g. xvda)`);
  if (!VDEV.test(vdev)) throw new DeviceSpecError(`"${vdev}" is not a virtual disk name (xvda, xvdb, hda, sda, …)`);
  if ((target === undefined || target === '') && devtype !== 'cdrom') throw new DeviceSpecError(`no target in "${spec}" (the file or device that backs the disk)`);
  return {
    target: target ?? '',
    format: fmt ?? 'raw',
    vdev,
    access: acc ?? (devtype === 'cdrom' ? 'ro' : 'rw'),
    devtype,
    ...(legacyPrefix ? { legacyPrefix } : {}),
    options,
  };
}

/** A target that can be written positionally: no comma/'=', not empty, not mistaken for a prefix. */
const PLAIN_TARGET = /^[^\s,=][^,=]*(?<!\s)$/;

export function formatDisk(d: XlDisk): string {
  const extra = [...(d.devtype === 'cdrom' ? ['devtype=cdrom'] : []), ...d.options];
  const plain = PLAIN_TARGET.test(d.target) && !/^[a-z][a-z0-9]*:/.test(d.target);
  if (d.legacyPrefix && plain) {
    if (d.format !== 'raw') extra.unshift(`format=${d.format}`);
    return [`${d.legacyPrefix}${d.target}`, d.vdev, d.access === 'rw' ? 'w' : 'r', ...extra].join(',');
  }
  if (plain) return [d.target, d.format, d.vdev, d.access, ...extra].join(',');
  return [`format=${d.format}`, `vdev=${d.vdev}`, `access=${d.access}`, ...extra, `target=${d.target}`].join(',');
}

/** Linux's IFNAMSIZ is 16 with the NUL: bridge names are at most 15 characters. */
const BRIDGE = /^[A-Za-z0-9_.-]{1,15}$/;
export const DEFAULT_BRIDGE = 'xenbr0';

export function parseVif(spec: string, random?: RandomSource): XlVif {
  let mac: string | undefined;
  let bridge: string | undefined;
  const options: string[] = [];
  for (const raw of spec.split(',')) {
    const tok = raw.trim();
    if (tok === '') continue;
    const eq = tok.indexOf('=');
    if (eq <= 0) throw new DeviceSpecError(`"${tok}" is not a key=value NIC parameter (mac=…, bridge=…)`);
    const k = tok.slice(0, eq).trim();
    const v = tok.slice(eq + 1).trim();
    if (k === 'mac') {
      const why = macProblem(v);
      if (why) throw new DeviceSpecError(why);
      mac = v.toLowerCase();
    } else if (k === 'bridge') {
      if (!BRIDGE.test(v)) throw new DeviceSpecError(`"${v}" is not a bridge name (up to 15 letters, digits, ".", "-" or "_")`);
      bridge = v;
    } else options.push(tok);
  }
  return { mac: mac ?? generateMac(random), bridge: bridge ?? DEFAULT_BRIDGE, options };
}

export function formatVif(v: XlVif): string {
  return [`mac=${v.mac}`, `bridge=${v.bridge}`, ...v.options].join(',');
}
