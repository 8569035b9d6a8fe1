/**
 * NS16550A UART, as QEMU virt's "ns16550a" serial port at UART0 (reg-shift 0, byte registers).
 *
 * Modelled to what Linux's 8250 driver and OpenSBI use: divisor latch, FIFOs, line and modem
 * status, the four interrupt sources and their IIR priorities, loopback. Transmission is
 * instantaneous (THR and the shift register are empty again as soon as a byte is written), so
 * LSR.THRE and LSR.TEMT are always set and no TX FIFO is kept.
 *
 * Accesses of any width reach the register at `offset` with the low byte of the value, and reads
 * return that byte zero-extended: what QEMU's serial-mm does for byte-register UARTs.
 */

import type { AccessSize, CharBackend, DeviceState, IrqLine, MmioDevice } from './device.ts';
import { stateBool, stateBytes, stateInt } from './state.ts';

/** Register offsets (reg-shift 0). RBR/THR/DLL and IER/DLM share offsets, selected by LCR.DLAB. */
const REG_DATA = 0;
const REG_IER = 1;
const REG_IIR_FCR = 2;
const REG_LCR = 3;
const REG_MCR = 4;
const REG_LSR = 5;
const REG_MSR = 6;
const REG_SCR = 7;

const IER_ERBFI = 0x01; // received data available
const IER_ETBEI = 0x02; // transmitter holding register empty
const IER_ELSI = 0x04; // receiver line status
const IER_EDSSI = 0x08; // modem status

/** IIR interrupt identifiers, highest priority first. Bit 0 set = nothing pending. */
const IIR_NONE = 0x01;
const IIR_RLS = 0x06;
const IIR_RDA = 0x04;
const IIR_TIMEOUT = 0x0c;
const IIR_THRE = 0x02;
const IIR_MSI = 0x00;
const IIR_FIFO_ENABLED = 0xc0;

const FCR_ENABLE = 0x01;
const FCR_CLEAR_RX = 0x02;
const FCR_CLEAR_TX = 0x04;
/** Bits FCR keeps: enable, DMA mode, RX trigger level. The clear bits are self-clearing. */
const FCR_STORED = 0xc9;

const LCR_DLAB = 0x80;

const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;
const MCR_MASK = 0x1f;

const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;
/** LSR error bits (OE, PE, FE, BI): they raise the line-status interrupt and clear on LSR read. */
const LSR_ERRORS = 0x1e;

const MSR_DCTS = 0x01;
const MSR_DDSR = 0x02;
const MSR_TERI = 0x04;
const MSR_DDCD = 0x08;
const MSR_DELTAS = 0x0f;
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;
/** Modem lines outside loopback: carrier, data set ready and clear to send up, as QEMU reports. */
const MSR_IDLE_LINES = MSR_DCD | MSR_DSR | MSR_CTS;

/** The 16550A's receive FIFO depth. In 16450 (non-FIFO) mode only one byte is held (RBR). */
export const RX_FIFO_BYTES = 16;
/** RX trigger levels selected by FCR bits 7:6. */
const RX_TRIGGER = [1, 4, 8, 14] as const;

/**
 * Bound on host input waiting in front of the RX FIFO. The host side (a terminal, a paste, a
 * pipe) may push far faster than the guest reads - or the guest may not read at all (interrupts
 * masked, VM paused, no driver) - so the queue must be bounded to keep a runaway producer from
 * growing memory. 64 KiB holds a large paste (a script of about a thousand lines) while typing
 * never comes close; bytes beyond it are dropped and counted.
 */
export const INPUT_QUEUE_BYTES = 64 * 1024;

export interface Uart16550Options {
  /** Where transmitted bytes go. */
  readonly backend: CharBackend;
  /** The UART's interrupt line (to the PLIC). */
  readonly irq: IrqLine;
  /** Device name; defaults to the board's region name "uart0". */
  readonly name?: string;
}

export class Uart16550 implements MmioDevice {
  readonly name: string;
  readonly accessSizes = 1 | 2 | 4 | 8;

  private readonly backend: CharBackend;
  private readonly irq: IrqLine;
  /** One-byte buffer handed to the backend for every transmitted byte (reused: see CharBackend). */
  private readonly txByte = new Uint8Array(1);

  private ier = 0;
  private lcr = 0;
  /** OUT2 set at reset, as QEMU does; the driver rewrites MCR anyway. */
  private mcr = MCR_OUT2;
  private fcr = 0;
  private scr = 0;
  private dll = 0;
  private dlm = 0;
  /** LSR error bits (only OE is ever raised here); the other LSR bits are computed on read. */
  private lsrErrors = 0;
  /** Modem status: line levels in bits 7:4, change (delta) bits in 3:0. */
  private msr = MSR_IDLE_LINES;
  /** The THR-empty interrupt condition (see writeIer / readIir / transmit). */
  private thrPending = false;
  private irqLevel = false;

