/**
 * virt-install: create a domain from command-line options, as in the seed
 * (`virt-install -n chef -r 1024 -f /vm/chef.img -l http://… --nographics`): it writes the
 * domain's config to /etc/xen/NAME (xl.cfg), defines it and starts it. Messages follow
 * virt-install's (`ERROR    …`, argparse's `virt-install: error: …`).
 *
 * The lab boots ready-made images, so there is no installer: `--image NAME` (our option) or
 * `--boot kernel=…` says what to boot; `-l/--location`, `--cdrom`, `--pxe` are understood but
 * refused with a hint, and only ignored when an image or kernel is given too.
 */
import { DEFAULT_BRIDGE, type XlDisk, type XlVif } from '../xen/devices.ts';
import { generateMac, generateUuid, macProblem } from '../xen/ids.ts';
import { DOMAIN_NAME, MAX_MEMORY_MIB, MAX_VCPUS, MIN_MEMORY_MIB, serializeXlCfg, type XlConfig } from '../xen/xlcfg.ts';
import { asDom0Error } from './api.ts';
import { completePath, matching, type Command, type CommandContext } from './command.ts';

interface OptDef {
  readonly names: readonly string[];
  readonly key: string;
  /** Takes a value. */
  readonly arg: boolean;
  /** May be given several times (disks, NICs). */
  readonly multi?: boolean;
}

const OPTS: readonly OptDef[] = [
  { names: ['-n', '--name'], key: 'name', arg: true },
  { names: ['-r', '--ram', '--memory'], key: 'memory', arg: true },
  { names: ['--vcpus'], key: 'vcpus', arg: true },
  { names: ['--image'], key: 'image', arg: true },
  { names: ['--boot'], key: 'boot', arg: true },
  { names: ['-x', '--extra-args'], key: 'extraArgs', arg: true },
  { names: ['--disk'], key: 'disk', arg: true, multi: true },
  { names: ['-f', '--file'], key: 'file', arg: true, multi: true },
  { names: ['-s', '--file-size'], key: 'fileSize', arg: true, multi: true },
  { names: ['-w', '--network'], key: 'network', arg: true, multi: true },
  { names: ['-l', '--location'], key: 'location', arg: true },
  { names: ['-c', '--cdrom'], key: 'cdrom', arg: true },
  { names: ['--pxe'], key: 'pxe', arg: false },
  { names: ['--import'], key: 'import', arg: false },
  { names: ['--nographics'], key: 'nographics', arg: false },
  { names: ['--graphics'], key: 'graphics', arg: true },
  { names: ['--vnc'], key: 'vnc', arg: false },
  { names: ['--noautoconsole'], key: 'noautoconsole', arg: false },
  { names: ['--autoconsole'], key: 'autoconsole', arg: true },
  { names: ['--autostart'], key: 'autostart', arg: false },
  { names: ['-h', '--help'], key: 'help', arg: false },
  // Understood and ignored: there is one lab, one architecture and one kind of guest.
  { names: ['--connect'], key: 'ignored', arg: true, multi: true },
  { names: ['--os-variant', '--osinfo', '--os-type', '--virt-type', '--arch', '--machine'], key: 'ignored', arg: true, multi: true },
  { names: ['--accelerate', '--hvm', '--paravirt', '--noreboot', '--quiet', '-q'], key: 'ignoredFlag', arg: false, multi: true },
];

const USAGE = 'usage: virt-install --name NAME --memory MB STORAGE INSTALL [options]\n';
/** virt-install allocates disks in GiB; the lab allocates nothing, but a size is still checked. */
const MAX_DISK_GIB = 1024;
const DISK_NAMES = 'abcdefghijklmnopqrstuvwxyz';

class Usage extends Error {}

type Parsed = Map<string, string[]>;

function parseArgs(args: readonly string[]): Parsed {
  const out: Parsed = new Map();
  const unknown: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq < 0 ? a : a.slice(0, eq);
    const def = OPTS.find((o) => o.names.includes(name));
    if (!def) { unknown.push(a); continue; }
    let value = 'yes';
    if (def.arg) {
      const v = eq >= 0 ? a.slice(eq + 1) : args[++i];
      if (v === undefined) throw new Usage(`argument ${def.names.slice().reverse().join('/')}: expected one argument`);
      value = v;
    }
    const list = out.get(def.key) ?? [];
    if (list.length > 0 && !def.multi) throw new Usage(`argument ${def.names.slice().reverse().join('/')}: given more than once`);
    out.set(def.key, [...list, value]);
  }
  if (unknown.length > 0) throw new Usage(`unrecognized arguments: ${unknown.join(' ')}`);
  return out;
}

