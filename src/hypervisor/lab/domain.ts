/**
 * Domains (guests) as the lab defines them: each has an xl.cfg configuration (XlConfig), and
 * libvirt's states (DESIGN.md §5). What a config boots is decided here (`bootPlanOf`), so the lab,
 * the dom0 commands and the dashboard agree on it.
 */
import { MAX_RAM_BYTES, MiB } from '../machine/board.ts';
import { dom0Errors, Dom0Error, type DomainState, type DomainTask } from '../dom0/api.ts';
import { DEFAULT_BRIDGE } from '../xen/devices.ts';
import { cryptoRandom, generateMac, generateUuid, type RandomSource } from '../xen/ids.ts';
import { bootOf, DOMAIN_NAME, type XlConfig } from '../xen/xlcfg.ts';

export type { DomainState, DomainTask } from '../dom0/api.ts';

/** What the New VM form asks for; `xlConfigFor` makes the domain's XlConfig from it. */
export interface DomainConfig {
  readonly name: string;
  /** Name of an image in the catalog (public/images/index.json). */
  readonly image: string;
  readonly host: string;
  readonly memoryMiB: number;
  readonly vcpus: number;
}

/**
 * The lab's errors are Dom0Errors: one wording (libvirt's, dom0/api.ts) for the dashboard's notices
 * and for virsh / xl. `new LabError(message)` is an internal error with that message.
 */
export class LabError extends Dom0Error {
  constructor(message: string, code: Dom0Error['code'] = 'internal') {
    super(code, message);
  }
}

/** Smallest guest RAM the lab offers: the bare-metal demos need 16 MiB, Linux more. */
export const MIN_MEMORY_MIB = 16;
export const MAX_MEMORY_MIB = MAX_RAM_BYTES / MiB;
/** Each vCPU is one hart, run by one worker: SMP guests wait for a worker per hart. */
export const MAX_LAB_VCPUS = 1;
/** What a config with neither kernel nor image boots (the seed's `bootloader = "/usr/bin/pygrub"`). */
export const DEFAULT_IMAGE = 'linux';
const NAME = DOMAIN_NAME;

/** Check what a person typed; the message says what is wrong and what would be right. */
export function checkDomainConfig(c: DomainConfig): void {
  if (!NAME.test(c.name)) throw new LabError(`"${c.name}" is not a valid name: use up to 32 letters, digits, "-", "_" or ".", starting with a letter or digit`, 'config-invalid');
  if (!Number.isInteger(c.memoryMiB) || c.memoryMiB < MIN_MEMORY_MIB || c.memoryMiB > MAX_MEMORY_MIB) {
    throw new LabError(`memory must be a whole number of MiB from ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB} (got ${c.memoryMiB})`, 'config-invalid');
  }
  checkVcpus(c.vcpus);
}

export function checkVcpus(vcpus: number): void {
  // One hart per VM for now: the core runs SMP guests only once a worker per hart exists.
  if (vcpus > MAX_LAB_VCPUS) throw dom0Errors.unsupported(`${vcpus} vCPUs: this lab runs 1 vCPU per VM (SMP is not implemented yet)`);
}

/** Domains whose vCPUs and memory count against their host (by state; the lab itself looks at its VMs). */
export function isLive(state: DomainState, task: DomainTask | undefined): boolean {
  return task === 'starting' || task === 'restoring' || (state !== 'shut off' && state !== 'crashed');
}

/** The XlConfig the dashboard's New VM form makes: one NIC on xenbr0, libxl's default policies. */
export function xlConfigFor(c: Omit<DomainConfig, 'host'>, random: RandomSource = cryptoRandom): XlConfig {
  return {
    name: c.name,
    uuid: generateUuid(random),
    memory: c.memoryMiB,
    maxmem: c.memoryMiB,
    vcpus: c.vcpus,
    image: c.image,
    cmdlineKey: 'extra',
    disks: [],
    vifs: [{ mac: generateMac(random), bridge: DEFAULT_BRIDGE, options: [] }],
    onPoweroff: 'destroy',
    onReboot: 'restart',
    onCrash: 'destroy',
    other: [],
  };
}

/**
 * What a config boots, in catalog terms: the lab only boots the images of public/images.
 * - `image = "NAME"`: that image as it is; `extra` is appended to its command line.
 * - `kernel = "/images/NAME/FILE"` (FILE checked against the catalog when the image is loaded):
 *   that image's kernel; its initramfs only if `ramdisk` names a file of the same image; the
 *   command line is `extra`/`cmdline`, or the image's own when the config has none.
 * - neither (the seed's pygrub config): the default image `linux`, with a note saying so. Booting
 *   is friendlier than refusing, and it is what pygrub does on a real host: boot the guest's Linux.
 */
export interface BootPlan {
  readonly image: string;
  /** The kernel file the config names (kernel boots), checked once the catalog entry is known. */
  readonly kernelFile?: string;
  /** With the image's initramfs (image boots always; kernel boots only with a ramdisk). */
  readonly initrd: boolean;
  readonly initrdFile?: string;
  /** The whole command line, or undefined for the image's own. */
  readonly cmdline?: string;
  /** Appended to the image's command line (image boots). */
  readonly extra?: string;
  /** Something the person should know (the default image was chosen). */
  readonly note?: string;
}

const IMAGE_PATH = /^\/images\/([a-z0-9][a-z0-9_-]{0,31})\/([A-Za-z0-9._-]+)$/;

/** Throws a Dom0Error (config-invalid) for a boot the lab cannot do. */
export function bootPlanOf(c: XlConfig): BootPlan {
  const boot = bootOf(c);
  if (boot.kind === 'image') return { image: boot.image, initrd: true, ...(boot.cmdline !== undefined ? { extra: boot.cmdline } : {}) };
  if (boot.kind === 'none') {
    const loader = c.other.find((o) => o.key === 'bootloader');
    return {
      image: DEFAULT_IMAGE,
      initrd: true,
      note: `${c.name}: no kernel or image in its config${loader ? ` (the lab does not run bootloader = ${loader.source})` : ''}: booting the catalog's default image '${DEFAULT_IMAGE}'; add image = "NAME" to choose`,
    };
  }
  const k = IMAGE_PATH.exec(boot.kernel);
  if (!k) throw dom0Errors.unsupported(`kernel "${boot.kernel}": the lab boots the kernels of its images only, e.g. kernel = "/images/linux/Image" (or use image = "linux")`);
  let initrdFile: string | undefined;
  if (boot.ramdisk !== undefined) {
    const r = IMAGE_PATH.exec(boot.ramdisk);
    if (!r || r[1] !== k[1]) throw dom0Errors.unsupported(`ramdisk "${boot.ramdisk}": must be a file of the same image as the kernel, e.g. ramdisk = "/images/${k[1]}/initramfs.cpio.gz"`);
    initrdFile = r[2];
  }
  return {
    image: k[1],
    kernelFile: k[2],
    initrd: initrdFile !== undefined,
    ...(initrdFile !== undefined ? { initrdFile } : {}),
    ...(boot.cmdline !== undefined ? { cmdline: boot.cmdline } : {}),
  };
}

/** The names a catalog file answers to in a config: its file name, with or without `.gz`. */
export function fileNames(path: string): string[] {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return base.endsWith('.gz') ? [base, base.slice(0, -3)] : [base];
}