  /** RX FIFO as a ring buffer. */
  private readonly rx = new Uint8Array(RX_FIFO_BYTES);
  private rxHead = 0;
  private rxCount = 0;

  /** Host input not yet received into the FIFO, as a ring buffer (see INPUT_QUEUE_BYTES). */
  private readonly queue = new Uint8Array(INPUT_QUEUE_BYTES);
  private queueHead = 0;
  private queueCount = 0;

  /** Host input bytes dropped because the input queue was full, since the device was created. */
  droppedInputBytes = 0;

  constructor(opts: Uart16550Options) {
    this.backend = opts.backend;
    this.irq = opts.irq;
    this.name = opts.name ?? 'uart0';
  }

  /**
   * Queues host input for the guest. The queue plays the far end of a flow-controlled line: bytes
   * move into the RX FIFO only while it has room, so nothing pushed here is overrun. Returns the
   * number of bytes dropped because the queue was full (also added to `droppedInputBytes`).
   */
  pushInput(bytes: ArrayLike<number>): number {
    let i = 0;
    // Queue what fits, let the receiver take what it can, repeat until nothing more fits.
    while (i < bytes.length && this.queueCount < INPUT_QUEUE_BYTES) {
      while (i < bytes.length && this.queueCount < INPUT_QUEUE_BYTES) {
        this.queue[(this.queueHead + this.queueCount) % INPUT_QUEUE_BYTES] = bytes[i++] & 0xff;
        this.queueCount++;
      }
      this.fillRxFromQueue();
    }
    const dropped = bytes.length - i;
    this.droppedInputBytes += dropped;
    this.updateIrq();
    return dropped;
  }

  /** Host input bytes waiting in the queue (not counting the RX FIFO). */
  get queuedInputBytes(): number {
    return this.queueCount;
  }

  /**
   * Takes back host input still "on the line" (the queue; what reached the RX FIFO stays), and
   * returns how many bytes that was. The guest agent client does this when a request times out,
   * so that a guest which starts listening later does not act on a request already given up.
   */
  discardQueuedInput(): number {
    const n = this.queueCount;
    this.queueHead = 0;
    this.queueCount = 0;
    return n;
  }

  read(offset: number, _size: AccessSize): number {
    switch (offset) {
      case REG_DATA:
        return this.dlab ? this.dll : this.readRbr();
      case REG_IER:
        return this.dlab ? this.dlm : this.ier;
      case REG_IIR_FCR:
        return this.readIir();
      case REG_LCR:
        return this.lcr;
      case REG_MCR:
        return this.mcr;
      case REG_LSR:
        return this.readLsr();
      case REG_MSR:
        return this.readMsr();
      case REG_SCR:
        return this.scr;
      default:
        // Past the eight registers (the region is 0x100 bytes): nothing there.
        return 0;
    }
  }

  write(offset: number, _size: AccessSize, value: number): void {
    const v = value & 0xff;
    switch (offset) {
      case REG_DATA:
        if (this.dlab) this.dll = v;
        else this.transmit(v);
        break;
      case REG_IER:
        if (this.dlab) this.dlm = v;
        else this.writeIer(v);
        break;
      case REG_IIR_FCR:
        this.writeFcr(v);
        break;
      case REG_LCR:
        this.lcr = v;
        break;
      case REG_MCR:
        this.writeMcr(v);
        break;
      case REG_SCR:
        this.scr = v;
        break;
      default:
        // LSR and MSR are read-only; offsets past the registers are unused.
        break;
    }
  }

  save(): DeviceState {
    return {
      ier: this.ier,
      lcr: this.lcr,
      mcr: this.mcr,
      fcr: this.fcr,
      scr: this.scr,
      dll: this.dll,
      dlm: this.dlm,
      lsrErrors: this.lsrErrors,
      msr: this.msr,
      thrPending: this.thrPending,
      rxFifo: Array.from(this.rxBytes()),
      inputQueue: Array.from(this.queueBytes()),
    };
  }

