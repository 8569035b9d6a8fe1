/**
 * One hart's WebAssembly core on its own shared memory. This wraps the exports of asm/index.ts with
 * typed accessors; every offset comes from the module itself (its exported globals and layout
 * functions), never from a copy here.
 */

export interface CoreExports {
  readonly memory?: WebAssembly.Memory;
  run(budget: number): number;
  configure(ramBytes: number, dramBase: number, romBase: number, clintBase: number, hartid: number): void;
  reset(): void;
  stateChanged(): void;
  interruptsChanged(): void;
  hostWrote(ramOffset: number, len: number): void;
  flushTlb(): void;
  flushCode(): void;
  loadVirtual64(va: bigint): bigint;
  loadVirtualOk(): number;
  dirtySyncBegin(): void;
  setTimeRate(rate: number): void;
  fflags(): number;
  setFflagsValue(v: number): void;
  layoutState(): number;
  layoutStateSize(): number;
  layoutRam(): number;
  layoutRom(): number;
  layoutRomSize(): number;
  layoutDirty(): number;
  layoutDirtySize(): number;
  layoutHeapBase(): number;
  [global: string]: unknown;
}

/** Host side of the MMIO bus the core calls for every physical address it does not own. */
export interface CoreBus {
  read(pa: number, size: number): number;
  write(pa: number, size: number, value: number): void;
}

export const WASM_PAGE = 65536;

/** Names of the state fields the host uses (asm/state.ts exports each as a global `O_*`). */
const FIELDS = [
  'PC', 'PRIV', 'MSTATUS', 'MEDELEG', 'MIDELEG', 'MIE', 'MIP', 'MIP_SW', 'MTVEC', 'MSCRATCH', 'MEPC',
  'MCAUSE', 'MTVAL', 'MCOUNTEREN', 'SCOUNTEREN', 'STVEC', 'SSCRATCH', 'SEPC', 'SCAUSE', 'STVAL',
  'SATP', 'FRM', 'FFLAGS', 'MENVCFG', 'SENVCFG', 'MCOUNTINHIBIT', 'PMPCFG', 'PMPADDR', 'MTIMECMP',
  'MSIP', 'STIMECMP', 'SBI_TIMER', 'TIME', 'INSTRET', 'CYCLE', 'RESERVATION', 'HARTID',
  'MMIO_STATUS', 'EXT_IRQ', 'RAM_SIZE', 'SBI_MODE', 'STOP', 'EXECUTED', 'STOP_REQ',
] as const;
export type StateField = (typeof FIELDS)[number];

export const enum Stop { Budget = 0, Wfi = 1, Sbi = 2, Host = 3 }
export const enum MmioStatus { Ok = 0, Fault = 1, Stop = 2 }

export interface CoreOptions {
  module: WebAssembly.Module;
  ramBytes: number;
  dramBase: number;
  romBase: number;
  clintBase: number;
  hartid?: number;
  bus: CoreBus;
  /** Reuse an existing memory (a worker attaching to the hypervisor's buffer). */
  memory?: WebAssembly.Memory;
}

export class Core {
  readonly memory: WebAssembly.Memory;
  readonly exports: CoreExports;
  readonly ramBytes: number;
  /** Offset of guest RAM (guest physical dramBase) in the memory. */
  readonly ramOffset: number;
  readonly stateOffset: number;
  private readonly fieldOffsets: Record<StateField, number>;
  private readonly fregsOffset: number;
  private view: DataView;
  private mmioStatusAddr = 0;

  /** Wasm pages needed for a VM with `ramBytes` of RAM (the core's layout plus RAM). */
  static pagesFor(module: WebAssembly.Module, ramBytes: number): number {
    // The RAM offset is a layout constant; instantiate-free: ask a throwaway instance.
    const probe = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
    const inst = new WebAssembly.Instance(module, { env: { memory: probe, mmioRead: () => 0, mmioWrite: () => {} } });
    const ram = (inst.exports as unknown as CoreExports).layoutRam();
    return Math.ceil((ram + ramBytes) / WASM_PAGE);
  }