/** Split "a=1,b='x,y'" into [key, value] pairs; a bare first item is the option's main value. */
function subOptions(text: string): [string, string][] {
  const parts: string[] = [];
  let cur = '';
  let q: string | undefined;
  for (const c of text) {
    if (q) { if (c === q) q = undefined; else cur += c; }
    else if (c === '"' || c === "'") q = c;
    else if (c === ',') { parts.push(cur); cur = ''; }
    else cur += c;
  }
  parts.push(cur);
  return parts.filter((p) => p !== '').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? ['', p] : [p.slice(0, eq), p.slice(eq + 1)];
  });
}

class Fail extends Error {}

function wholeNumber(what: string, v: string, min: number, max: number, unit = ''): number {
  if (!/^[0-9]+$/.test(v) || Number(v) < min || Number(v) > max) throw new Fail(`${what} must be a whole number from ${min} to ${max}${unit} (got '${v}')`);
  return Number(v);
}

function memoryOf(p: Parsed, imageMiB: number | undefined): { memory: number; maxmem: number } {
  const raw = p.get('memory')?.[0];
  if (raw === undefined) {
    if (imageMiB === undefined) throw new Fail('--memory amount in MiB is required');
    return { memory: imageMiB, maxmem: imageMiB };
  }
  let memory: number | undefined;
  let maxmem: number | undefined;
  for (const [k, v] of subOptions(raw)) {
    if (k === '' || k === 'memory' || k === 'currentMemory') memory = wholeNumber('--memory', v, MIN_MEMORY_MIB, MAX_MEMORY_MIB, ' MiB');
    else if (k === 'maxmemory') maxmem = wholeNumber('--memory maxmemory', v, MIN_MEMORY_MIB, MAX_MEMORY_MIB, ' MiB');
    else throw new Fail(`Unknown --memory options: ['${k}']`);
  }
  if (memory === undefined) throw new Fail('--memory amount in MiB is required');
  if (maxmem !== undefined && maxmem < memory) throw new Fail(`--memory maxmemory (${maxmem}) is less than memory (${memory})`);
  return { memory, maxmem: maxmem ?? memory };
}

function vcpusOf(p: Parsed): number {
  const raw = p.get('vcpus')?.[0];
  if (raw === undefined) return 1;
  let n = 1;
  for (const [k, v] of subOptions(raw)) {
    if (k === '' || k === 'vcpus') n = wholeNumber('--vcpus', v, 1, MAX_VCPUS);
    else if (k !== 'maxvcpus') throw new Fail(`Unknown --vcpus options: ['${k}']`);
  }
  return n;
}

function disksOf(p: Parsed, name: string): XlDisk[] {
  const specs: { path: string; size?: string; format?: string; ro: boolean; cdrom: boolean }[] = [];
  (p.get('file') ?? []).forEach((path, i) => specs.push({ path, size: p.get('fileSize')?.[i], ro: false, cdrom: false }));
  for (const raw of p.get('disk') ?? []) {
    if (raw === 'none') continue;
    const d: (typeof specs)[number] = { path: '', ro: false, cdrom: false };
    const unknown: string[] = [];
    for (const [k, v] of subOptions(raw)) {
      if (k === '' || k === 'path') d.path = v;
      else if (k === 'size') d.size = v;
      else if (k === 'format') d.format = v;
      else if (k === 'device') d.cdrom = v === 'cdrom';
      else if ((k === 'readonly' && /^(on|yes|true)$/.test(v)) || (k === 'perms' && v === 'ro')) d.ro = true;
      else if (k !== 'bus' && k !== 'cache' && k !== 'sparse' && k !== 'readonly' && k !== 'perms') unknown.push(k);
    }
    if (unknown.length > 0) throw new Fail(`Unknown --disk options: [${unknown.map((u) => `'${u}'`).join(', ')}]`);
    if (d.path === '') d.path = `/vm/${name}${specs.length === 0 ? '' : `-${specs.length}`}.img`;
    specs.push(d);
  }
  if (specs.length > DISK_NAMES.length) throw new Fail(`at most ${DISK_NAMES.length} disks`);
  return specs.map((s, i) => {
    if (s.size !== undefined && !(/^[0-9]+(\.[0-9]+)?$/.test(s.size) && Number(s.size) > 0 && Number(s.size) <= MAX_DISK_GIB)) {
      throw new Fail(`disk size must be a number of GiB from 0 to ${MAX_DISK_GIB} (got '${s.size}')`);
    }
    const format = s.format ?? 'raw';
    if (!['raw', 'qcow', 'qcow2', 'vhd', 'qed'].includes(format)) throw new Fail(`disk format '${format}' is not raw, qcow2, qcow, vhd or qed`);
    if (!s.path.startsWith('/') || s.path.includes(',')) throw new Fail(`disk path '${s.path}' must be an absolute path without commas`);
    return { target: s.path, format: format as XlDisk['format'], vdev: `xvd${DISK_NAMES[i]}`, access: s.ro || s.cdrom ? 'ro' : 'rw', devtype: s.cdrom ? 'cdrom' : 'disk', options: [] };
  });
}

