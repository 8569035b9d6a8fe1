/**
 * Domain configuration in xl.cfg(5) syntax: the file dom0 keeps in /etc/xen/NAME (DESIGN.md §5).
 *
 *   parseXlCfg(text)   → { config, warnings }   (throws XlCfgError naming the line and the key)
 *   serializeXlCfg(c)  → text, in a stable order; parseXlCfg(serializeXlCfg(c)).config equals c
 *
 * Keys the lab models are typed fields of XlConfig. Every other key (bootloader, vfb, builder,
 * type, a typo…) is kept as written and reported in `warnings`, never rejected: a config written
 * for a real Xen host still loads, and nothing in it is silently lost when it is written back.
 */
import { MAX_RAM_BYTES, MiB } from '../machine/board.ts';
import { DeviceSpecError, formatDisk, formatVif, parseDisk, parseVif, type XlDisk, type XlVif } from './devices.ts';
import { cryptoRandom, generateUuid, UUID, type RandomSource } from './ids.ts';
import { parseSettings, quote, renderList, XlCfgError, type XlSetting, type XlValue } from './xlcfg-syntax.ts';

export { XlCfgError } from './xlcfg-syntax.ts';
export type { XlDisk, XlVif } from './devices.ts';

/** What libxl does when the guest powers off, reboots or crashes. */
export type LifecycleAction = 'destroy' | 'restart' | 'preserve' | 'rename-restart';
export const LIFECYCLE_ACTIONS: readonly LifecycleAction[] = ['destroy', 'restart', 'preserve', 'rename-restart'];

export interface XlConfig {
  readonly name: string;
  readonly uuid: string;
  /** RAM the guest starts with, MiB. */
  readonly memory: number;
  /** RAM the guest may balloon up to, MiB (≥ memory). */
  readonly maxmem: number;
  readonly vcpus: number;
  /** A catalog image (public/images/index.json): our key, not libxl's. */
  readonly image?: string;
  readonly kernel?: string;
  readonly ramdisk?: string;
  /** Kernel command line; libxl reads it from `cmdline` or `extra`. */
  readonly cmdline?: string;
  /** Which of the two keys the file used, so it is written back the same way ('extra' when neither). */
  readonly cmdlineKey: 'extra' | 'cmdline';
  readonly disks: readonly XlDisk[];
  readonly vifs: readonly XlVif[];
  readonly onPoweroff: LifecycleAction;
  readonly onReboot: LifecycleAction;
  readonly onCrash: LifecycleAction;
  /** Keys the lab does not model, in file order, with their values as written. */
  readonly other: readonly XlOtherSetting[];
}

export interface XlOtherSetting {
  readonly key: string;
  /** The value in xl.cfg syntax, exactly as written (may span lines). */
  readonly source: string;
}

/** Something in the file the lab reads but does not act on. */
export interface XlCfgWarning {
  readonly line: number;
  readonly key: string;
  readonly message: string;
}

export interface XlCfgParse {
  readonly config: XlConfig;
  readonly warnings: readonly XlCfgWarning[];
  /** No `uuid` key: one was generated (a caller redefining a domain may keep the old one). */
  readonly uuidGenerated: boolean;
}

export function formatWarning(w: XlCfgWarning): string {
  return `line ${w.line}: ${w.key}: ${w.message}`;
}

/** The bare-metal demos need 16 MiB; nothing smaller boots (lab/domain.ts uses the same floor). */
export const MIN_MEMORY_MIB = 16;
/** The board's RAM limit (machine/board.ts). */
export const MAX_MEMORY_MIB = MAX_RAM_BYTES / MiB;
/** The lab's images are sized for 128 MiB (the catalog's default too); libxl's own default is smaller. */
export const DEFAULT_MEMORY_MIB = 128;
/** The board describes at most 8 harts (machine/board.ts). */
export const MAX_VCPUS = 8;
/** Domain names become file names (/etc/xen/NAME) and labels in the dashboard. */
export const DOMAIN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;
const IMAGE_NAME = /^[a-z0-9][a-z0-9_-]{0,31}$/;