  constructor(opts: CoreOptions) {
    this.ramBytes = opts.ramBytes;
    const pages = Core.pagesFor(opts.module, opts.ramBytes);
    this.memory = opts.memory ?? new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
    const bus = opts.bus;
    // The bus reports faults/stops through the status word, so the values stay plain numbers.
    const imports = {
      env: {
        memory: this.memory,
        mmioRead: (pa: number, size: number) => bus.read(pa >>> 0, size) | 0,
        mmioWrite: (pa: number, size: number, value: number) => bus.write(pa >>> 0, size, value >>> 0),
      },
    };
    const instance = new WebAssembly.Instance(opts.module, imports);
    this.exports = instance.exports as unknown as CoreExports;
    this.view = new DataView(this.memory.buffer);
    this.ramOffset = this.exports.layoutRam();
    this.stateOffset = this.exports.layoutState();
    const offsets = {} as Record<StateField, number>;
    for (const f of FIELDS) offsets[f] = this.global(`O_${f}`);
    this.fieldOffsets = offsets;
    this.fregsOffset = this.global('FREGS_OFF');
    this.mmioStatusAddr = this.stateOffset + offsets.MMIO_STATUS;
    if (this.exports.layoutHeapBase() > this.stateOffset) {
      throw new Error('core layout: AssemblyScript data overlaps the hart state');
    }
    if (!opts.memory) {
      this.exports.configure(opts.ramBytes, opts.dramBase, opts.romBase, opts.clintBase, opts.hartid ?? 0);
    }
  }

  private global(name: string): number {
    const g = this.exports[name] as WebAssembly.Global | undefined;
    if (!g) throw new Error(`core module lacks export ${name}`);
    return Number(g.value);
  }

  /** The guest RAM as bytes (a view on the shared buffer). */
  ram(): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.ramOffset, this.ramBytes);
  }

  romBytes(): Uint8Array {
    return new Uint8Array(this.memory.buffer, this.exports.layoutRom(), this.exports.layoutRomSize());
  }

  dirtyBitmap(): Uint8Array {
    const pages = Math.ceil(this.ramBytes / 4096);
    return new Uint8Array(this.memory.buffer, this.exports.layoutDirty(), Math.ceil(pages / 8));
  }

  /** The device reported a fault or a stop for the MMIO access in progress. */
  setMmioStatus(status: MmioStatus): void {
    this.view.setUint32(this.mmioStatusAddr, status, true);
  }

  get64(f: StateField): bigint { return this.view.getBigUint64(this.stateOffset + this.fieldOffsets[f], true); }
  set64(f: StateField, v: bigint): void { this.view.setBigUint64(this.stateOffset + this.fieldOffsets[f], BigInt.asUintN(64, v), true); }
  get32(f: StateField): number { return this.view.getUint32(this.stateOffset + this.fieldOffsets[f], true); }
  set32(f: StateField, v: number): void { this.view.setUint32(this.stateOffset + this.fieldOffsets[f], v >>> 0, true); }
  /** Read a 64-bit field as a Number (exact below 2^53: counters, time, addresses). */
  getNum(f: StateField): number { return Number(this.get64(f)); }
  setNum(f: StateField, v: number): void { this.set64(f, BigInt(Math.floor(v))); }

  x(i: number): bigint { return this.view.getBigUint64(this.stateOffset + i * 8, true); }
  setX(i: number, v: bigint): void { if (i !== 0) this.view.setBigUint64(this.stateOffset + i * 8, BigInt.asUintN(64, v), true); }
  f(i: number): bigint { return this.view.getBigUint64(this.stateOffset + this.fregsOffset + i * 8, true); }
  setF(i: number, v: bigint): void { this.view.setBigUint64(this.stateOffset + this.fregsOffset + i * 8, BigInt.asUintN(64, v), true); }

  get pc(): bigint { return this.get64('PC'); }
  set pc(v: bigint) { this.set64('PC', v); }

  run(budget: number): Stop { return this.exports.run(budget >>> 0) as Stop; }
  get executed(): number { return this.getNum('EXECUTED'); }

  /** A 64-bit load through the hart's current data translation (as an S-mode firmware would read a
   *  pointer the kernel passed), or undefined when it would fault. */
  loadVirtual64(va: bigint): bigint | undefined {
    const v = this.exports.loadVirtual64(BigInt.asUintN(64, va));
    return this.exports.loadVirtualOk() ? BigInt.asUintN(64, v) : undefined;
  }

  /** Copy bytes into guest RAM at guest-physical `ramOffset` (relative to RAM start). */
  writeRam(ramOffset: number, bytes: Uint8Array): void {
    if (ramOffset < 0 || ramOffset + bytes.length > this.ramBytes) {
      throw new RangeError(`image of ${bytes.length} bytes at RAM offset 0x${ramOffset.toString(16)} does not fit in ${this.ramBytes >> 20} MiB of RAM`);
    }
    this.ram().set(bytes, ramOffset);
    this.exports.hostWrote(ramOffset, bytes.length);
  }
}