function vifsOf(ctx: CommandContext, p: Parsed, warn: (w: string) => void): XlVif[] {
  const nets = p.get('network') ?? ['bridge=' + DEFAULT_BRIDGE];
  const vifs: XlVif[] = [];
  for (const raw of nets) {
    if (raw === 'none') continue;
    let bridge = DEFAULT_BRIDGE;
    let mac: string | undefined;
    for (const [k, v] of subOptions(raw)) {
      if (k === 'bridge') bridge = v;
      else if (k === '' && v.startsWith('bridge:')) bridge = v.slice('bridge:'.length);
      else if (k === 'mac') {
        const why = macProblem(v);
        if (why) throw new Fail(`--network mac: ${why}`);
        mac = v.toLowerCase();
      } else if (k === 'network' || v.startsWith('network:')) warn(`libvirt virtual networks are not modelled; the NIC is bridged to ${DEFAULT_BRIDGE}`);
      else warn(`--network ${k}=${v} is ignored`);
    }
    if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Fail(`'${bridge}' is not a bridge name`);
    vifs.push({ mac: mac ?? generateMac(ctx.env.random), bridge, options: [] });
  }
  return vifs;
}

function bootOf(p: Parsed, warn: (w: string) => void): { kernel?: string; ramdisk?: string; cmdline?: string } {
  const out: { kernel?: string; ramdisk?: string; cmdline?: string } = {};
  const raw = p.get('boot')?.[0];
  if (raw !== undefined) {
    for (const [k, v] of subOptions(raw)) {
      if (k === 'kernel') out.kernel = v;
      else if (k === 'initrd') out.ramdisk = v;
      else if (k === 'kernel_args' || k === 'cmdline') out.cmdline = v;
      else warn(`--boot ${k ? `${k}=${v}` : v} is ignored: the lab boots the kernel or image directly`);
    }
  }
  const extra = p.get('extraArgs')?.[0];
  if (extra !== undefined) out.cmdline = out.cmdline === undefined ? extra : `${out.cmdline} ${extra}`;
  return out;
}

const HELP = `${USAGE}
Create a new domain: write its config to /etc/xen/NAME (xl.cfg), define it and start it.

General:
  -n NAME, --name NAME        name of the domain
  -r MiB, --memory MiB        memory (memory=MiB,maxmemory=MiB also accepted)
  --vcpus N                   virtual CPUs
Install method:
  --image NAME                boot a lab image (linux, counter, memtouch, …)
  --boot kernel=PATH,initrd=PATH,kernel_args=ARGS
                              boot a kernel directly
  -l URL, --location URL      network install: not available in this lab
Storage and network:
  --disk path=PATH,size=GiB   a virtual disk (also: -f PATH [-s GiB], --disk none)
  -w bridge=BR[,mac=MAC], --network …
                              a NIC on a bridge (default ${DEFAULT_BRIDGE}; --network none)
Console:
  --nographics, --graphics none
                              serial console only (the only kind here)
  --noautoconsole             do not open the console afterwards
  --autostart                 start the domain when the lab loads
`;