/** xl.cfg keys a reader of Xen's documentation may use; they are kept but the lab ignores them. */
const KNOWN_XL_KEYS = new Set([
  'type', 'builder', 'bootloader', 'bootloader_args', 'root', 'maxvcpus', 'cpus', 'cpus_soft', 'cpu_weight', 'cap',
  'pool', 'vfb', 'vnc', 'vnclisten', 'vncpasswd', 'sdl', 'serial', 'pci', 'usb', 'usbctrl', 'usbdev', 'channel',
  'vtpm', 'p9', 'vkb', 'vdispl', 'vsnd', 'soundhw', 'boot', 'acpi', 'apic', 'pae', 'hap', 'nestedhvm', 'viridian',
  'device_model_version', 'device_model_override', 'localtime', 'rtc_timeoffset', 'on_watchdog', 'on_soft_reset',
  'seclabel', 'vnuma', 'stdvga', 'vga', 'videoram', 'keymap', 'max_grant_frames', 'max_maptrack_frames',
  'driver_domain', 'device_tree', 'gic_version', 'tee', 'xen_platform_pci', 'shadow_memory', 'e820_host',
  'max_event_channels', 'iomem', 'ioports', 'irqs', 'dtdev', 'nographic', 'tsc_mode', 'timer_mode', 'claim_mode',
]);

const DEFAULT_ACTIONS = { on_poweroff: 'destroy', on_reboot: 'restart', on_crash: 'destroy' } as const;

export interface ParseOptions {
  /** Source of random bytes for a missing uuid or MAC (tests make it deterministic). */
  readonly random?: RandomSource;
}