  restore(state: DeviceState): void {
    // Validate everything before touching the device, so a bad state leaves it unchanged.
    const ier = stateInt(state, 'ier', 0, 0x0f);
    const lcr = stateInt(state, 'lcr', 0, 0xff);
    const mcr = stateInt(state, 'mcr', 0, MCR_MASK);
    const fcr = stateInt(state, 'fcr', 0, 0xff) & FCR_STORED;
    const scr = stateInt(state, 'scr', 0, 0xff);
    const dll = stateInt(state, 'dll', 0, 0xff);
    const dlm = stateInt(state, 'dlm', 0, 0xff);
    const lsrErrors = stateInt(state, 'lsrErrors', 0, 0xff) & LSR_ERRORS;
    const msr = stateInt(state, 'msr', 0, 0xff);
    const thrPending = stateBool(state, 'thrPending');
    const rxFifo = stateBytes(state, 'rxFifo', (fcr & FCR_ENABLE) !== 0 ? RX_FIFO_BYTES : 1);
    const inputQueue = stateBytes(state, 'inputQueue', INPUT_QUEUE_BYTES);

    this.ier = ier;
    this.lcr = lcr;
    this.mcr = mcr;
    this.fcr = fcr;
    this.scr = scr;
    this.dll = dll;
    this.dlm = dlm;
    this.lsrErrors = lsrErrors;
    this.msr = msr;
    this.thrPending = thrPending;
    this.rx.set(rxFifo);
    this.rxHead = 0;
    this.rxCount = rxFifo.length;
    this.queue.set(inputQueue);
    this.queueHead = 0;
    this.queueCount = inputQueue.length;
    // Drive the line from the restored state even if it looks unchanged: the receiver's view of
    // the line may have been restored separately.
    this.irqLevel = this.interruptId() !== IIR_NONE;
    this.irq.set(this.irqLevel);
  }

  // --- registers ---

  private get dlab(): boolean {
    return (this.lcr & LCR_DLAB) !== 0;
  }

  private get fifoEnabled(): boolean {
    return (this.fcr & FCR_ENABLE) !== 0;
  }

  /** Bytes the receiver holds: the FIFO in 16550 mode, just RBR in 16450 mode. */
  private get rxCapacity(): number {
    return this.fifoEnabled ? RX_FIFO_BYTES : 1;
  }

  private get loopback(): boolean {
    return (this.mcr & MCR_LOOP) !== 0;
  }

  private readRbr(): number {
    let byte = 0;
    if (this.rxCount > 0) {
      byte = this.rx[this.rxHead];
      this.rxHead = (this.rxHead + 1) % RX_FIFO_BYTES;
      this.rxCount--;
      this.fillRxFromQueue();
    }
    this.updateIrq();
    return byte;
  }

  private readIir(): number {
    const id = this.interruptId();
    // Reading IIR while it reports THRE acknowledges that interrupt (16550 datasheet); the
    // next THR write or a rising IER.ETBEI raises it again.
    if (id === IIR_THRE) {
      this.thrPending = false;
      this.updateIrq();
    }
    return id | (this.fifoEnabled ? IIR_FIFO_ENABLED : 0);
  }

  private readLsr(): number {
    let lsr = this.lsrErrors | LSR_THRE | LSR_TEMT;
    if (this.rxCount > 0) lsr |= LSR_DR;
    if (this.lsrErrors !== 0) {
      this.lsrErrors = 0;
      this.updateIrq();
    }
    return lsr;
  }

  private readMsr(): number {
    const msr = this.msr;
    if ((msr & MSR_DELTAS) !== 0) {
      this.msr &= ~MSR_DELTAS;
      this.updateIrq();
    }
    return msr;
  }

  private writeIer(v: number): void {
    const old = this.ier;
    this.ier = v & 0x0f;
    // A rising ETBEI with THR empty (always, here) raises THRE again even if it had been
    // acknowledged by an IIR read. Linux's 8250 startup checks exactly this (it toggles IER.THRI
    // and expects IIR to show THRE, else it flags the port with UART_BUG_THRE), and its TX path
    // enables ETBEI and waits for that interrupt.
    if ((this.ier & IER_ETBEI) !== 0 && (old & IER_ETBEI) === 0) this.thrPending = true;
    if ((this.ier & IER_ETBEI) === 0) this.thrPending = false;
    this.updateIrq();
  }

  private writeFcr(v: number): void {
    // Toggling the FIFO enable bit resets both FIFOs (16550 datasheet).
    if (((v ^ this.fcr) & FCR_ENABLE) !== 0) v |= FCR_CLEAR_RX | FCR_CLEAR_TX;
    // The other FCR bits are only written with the enable bit set.
    this.fcr = (v & FCR_ENABLE) !== 0 ? v & FCR_STORED : 0;
    if ((v & FCR_CLEAR_RX) !== 0) {
      this.rxHead = 0;
      this.rxCount = 0;
      // The input queue is not part of the FIFO (it is data still "on the line"), so it refills.
      this.fillRxFromQueue();
    }
    // FCR_CLEAR_TX: nothing to clear, transmission is instantaneous.
    this.updateIrq();
  }

