import { describe, expect, it } from 'vitest';
import { INPUT_QUEUE_BYTES, RX_FIFO_BYTES, Uart16550 } from '../../../src/hypervisor/devices/uart16550.ts';

const THR = 0, RBR = 0, DLL = 0, IER = 1, DLM = 1, IIR = 2, FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7;
const LSR_DR = 0x01, LSR_OE = 0x02, LSR_THRE = 0x20, LSR_TEMT = 0x40;
const IIR_NONE = 0x01, IIR_RLS = 0x06, IIR_RDA = 0x04, IIR_TIMEOUT = 0x0c, IIR_THRE = 0x02, IIR_MSI = 0x00;
const IER_RX = 0x01, IER_THRI = 0x02, IER_RLSI = 0x04, IER_MSI = 0x08;
const MCR_LOOP = 0x10;

function makeUart() {
  const out: number[] = [];
  const irq = { level: false, changes: 0 };
  const uart = new Uart16550({
    backend: { write: (bytes) => out.push(...bytes) },
    irq: {
      set(level) {
        irq.level = level;
        irq.changes++;
      },
    },
  });
  const rd = (reg: number) => uart.read(reg, 1);
  const wr = (reg: number, v: number) => uart.write(reg, 1, v);
  const text = () => String.fromCharCode(...out);
  return { uart, out, irq, rd, wr, text };
}

const bytes = (s: string) => Array.from(s, (c) => c.charCodeAt(0));

describe('Uart16550 transmit', () => {
  it('sends THR writes to the backend, byte by byte', () => {
    const { wr, text } = makeUart();
    for (const b of bytes('hi\n')) wr(THR, b);
    expect(text()).toBe('hi\n');
  });

  it('takes the low byte of wider accesses, like QEMU serial-mm', () => {
    const { uart, out } = makeUart();
    uart.write(THR, 4, 0x1234_5641);
    expect(out).toEqual([0x41]);
    uart.write(SCR, 2, 0xabcd);
    expect(uart.read(SCR, 4)).toBe(0xcd);
  });

  it('always reports the transmitter empty (THRE and TEMT)', () => {
    const { rd, wr } = makeUart();
    expect(rd(LSR) & (LSR_THRE | LSR_TEMT)).toBe(LSR_THRE | LSR_TEMT);
    wr(THR, 0x41);
    expect(rd(LSR) & (LSR_THRE | LSR_TEMT)).toBe(LSR_THRE | LSR_TEMT);
  });
});

describe('Uart16550 registers', () => {
  it('switches RBR/THR and IER to the divisor latch while LCR.DLAB is set', () => {
    const { rd, wr, out } = makeUart();
    wr(IER, 0x05);
    wr(LCR, 0x83); // DLAB + 8N1
    wr(DLL, 0x01);
    wr(DLM, 0x02);
    expect(out).toEqual([]); // the DLL write did not transmit
    expect(rd(DLL)).toBe(0x01);
    expect(rd(DLM)).toBe(0x02);
    wr(LCR, 0x03);
    expect(rd(LCR)).toBe(0x03);
    expect(rd(IER)).toBe(0x05); // untouched by the DLM write
    wr(THR, 0x42);
    expect(out).toEqual([0x42]);
    wr(LCR, 0x83);
    expect(rd(DLL)).toBe(0x01); // untouched by the THR write
  });

  it('keeps scratch, masks IER and MCR, reads unknown offsets as 0', () => {
    const { uart, rd, wr } = makeUart();
    wr(SCR, 0x5a);
    expect(rd(SCR)).toBe(0x5a);
    wr(IER, 0xff);
    expect(rd(IER)).toBe(0x0f);
    wr(MCR, 0xff);
    expect(rd(MCR)).toBe(0x1f);
    uart.write(0x10, 1, 0xff);
    expect(uart.read(0x10, 1)).toBe(0);
    expect(uart.read(0xff, 1)).toBe(0);
  });

  it('reports FIFO state in IIR bits 7:6', () => {
    const { rd, wr } = makeUart();
    expect(rd(IIR)).toBe(IIR_NONE);
    wr(FCR, 0x01);
    expect(rd(IIR)).toBe(0xc0 | IIR_NONE);
    wr(FCR, 0x00);
    expect(rd(IIR)).toBe(IIR_NONE);
  });

  it('reports idle modem lines outside loopback and loops MCR into MSR inside it', () => {
    const { rd, wr } = makeUart();
    expect(rd(MSR)).toBe(0xb0); // DCD, DSR, CTS
    wr(MCR, MCR_LOOP); // all outputs low: every line drops, deltas recorded
    expect(rd(MSR)).toBe(0x0b);
    expect(rd(MSR)).toBe(0x00); // deltas clear on read
    wr(MCR, MCR_LOOP | 0x0f); // DTR RTS OUT1 OUT2 -> DSR CTS RI DCD
    expect(rd(MSR)).toBe(0xfb);
    wr(MCR, MCR_LOOP | 0x0b); // OUT1 low: RI trailing edge
    expect(rd(MSR)).toBe(0xb4);
  });
});