export function parseXlCfg(text: string, opts: ParseOptions = {}): XlCfgParse {
  const random = opts.random ?? cryptoRandom;
  const settings = parseSettings(text);
  const byKey = new Map(settings.map((s) => [s.key, s]));
  const warnings: XlCfgWarning[] = [];
  const warn = (s: XlSetting, message: string) => warnings.push({ line: s.line, key: s.key, message });

  const str = (key: string): string | undefined => {
    const s = byKey.get(key);
    if (!s) return undefined;
    if (s.value.kind !== 'string') throw new XlCfgError(`must be a quoted string, not ${what(s.value)}`, s.line, key);
    return s.value.value;
  };
  const mib = (key: string, unit: string): number | undefined => {
    const s = byKey.get(key);
    if (!s) return undefined;
    const v = s.value;
    // libxl reads numbers from quoted strings too: memory = "1024" is accepted.
    const n = v.kind === 'number' ? v.value : v.kind === 'string' && /^[0-9]+$/.test(v.value) ? Number(v.value) : NaN;
    if (!Number.isSafeInteger(n)) throw new XlCfgError(`${v.kind === 'string' ? JSON.stringify(v.value) : what(v)} is not a number of ${unit}`, s.line, key);
    return n;
  };
  const strings = (key: string): { s: XlSetting; items: { value: string; line: number }[] } | undefined => {
    const s = byKey.get(key);
    if (!s) return undefined;
    if (s.value.kind !== 'list') throw new XlCfgError(`must be a list: ${key} = [ "…", "…" ]`, s.line, key);
    const items = s.value.items.map((i) => {
      if (i.kind !== 'string') throw new XlCfgError(`list items must be quoted strings, not ${what(i)}`, i.line, key);
      return { value: i.value, line: i.line };
    });
    return { s, items };
  };

  const name = str('name');
  if (name === undefined) throw new XlCfgError('missing: every domain needs a name (name = "…")', undefined, 'name');
  if (!DOMAIN_NAME.test(name)) throw new XlCfgError(`"${name}" is not a valid name: up to 32 letters, digits, "-", "_" or ".", starting with a letter or digit`, byKey.get('name')!.line, 'name');

  let uuid = str('uuid');
  if (uuid !== undefined && !UUID.test(uuid)) throw new XlCfgError(`"${uuid}" is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)`, byKey.get('uuid')!.line, 'uuid');
  const uuidGenerated = uuid === undefined;
  uuid = uuid?.toLowerCase() ?? generateUuid(random);

  const memory0 = mib('memory', 'MiB');
  const maxmem0 = mib('maxmem', 'MiB');
  for (const [key, v] of [['memory', memory0], ['maxmem', maxmem0]] as const) {
    if (v !== undefined && (v < MIN_MEMORY_MIB || v > MAX_MEMORY_MIB)) {
      throw new XlCfgError(`${v} MiB is out of range: the lab's guests have ${MIN_MEMORY_MIB}–${MAX_MEMORY_MIB} MiB`, byKey.get(key)!.line, key);
    }
  }
  // As libxl: each defaults to the other, both to the lab's default.
  const memory = memory0 ?? maxmem0 ?? DEFAULT_MEMORY_MIB;
  const maxmem = maxmem0 ?? memory;
  if (maxmem < memory) throw new XlCfgError(`${maxmem} MiB is less than memory (${memory} MiB): maxmem is the ceiling memory can balloon up to`, byKey.get('maxmem')!.line, 'maxmem');

  const vcpus = mib('vcpus', 'vCPUs') ?? 1;
  if (vcpus < 1 || vcpus > MAX_VCPUS) throw new XlCfgError(`${vcpus} is out of range: 1–${MAX_VCPUS} vCPUs`, byKey.get('vcpus')!.line, 'vcpus');

  const image = str('image');
  if (image !== undefined && !IMAGE_NAME.test(image)) throw new XlCfgError(`"${image}" is not an image name (lowercase letters, digits, "-" or "_")`, byKey.get('image')!.line, 'image');
  const kernel = str('kernel');
  const ramdisk = str('ramdisk');
  const cmdlineValue = str('cmdline');
  const extraValue = str('extra');
  // `extra` unless the file says `cmdline`: with no command line the key is not in the file, and
  // extra is what Xen's own tools write, so a config made here reads back equal.
  const cmdlineKey = cmdlineValue !== undefined ? 'cmdline' : 'extra';
  const cmdline = cmdlineValue ?? extraValue;
  if (image !== undefined && kernel !== undefined) warn(byKey.get('kernel')!, 'the kernel is used; image is ignored while kernel is set');

  const action = (key: keyof typeof DEFAULT_ACTIONS): LifecycleAction => {
    const v = str(key);
    if (v === undefined) return DEFAULT_ACTIONS[key];
    if (!(LIFECYCLE_ACTIONS as readonly string[]).includes(v)) {
      throw new XlCfgError(`"${v}" is not one of ${LIFECYCLE_ACTIONS.join(', ')}`, byKey.get(key)!.line, key);
    }
    return v as LifecycleAction;
  };
  const onPoweroff = action('on_poweroff');
  const onReboot = action('on_reboot');
  const onCrash = action('on_crash');

  const device = <T>(key: string, parse: (spec: string) => T): T[] =>
    (strings(key)?.items ?? []).map((i) => {
      try {
        return parse(i.value);
      } catch (e) {
        if (e instanceof DeviceSpecError) throw new XlCfgError(e.message, i.line, key);
        throw e;
      }
    });
  const disks = device('disk', parseDisk);
  const vifs = device('vif', (spec) => parseVif(spec, random));
  const vdevs = new Set<string>();
  for (const d of disks) {
    if (vdevs.has(d.vdev)) throw new XlCfgError(`two disks are both ${d.vdev}`, byKey.get('disk')!.line, 'disk');
    vdevs.add(d.vdev);
  }
  for (const v of vifs) for (const o of v.options) warn(byKey.get('vif')!, `${o}: kept, not used by the lab`);

  const modelled = new Set(['name', 'uuid', 'memory', 'maxmem', 'vcpus', 'image', 'kernel', 'ramdisk', 'cmdline', 'disk', 'vif', ...Object.keys(DEFAULT_ACTIONS)]);
  if (cmdlineKey === 'extra') modelled.add('extra');
  const other: XlOtherSetting[] = [];
  for (const s of settings) {
    if (modelled.has(s.key)) continue;
    other.push({ key: s.key, source: s.source });
    if (s.key === 'extra') warn(s, 'ignored in favour of cmdline (as xl does); kept as written');
    else if (KNOWN_XL_KEYS.has(s.key)) warn(s, 'not used by the lab (kept as written)');
    else warn(s, 'not an xl.cfg key the lab knows (kept as written)');
  }

  const config: XlConfig = {
    name, uuid, memory, maxmem, vcpus,
    ...(image !== undefined ? { image } : {}),
    ...(kernel !== undefined ? { kernel } : {}),
    ...(ramdisk !== undefined ? { ramdisk } : {}),
    ...(cmdline !== undefined ? { cmdline } : {}),
    cmdlineKey, disks, vifs, onPoweroff, onReboot, onCrash, other,
  };
  warnings.sort((a, b) => a.line - b.line);
  return { config, warnings, uuidGenerated };
}