async function install(ctx: CommandContext, p: Parsed): Promise<number> {
  const warnings: string[] = [];
  const warn = (w: string) => warnings.push(w);
  const { host, fs } = ctx.env;

  const name = p.get('name')?.[0];
  if (name === undefined) throw new Fail('--name is required');
  if (!DOMAIN_NAME.test(name)) throw new Fail(`Invalid name for the domain '${name}': use up to 32 letters, digits, '-', '_' or '.', starting with a letter or digit`);
  if (host.domains().some((d) => d.name === name)) throw new Fail(`Guest name '${name}' is already in use.`);
  const path = `/etc/xen/${name}`;
  if (fs.stat(path)) throw new Fail(`${path} already exists: remove it, or create the domain from it with 'xl create ${path}'`);

  const imageName = p.get('image')?.[0];
  const image = imageName === undefined ? undefined : host.images().find((i) => i.name === imageName);
  if (imageName !== undefined && !image && host.images().length > 0) {
    throw new Fail(`no image named '${imageName}' (available: ${host.images().map((i) => i.name).join(', ')})`);
  }
  const boot = bootOf(p, warn);
  const bootable = imageName !== undefined || boot.kernel !== undefined;
  const installer = (['location', 'cdrom', 'pxe', 'import'] as const).find((k) => p.has(k));
  if (installer && !bootable) {
    const what = { location: `Network installs (--location ${p.get('location')?.[0]})`, cdrom: 'Installs from a CD-ROM (--cdrom)', pxe: 'PXE installs (--pxe)', import: 'Booting an existing disk (--import)' }[installer];
    const images = host.images().map((i) => i.name);
    throw new Fail(`${what} are not supported in this lab: there is no installer to run.\nUse --image NAME to boot a ready-made guest${images.length > 0 ? ` (${images.join(', ')})` : ''}, e.g. --image ${images[0] ?? 'linux'}`);
  }
  if (installer) warn(`--${installer} is ignored: the domain boots ${imageName !== undefined ? `the image '${imageName}'` : 'the given kernel'}`);
  if (!bootable) throw new Fail('An install method must be specified (--image NAME, or --boot kernel=PATH)');
  const graphics = p.get('graphics')?.[0];
  if (p.has('vnc') || (graphics !== undefined && !/^none(,|$)/.test(graphics))) warn('Graphics are not available in this lab: the guest gets a serial console.');

  const { memory, maxmem } = memoryOf(p, image?.memoryMiB);
  const config: XlConfig = {
    name,
    uuid: generateUuid(ctx.env.random),
    memory,
    maxmem,
    vcpus: vcpusOf(p),
    ...(imageName !== undefined ? { image: imageName } : {}),
    ...boot,
    cmdlineKey: 'extra',
    disks: disksOf(p, name),
    vifs: vifsOf(ctx, p, warn),
    onPoweroff: 'destroy',
    onReboot: 'restart',
    onCrash: 'destroy',
    other: [],
  };

  for (const w of warnings) ctx.err(`WARNING  ${w}\n`);
  ctx.out('\nStarting install...\n');
  try {
    fs.mkdir('/etc/xen', { parents: true });
    fs.writeFile(path, serializeXlCfg(config));
  } catch (e) {
    throw new Fail(`cannot write ${path}: ${(e as Error).message}`);
  }
  ctx.out(`Domain config saved in ${path}\nCreating domain...\n`);
  let defined = false;
  try {
    const result = await host.define(config);
    defined = true;
    for (const n of result?.notes ?? []) ctx.err(`WARNING  ${n}\n`);
    if (p.has('autostart')) await host.setAutostart(name, true);
    await host.start(name);
  } catch (e) {
    // As virt-install does on failure, leave nothing half-made behind.
    if (defined) await host.undefine(name).catch(() => undefined);
    try { fs.remove(path); } catch { /* already gone */ }
    ctx.err(`ERROR    ${asDom0Error(e).message}\nDomain installation does not appear to have been successful.\n`);
    return 1;
  }
  const auto = !p.has('noautoconsole') && p.get('autoconsole')?.[0] !== 'none';
  if (auto) {
    ctx.out(`Running text console command: virsh console ${name}\n`);
    try {
      await host.attachConsole(name);
      ctx.out(`Connected to domain '${name}'\n(its console is open in the dashboard; this shell stays in dom0)\n`);
    } catch (e) {
      ctx.err(`WARNING  ${asDom0Error(e).message}\n`);
    }
  }
  ctx.out('Domain creation completed.\n');
  return 0;
}

export const virtInstall: Command = {
  name: 'virt-install',
  summary: 'create a domain: writes /etc/xen/NAME and starts it (--help for options)',
  async run(ctx) {
    let p: Parsed;
    try {
      p = parseArgs(ctx.args);
    } catch (e) {
      if (!(e instanceof Usage)) throw e;
      ctx.err(`${USAGE}virt-install: error: ${e.message}\n`);
      return 2;
    }
    if (p.has('help')) { ctx.out(HELP); return 0; }
    try {
      return await install(ctx, p);
    } catch (e) {
      if (!(e instanceof Fail)) throw e;
      ctx.err(`ERROR    ${e.message}\n`);
      return 1;
    }
  },
  complete(args, env) {
    const partial = args[args.length - 1] ?? '';
    const prev = args[args.length - 2];
    if (prev === '--image') return matching(env.host.images().map((i) => i.name), partial);
    if (prev === '-f' || prev === '--file' || prev === '--disk') return completePath(env, partial);
    if (prev === '--graphics') return matching(['none'], partial);
    if (prev === '--network' || prev === '-w') return matching([`bridge=${DEFAULT_BRIDGE}`, 'none'], partial);
    if (OPTS.some((o) => o.arg && o.names.includes(prev ?? ''))) return [];
    return matching(OPTS.flatMap((o) => o.names).filter((n) => n.startsWith('--')), partial);
  },
};