describe('Uart16550 receive', () => {
  it('delivers input through RBR with LSR.DR', () => {
    const { uart, rd } = makeUart();
    expect(rd(LSR) & LSR_DR).toBe(0);
    expect(uart.pushInput(bytes('ok'))).toBe(0);
    expect(rd(LSR) & LSR_DR).toBe(LSR_DR);
    expect(rd(RBR)).toBe(0x6f);
    expect(rd(RBR)).toBe(0x6b);
    expect(rd(LSR) & LSR_DR).toBe(0);
    expect(rd(RBR)).toBe(0); // empty
  });

  it('holds 16 bytes in the FIFO and the rest in the input queue, losing nothing', () => {
    const { uart, rd, wr } = makeUart();
    wr(FCR, 0x07);
    const input = Array.from({ length: 100 }, (_, i) => i);
    uart.pushInput(input);
    expect(uart.queuedInputBytes).toBe(100 - RX_FIFO_BYTES);
    const got: number[] = [];
    while (rd(LSR) & LSR_DR) got.push(rd(RBR));
    expect(got).toEqual(input);
    expect(rd(LSR) & LSR_OE).toBe(0);
  });

  it('holds one byte in 16450 mode (FIFO disabled)', () => {
    const { uart, rd } = makeUart();
    uart.pushInput([1, 2, 3]);
    expect(uart.queuedInputBytes).toBe(2);
    expect([rd(RBR), rd(RBR), rd(RBR)]).toEqual([1, 2, 3]);
  });

  it('clearing the RX FIFO discards its bytes but not the queued input', () => {
    const { uart, rd, wr } = makeUart();
    wr(FCR, 0x01);
    uart.pushInput(Array.from({ length: 20 }, (_, i) => i));
    wr(FCR, 0x03);
    expect(rd(RBR)).toBe(16);
  });

  it('overruns (LSR.OE) when bytes arrive without flow control, in loopback', () => {
    const { rd, wr } = makeUart();
    wr(FCR, 0x01);
    wr(MCR, MCR_LOOP);
    for (let i = 0; i < RX_FIFO_BYTES + 2; i++) wr(THR, i);
    const lsr = rd(LSR);
    expect(lsr & (LSR_DR | LSR_OE)).toBe(LSR_DR | LSR_OE);
    expect(rd(LSR) & LSR_OE).toBe(0); // cleared by reading LSR
    const got: number[] = [];
    while (rd(LSR) & LSR_DR) got.push(rd(RBR));
    // FIFO mode keeps the FIFO and loses the new bytes.
    expect(got).toEqual(Array.from({ length: RX_FIFO_BYTES }, (_, i) => i));
  });

  it('overwrites RBR on overrun in 16450 mode', () => {
    const { rd, wr } = makeUart();
    wr(MCR, MCR_LOOP);
    wr(THR, 1);
    wr(THR, 2);
    expect(rd(LSR) & LSR_OE).toBe(LSR_OE);
    expect(rd(RBR)).toBe(2);
  });

  it('keeps host input queued while in loopback, delivering it afterwards', () => {
    const { uart, rd, wr } = makeUart();
    wr(MCR, MCR_LOOP);
    uart.pushInput([7]);
    expect(rd(LSR) & LSR_DR).toBe(0);
    wr(MCR, 0x0b);
    expect(rd(RBR)).toBe(7);
  });

  it('bounds the input queue and reports the bytes dropped', () => {
    const { uart, wr } = makeUart();
    wr(FCR, 0x01);
    const total = RX_FIFO_BYTES + INPUT_QUEUE_BYTES + 10;
    expect(uart.pushInput(new Uint8Array(total))).toBe(10);
    expect(uart.pushInput([1, 2, 3])).toBe(3);
    expect(uart.droppedInputBytes).toBe(13);
    expect(uart.queuedInputBytes).toBe(INPUT_QUEUE_BYTES);
  });

  it('takes back queued input (not what reached the FIFO), then queues anew', () => {
    const { uart, rd, wr, irq } = makeUart();
    wr(FCR, 0x01);
    wr(IER, IER_RX);
    uart.pushInput(Array.from({ length: 40 }, (_, i) => i));
    expect(uart.discardQueuedInput()).toBe(40 - RX_FIFO_BYTES);
    expect(uart.queuedInputBytes).toBe(0);
    expect(uart.discardQueuedInput()).toBe(0);
    expect(irq.level).toBe(true);
    const got: number[] = [];
    while (rd(LSR) & LSR_DR) got.push(rd(RBR));
    expect(got).toEqual(Array.from({ length: RX_FIFO_BYTES }, (_, i) => i));
    expect(irq.level).toBe(false);
    uart.pushInput([0x61, 0x62]);
    expect([rd(RBR), rd(RBR)]).toEqual([0x61, 0x62]);
    // The ring restarts cleanly: nothing stale from before the discard comes back.
    expect(rd(LSR) & LSR_DR).toBe(0);
  });
});

