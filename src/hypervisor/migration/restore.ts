/**
 * The receiving end of a migration stream (live or from a save file), as a StreamSink: builds the
 * destination VM from the header, writes pages into its RAM as they arrive, collects the state
 * sections, and at END (checksum verified by the reader) restores the machine. It never starts
 * the VM: the caller does, and only once this finished without an error.
 */
import type { MachineState } from '../snapshot/machine.ts';
import { CPU_STATE_VERSION, checkCpuState, type CpuState } from '../snapshot/cpu.ts';
import { DEVICE_STATE_VERSION, VM_STATE_VERSION, checkVmLevelState, type VmLevelState } from '../snapshot/machine.ts';
import type { DeviceState } from '../devices/device.ts';
import { StreamError, type MigrationHeader, type StreamSink } from './stream.ts';
import { PAGE_SIZE, bitmapBytes } from './dirty-log.ts';

/** A VM that can receive a migration: built stopped, filled, restored, then started. */
export interface DestinationVm {
  /** Guest RAM to write pages into: its own memory, never the source's, and all zero when the
   *  factory returns it (a new, never-booted VM), since pages flagged ZERO are not written. */
  ram(): Uint8Array;
  /** Load CPU, devices and VM fields; throws on a state that does not fit. */
  restoreState(state: MachineState): void;
  /** Start running; resolves with the clock time at which its first slice began. */
  start(): Promise<number> | number;
  /** Release it (never started, or aborted). */
  destroy(): void;
}

/** Builds the destination VM for a header, or throws (with a message for a person) to refuse. */
export type CreateDestination = (header: MigrationHeader) => DestinationVm;

/** State section names: "cpu", "vm", and "dev:" + the board region name of each device. */
export const DEVICE_SECTION_PREFIX = 'dev:';

export class RestoreSink implements StreamSink {
  vm: DestinationVm | undefined;
  streamHeader: MigrationHeader | undefined;
  /** Set once END was read and the state loaded: the VM may be started. */
  restored = false;
  pagesWritten = 0;
  private ramView: Uint8Array | undefined;
  /** Pages this stream wrote non-zero contents into (one bit each). */
  private filled: Uint8Array | undefined;
  private cpu: CpuState | undefined;
  private vmState: VmLevelState | undefined;
  private readonly devices: Record<string, DeviceState> = {};

  constructor(private readonly create: CreateDestination, private readonly onHeader?: (h: MigrationHeader) => void) {}

  header(h: MigrationHeader): void {
    this.streamHeader = h;
    this.vm = this.create(h);
    const ram = this.vm.ram();
    if (ram.length !== h.machine.ramBytes) throw new StreamError(`destination VM has ${ram.length} bytes of RAM, the stream ${h.machine.ramBytes}`);
    this.ramView = ram;
    this.filled = new Uint8Array(bitmapBytes(ram.length));
    this.onHeader?.(h);
  }

  page(index: number, data: Uint8Array): void {
    this.ramView!.set(data, index * PAGE_SIZE);
    this.filled![index >> 3] |= 1 << (index & 7);
    this.pagesWritten++;
  }

  zero(index: number): void {
    // The destination starts all zero: a page this stream never filled needs nothing (not even
    // reading it, which would make the host map memory the guest never used).
    if (this.filled![index >> 3] & (1 << (index & 7))) {
      this.ramView!.fill(0, index * PAGE_SIZE, (index + 1) * PAGE_SIZE);
      this.filled![index >> 3] &= ~(1 << (index & 7));
    }
    this.pagesWritten++;
  }

  state(name: string, version: number, value: unknown): void {
    const want = name === 'cpu' ? CPU_STATE_VERSION : name === 'vm' ? VM_STATE_VERSION
      : name.startsWith(DEVICE_SECTION_PREFIX) ? DEVICE_STATE_VERSION : undefined;
    if (want === undefined) throw new StreamError(`migration stream: unknown state section "${name}"`);
    if (version !== want) throw new StreamError(`migration stream: state section "${name}" is version ${version}, this host reads version ${want}`);
    if (name === 'cpu') this.cpu = checkCpuState(value);
    else if (name === 'vm') this.vmState = checkVmLevelState(value);
    else {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new StreamError(`migration stream: state section "${name}" is not an object`);
      this.devices[name.slice(DEVICE_SECTION_PREFIX.length)] = value as DeviceState;
    }
  }

  end(): void {
    if (!this.cpu) throw new StreamError('migration stream: no cpu state section');
    if (!this.vmState) throw new StreamError('migration stream: no vm state section');
    // restoreState checks the device set against this machine's and each device its own fields.
    this.vm!.restoreState({ cpu: this.cpu, devices: this.devices, vm: this.vmState });
    this.restored = true;
  }
}

/** The section names and JSON values for a machine state, in stream order. */
export function stateSections(state: MachineState): [name: string, version: number, value: unknown][] {
  return [
    ['cpu', CPU_STATE_VERSION, state.cpu],
    ...Object.entries(state.devices).map(([n, d]): [string, number, unknown] => [DEVICE_SECTION_PREFIX + n, DEVICE_STATE_VERSION, d]),
    ['vm', VM_STATE_VERSION, state.vm],
  ];
}