function what(v: XlValue): string {
  if (v.kind === 'list') return 'a list';
  if (v.kind === 'number') return `the number ${v.text}`;
  return `the string ${JSON.stringify(v.value)}`;
}

/**
 * The config as an xl.cfg file: identity, resources, boot, lifecycle, devices, then the keys the
 * lab keeps but does not use, in their original order. Comments are not kept.
 */
export function serializeXlCfg(c: XlConfig): string {
  const lines: string[] = [
    `name = ${quote(c.name)}`,
    `uuid = ${quote(c.uuid)}`,
    `maxmem = ${c.maxmem}`,
    `memory = ${c.memory}`,
    `vcpus = ${c.vcpus}`,
  ];
  if (c.image !== undefined) lines.push(`image = ${quote(c.image)}`);
  if (c.kernel !== undefined) lines.push(`kernel = ${quote(c.kernel)}`);
  if (c.ramdisk !== undefined) lines.push(`ramdisk = ${quote(c.ramdisk)}`);
  if (c.cmdline !== undefined) lines.push(`${c.cmdlineKey} = ${quote(c.cmdline)}`);
  lines.push(`on_poweroff = ${quote(c.onPoweroff)}`, `on_reboot = ${quote(c.onReboot)}`, `on_crash = ${quote(c.onCrash)}`);
  if (c.disks.length > 0) lines.push(`disk = ${renderList(c.disks.map((d) => quote(formatDisk(d))))}`);
  if (c.vifs.length > 0) lines.push(`vif = ${renderList(c.vifs.map((v) => quote(formatVif(v))))}`);
  for (const o of c.other) lines.push(`${o.key} = ${o.source}`);
  return lines.join('\n') + '\n';
}

/** How the domain boots, as far as its config says. */
export type XlBoot =
  | { readonly kind: 'image'; readonly image: string; readonly cmdline?: string }
  | { readonly kind: 'kernel'; readonly kernel: string; readonly ramdisk?: string; readonly cmdline?: string }
  /** No image and no kernel: e.g. the seed's `bootloader = "/usr/bin/pygrub"`; the lab decides. */
  | { readonly kind: 'none' };

export function bootOf(c: XlConfig): XlBoot {
  const cmd = c.cmdline !== undefined ? { cmdline: c.cmdline } : {};
  if (c.kernel !== undefined) return { kind: 'kernel', kernel: c.kernel, ...(c.ramdisk !== undefined ? { ramdisk: c.ramdisk } : {}), ...cmd };
  if (c.image !== undefined) return { kind: 'image', image: c.image, ...cmd };
  return { kind: 'none' };
}