describe('Uart16550 interrupts', () => {
  it('raises RX data available while data is there, down once drained', () => {
    const { uart, rd, wr, irq } = makeUart();
    wr(IER, IER_RX);
    expect(irq.level).toBe(false);
    uart.pushInput([0x61]);
    expect(irq.level).toBe(true);
    expect(rd(IIR)).toBe(IIR_RDA);
    rd(RBR);
    expect(irq.level).toBe(false);
    expect(rd(IIR)).toBe(IIR_NONE);
  });

  it('reports RDA at the FIFO trigger level and timeout below it', () => {
    const { uart, rd, wr } = makeUart();
    wr(FCR, 0x81); // FIFO on, trigger at 8
    wr(IER, IER_RX);
    uart.pushInput([1, 2, 3]);
    expect(rd(IIR)).toBe(0xc0 | IIR_TIMEOUT);
    uart.pushInput([4, 5, 6, 7, 8]);
    expect(rd(IIR)).toBe(0xc0 | IIR_RDA);
  });

  it('orders sources: line status > RX data > THR empty > modem status', () => {
    const { rd, wr, irq } = makeUart();
    wr(MCR, MCR_LOOP); // modem lines change: MSI pending
    wr(THR, 1);
    wr(THR, 2); // overrun: line status pending, RX data pending
    wr(IER, IER_RX | IER_THRI | IER_RLSI | IER_MSI);
    expect(irq.level).toBe(true);
    expect(rd(IIR)).toBe(IIR_RLS);
    rd(LSR);
    expect(rd(IIR)).toBe(IIR_RDA);
    rd(RBR);
    expect(rd(IIR)).toBe(IIR_THRE); // reading it acknowledges THRE
    expect(rd(IIR)).toBe(IIR_MSI);
    rd(MSR);
    expect(rd(IIR)).toBe(IIR_NONE);
    expect(irq.level).toBe(false);
  });

  it('THRE: raised when ETBEI is enabled, cleared by reading IIR, raised again by a THR write', () => {
    const { rd, wr, irq } = makeUart();
    wr(IER, IER_THRI);
    expect(irq.level).toBe(true);
    expect(rd(IIR)).toBe(IIR_THRE);
    expect(irq.level).toBe(false);
    expect(rd(IIR)).toBe(IIR_NONE);
    wr(THR, 0x41);
    expect(irq.level).toBe(true);
    wr(IER, 0);
    expect(irq.level).toBe(false);
  });

  it("passes Linux 8250's UART_BUG_THRE probe (THRE re-asserted when IER.THRI is toggled)", () => {
    const { rd, wr } = makeUart();
    // serial8250_do_startup: IER=THRI, read IIR, IER=0, IER=THRI, read IIR; NO_INT means buggy.
    wr(IER, IER_THRI);
    const iir1 = rd(IIR);
    wr(IER, 0);
    wr(IER, IER_THRI);
    const iir = rd(IIR);
    wr(IER, 0);
    expect(iir1 & IIR_NONE).toBe(0);
    expect(iir & IIR_NONE).toBe(0);
  });

  it("serves Linux's TX loop: interrupt, write a burst, interrupt again, disable when done", () => {
    const { rd, wr, irq, text } = makeUart();
    wr(FCR, 0x07);
    const message = 'Linux version 6.x';
    let sent = 0;
    wr(IER, IER_RX | IER_THRI); // start_tx
    let interrupts = 0;
    while (irq.level && interrupts < 100) {
      interrupts++;
      const iir = rd(IIR);
      if ((iir & 0x0f) !== IIR_THRE) continue;
      for (let n = 0; n < 16 && sent < message.length; n++) wr(THR, message.charCodeAt(sent++));
      if (sent === message.length) wr(IER, IER_RX); // stop_tx
    }
    expect(text()).toBe(message);
    expect(interrupts).toBe(2);
    expect(irq.level).toBe(false);
  });

  it('reports level changes only', () => {
    const { uart, rd, wr, irq } = makeUart();
    wr(IER, IER_RX);
    uart.pushInput([1, 2, 3]);
    expect(irq.changes).toBe(1);
    rd(RBR);
    rd(RBR);
    expect(irq.changes).toBe(1);
    rd(RBR);
    expect(irq.changes).toBe(2);
  });
});