  private writeMcr(v: number): void {
    const wasLoopback = this.loopback;
    this.mcr = v & MCR_MASK;
    this.setModemLines(this.loopback ? loopbackLines(this.mcr) : MSR_IDLE_LINES);
    // Leaving loopback reconnects the receiver to the (host) line.
    if (wasLoopback && !this.loopback) this.fillRxFromQueue();
    this.updateIrq();
  }

  /** Sets the modem status lines, raising the delta bits for those that changed. */
  private setModemLines(lines: number): void {
    const changed = (this.msr ^ lines) & ~MSR_DELTAS;
    let deltas = 0;
    if (changed & MSR_CTS) deltas |= MSR_DCTS;
    if (changed & MSR_DSR) deltas |= MSR_DDSR;
    if (changed & MSR_DCD) deltas |= MSR_DDCD;
    // TERI: trailing edge of ring indicator only (RI going low).
    if (changed & MSR_RI && (lines & MSR_RI) === 0) deltas |= MSR_TERI;
    this.msr = lines | (this.msr & MSR_DELTAS) | deltas;
  }

  private transmit(byte: number): void {
    if (this.loopback) {
      // In loopback the transmitter feeds the receiver directly, with no flow control.
      this.receiveFromWire(byte);
    } else {
      this.txByte[0] = byte;
      this.backend.write(this.txByte);
    }
    // THR is empty again at once, which is a new THRE event.
    this.thrPending = true;
    this.updateIrq();
  }

  // --- receive path ---

  /**
   * A byte arrives at the receiver without flow control. If the receiver is full it is an
   * overrun: in FIFO mode the new byte is lost, in 16450 mode it overwrites RBR.
   */
  private receiveFromWire(byte: number): void {
    if (this.rxCount < this.rxCapacity) {
      this.rx[(this.rxHead + this.rxCount) % RX_FIFO_BYTES] = byte;
      this.rxCount++;
      return;
    }
    this.lsrErrors |= LSR_OE;
    if (!this.fifoEnabled) this.rx[this.rxHead] = byte;
  }

  /** Moves queued host input into the receiver while it has room (host line cut in loopback). */
  private fillRxFromQueue(): void {
    if (this.loopback) return;
    const capacity = this.rxCapacity;
    while (this.queueCount > 0 && this.rxCount < capacity) {
      this.rx[(this.rxHead + this.rxCount) % RX_FIFO_BYTES] = this.queue[this.queueHead];
      this.rxCount++;
      this.queueHead = (this.queueHead + 1) % INPUT_QUEUE_BYTES;
      this.queueCount--;
    }
  }

  private *rxBytes(): Iterable<number> {
    for (let i = 0; i < this.rxCount; i++) yield this.rx[(this.rxHead + i) % RX_FIFO_BYTES];
  }

  private *queueBytes(): Iterable<number> {
    for (let i = 0; i < this.queueCount; i++) yield this.queue[(this.queueHead + i) % INPUT_QUEUE_BYTES];
  }

  // --- interrupts ---

  /** The highest-priority pending, enabled interrupt source, as its IIR identifier. */
  private interruptId(): number {
    const ier = this.ier;
    if (ier & IER_ELSI && this.lsrErrors !== 0) return IIR_RLS;
    if (ier & IER_ERBFI && this.rxCount > 0) {
      // Below the trigger level a real 16550A raises the character timeout after four character
      // times without activity; with no clock here, that time is taken as already elapsed.
      // Drivers treat both identifiers alike.
      if (this.fifoEnabled && this.rxCount < RX_TRIGGER[this.fcr >> 6]) return IIR_TIMEOUT;
      return IIR_RDA;
    }
    if (ier & IER_ETBEI && this.thrPending) return IIR_THRE;
    if (ier & IER_EDSSI && (this.msr & MSR_DELTAS) !== 0) return IIR_MSI;
    return IIR_NONE;
  }

  /** Drives the interrupt line, calling it only when the level changes. */
  private updateIrq(): void {
    const level = this.interruptId() !== IIR_NONE;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      this.irq.set(level);
    }
  }
}

/** Modem status lines in loopback: the MCR outputs wired back to the MSR inputs. */
function loopbackLines(mcr: number): number {
  let lines = 0;
  if (mcr & MCR_RTS) lines |= MSR_CTS;
  if (mcr & MCR_DTR) lines |= MSR_DSR;
  if (mcr & MCR_OUT1) lines |= MSR_RI;
  if (mcr & MCR_OUT2) lines |= MSR_DCD;
  return lines;
}
