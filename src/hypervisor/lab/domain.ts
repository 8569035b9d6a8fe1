/** Domains (guests) as the lab defines them, and the states libvirt shows for them (DESIGN.md §5). */
import { MAX_RAM_BYTES, MiB } from '../machine/board.ts';

export interface DomainConfig {
  readonly name: string;
  /** Name of an image in the catalog (public/images/index.json). */
  readonly image: string;
  readonly host: string;
  readonly memoryMiB: number;
  readonly vcpus: number;
}

/** libvirt's names; `shut off` is a defined domain that is not running. */
export type DomainState = 'running' | 'idle' | 'paused' | 'in shutdown' | 'shut off' | 'crashed';

/** Something the lab is doing to a domain that takes a moment (buttons wait for it). */
export type DomainTask = 'starting' | 'rebooting' | 'pausing' | 'resuming' | 'shutting down';

export class LabError extends Error {
  override name = 'LabError';
}

/** Smallest guest RAM the lab offers: the bare-metal demos need 16 MiB, Linux more. */
export const MIN_MEMORY_MIB = 16;
export const MAX_MEMORY_MIB = MAX_RAM_BYTES / MiB;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

/** Check what a person typed; the message says what is wrong and what would be right. */
export function checkDomainConfig(c: DomainConfig): void {
  if (!NAME.test(c.name)) throw new LabError(`"${c.name}" is not a valid name: use up to 32 letters, digits, "-", "_" or ".", starting with a letter or digit`);
  if (!Number.isInteger(c.memoryMiB) || c.memoryMiB < MIN_MEMORY_MIB || c.memoryMiB > MAX_MEMORY_MIB) {
    throw new LabError(`memory must be a whole number of MiB from ${MIN_MEMORY_MIB} to ${MAX_MEMORY_MIB} (got ${c.memoryMiB})`);
  }
  // One hart per VM for now: the core runs SMP guests only once a worker per hart exists.
  if (c.vcpus !== 1) throw new LabError(`${c.vcpus} vCPUs: this lab runs 1 vCPU per VM (SMP is not implemented yet)`);
}

/** Domains whose vCPUs and memory count against their host. */
export function isLive(state: DomainState, task: DomainTask | undefined): boolean {
  return task === 'starting' || (state !== 'shut off' && state !== 'crashed');
}