describe('Uart16550 save/restore', () => {
  it('round-trips through JSON and behaves identically afterwards', () => {
    const a = makeUart();
    a.wr(LCR, 0x83);
    a.wr(DLL, 0x0c);
    a.wr(LCR, 0x03);
    a.wr(FCR, 0x41);
    a.wr(SCR, 0x99);
    a.wr(IER, IER_RX | IER_THRI);
    a.uart.pushInput(Array.from({ length: 40 }, (_, i) => 0x30 + i));
    a.rd(RBR);

    const state = JSON.parse(JSON.stringify(a.uart.save()));
    const b = makeUart();
    b.uart.restore(state);
    expect(b.irq.level).toBe(a.irq.level);
    expect(b.uart.save()).toEqual(a.uart.save());

    const script = (u: ReturnType<typeof makeUart>) => {
      const seen: number[] = [];
      for (let i = 0; i < 45; i++) seen.push(u.rd(IIR), u.rd(LSR), u.rd(RBR));
      u.wr(THR, 0x21);
      u.wr(LCR, 0x83);
      seen.push(u.rd(DLL), u.rd(SCR), u.irq.level ? 1 : 0);
      return seen;
    };
    expect(script(b)).toEqual(script(a));
    expect(b.out).toEqual(a.out);
  });

  it('rejects out-of-range state without changing the device', () => {
    const { uart, wr } = makeUart();
    wr(SCR, 5);
    const good = uart.save();
    expect(() => uart.restore({ ...good, rxFifo: new Array(17).fill(0) })).toThrow(RangeError);
    expect(() => uart.restore({ ...good, scr: 256 })).toThrow(RangeError);
    expect(() => uart.restore({ ...good, inputQueue: 'x' })).toThrow(RangeError);
    expect(uart.save()).toEqual(good);
  });
});
