/**
 * The typed save/restore contract (src/hypervisor/snapshot/, VirtualMachine.saveState/restoreState):
 * a restored machine is the same machine — byte for byte in the hart state, device for device,
 * and it goes on to compute exactly what the original computes.
 */
import { describe, it, expect } from 'vitest';
import { MiB } from '../../../src/hypervisor/machine/board.ts';
import { checkCpuState } from '../../../src/hypervisor/snapshot/cpu.ts';
import { SnapshotError } from '../../../src/hypervisor/snapshot/check.ts';
import type { MachineState } from '../../../src/hypervisor/snapshot/machine.ts';
import { scribbler } from './rv-asm.ts';
import { ConsoleLog, newVm, stateBlockDiff, differingPages } from './helpers.ts';

/** A frozen clock: guest time moves only with retired instructions, so two runs are identical. */
const frozen = () => 0;

function scribbling(): ReturnType<typeof newVm> {
  const vm = newVm(4, new ConsoleLog().io(frozen));
  vm.boot({ bios: { kind: 'none' }, kernel: scribbler(1 * MiB, 256) });
  return vm;
}

function clone(state: MachineState): MachineState {
  return JSON.parse(JSON.stringify(state)); // what crossing a stream does to it
}

describe('machine state save/restore', () => {
  it('restores an identical machine that then runs identically', () => {
    const a = scribbling();
    for (let i = 0; i < 50; i++) a.runSlice(7919);
    a.consoleInput(new TextEncoder().encode('typed before the save'));
    const state = clone(a.saveState());
    const b = newVm(4, new ConsoleLog().io(frozen));
    b.core.ram().set(a.core.ram());
    b.restoreState(state);
    expect(stateBlockDiff(a.core, b.core)).toEqual([]);
    expect(b.saveState()).toEqual(a.saveState());
    expect(b.instructions).toBe(a.instructions);
    expect([...b.core.romBytes()]).toEqual([...a.core.romBytes()]);
    // Same state, same program: the same future, instruction for instruction.
    for (let i = 0; i < 40; i++) {
      a.runSlice(10_007);
      b.runSlice(10_007);
    }
    expect(differingPages(a.core.ram(), b.core.ram())).toEqual([]);
    expect(stateBlockDiff(a.core, b.core)).toEqual([]);
  });

  it('carries every field of the hart state: each exported field is either saved or known to be derived', () => {
    // Fields the state does not carry on purpose (snapshot/cpu.ts says why).
    const NOT_SAVED = ['O_MIP', 'O_EXT_IRQ', 'O_MMIO_STATUS', 'O_STOP', 'O_EXECUTED', 'O_STOP_REQ', 'O_RAM_SIZE', 'O_RESERVATION', 'O_HARTID'];
    const a = newVm(4, new ConsoleLog().io(frozen));
    const exported = Object.keys(a.core.exports).filter((k) => k.startsWith('O_')).sort();
    let seed = 99n;
    const rnd = (bits: number) => { seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n); return seed >> BigInt(64 - bits); };
    const c = a.core;
    const randomized: string[] = [];
    const set64 = (f: Parameters<typeof c.set64>[0], v: bigint) => { c.set64(f, v); randomized.push('O_' + f); };
    const set32 = (f: Parameters<typeof c.set32>[0], v: number) => { c.set32(f, v); randomized.push('O_' + f); };
    for (const f of ['PC', 'MEDELEG', 'MIDELEG', 'MIE', 'MIP_SW', 'MTVEC', 'MSCRATCH', 'MEPC', 'MCAUSE', 'MTVAL', 'STVEC', 'SSCRATCH',
      'SEPC', 'SCAUSE', 'STVAL', 'MENVCFG', 'SENVCFG', 'MCOUNTINHIBIT', 'MTIMECMP', 'STIMECMP', 'INSTRET', 'CYCLE'] as const) set64(f, rnd(64));
    set64('TIME', rnd(50));
    set64('MSTATUS', rnd(64) & 0x7e79aan & ~0x1000n);
    set64('SATP', (8n << 60n) | rnd(44));
    set32('PRIV', 1);
    set32('FRM', 4);
    set32('FFLAGS', 0x15);
    c.exports.setFflagsValue(0x15);
    set32('MCOUNTEREN', Number(rnd(32)));
    set32('SCOUNTEREN', Number(rnd(32)));
    set32('MSIP', 1);
    set32('SBI_TIMER', 1);
    set32('SBI_MODE', 1);
    const view = new DataView(c.memory.buffer);
    const at = (name: string) => c.stateOffset + Number((c.exports[name] as WebAssembly.Global).value);
    for (let i = 0; i < 4; i++) view.setBigUint64(at('O_PMPCFG') + 8 * i, rnd(64), true);
    for (let i = 0; i < 16; i++) view.setBigUint64(at('O_PMPADDR') + 8 * i, rnd(54), true);
    randomized.push('O_PMPCFG', 'O_PMPADDR');
    for (let i = 1; i < 32; i++) c.setX(i, rnd(64));
    for (let i = 0; i < 32; i++) c.setF(i, rnd(64));
    c.exports.stateChanged();
    // A field added to asm/state.ts must be saved (and randomized here) or listed as not saved.
    expect(exported.filter((k) => !randomized.includes(k) && !NOT_SAVED.includes(k))).toEqual([]);

    const b = newVm(4, new ConsoleLog().io(frozen));
    b.restoreState(clone(a.saveState()));
    expect(stateBlockDiff(a.core, b.core)).toEqual([]);
  });

  it('the CPU state is named fields, every one checked', () => {
    const a = scribbling();
    a.runSlice(1000);
    const cpu = a.saveState().cpu;
    expect(cpu.pc).toMatch(/^0x8000/);
    expect(cpu.priv).toBe(3);
    expect(cpu.x).toHaveLength(32);
    expect(cpu.f).toHaveLength(32);
    expect(Object.keys(cpu)).toEqual(expect.arrayContaining(['mstatus', 'satp', 'mtimecmp', 'stimecmp', 'mipSw', 'pmpaddr', 'time', 'instret', 'sbiMode']));
    const bad: [object, RegExp][] = [
      [{ priv: 2 }, /"priv" is 2/],
      [{ x: ['0x1', ...cpu.x.slice(1)] }, /x0 != 0/],
      [{ pc: '80000000' }, /"pc" must be a hex string/],
      [{ pc: '0x10000000000000000' }, /"pc" must be a hex string/],
      [{ frm: 9 }, /"frm" must be an integer in 0..7/],
      [{ mstatus: '0x8000000000000000' }, /"mstatus" has bits the core never sets/],
      [{ mstatus: '0x1000' }, /MPP = 2/],
      [{ satp: '0x5000000000000000' }, /"satp" has a MODE/],
      [{ pmpaddr: ['0x0'] }, /"pmpaddr" must be an array of 16/],
      [{ surprise: 1 }, /unknown field "surprise"/],
    ];
    for (const [patch, msg] of bad) expect(() => checkCpuState({ ...cpu, ...patch })).toThrow(msg);
    const { mepc: _, ...missing } = cpu;
    expect(() => checkCpuState(missing)).toThrow(/"mepc"/);
  });

  it('refuses a state that does not fit this machine, with one clear error', () => {
    const a = scribbling();
    a.runSlice(1000);
    const s = a.saveState();
    const b = newVm(4, new ConsoleLog().io(frozen));
    const { uart0: _, ...noUart } = s.devices;
    expect(() => b.restoreState({ ...s, devices: noUart })).toThrow(/no state for device "uart0"/);
    expect(() => b.restoreState({ ...s, devices: { ...s.devices, virtio7: {} } })).toThrow(/unknown field "virtio7"/);
    expect(() => b.restoreState({ ...s, vm: { ...s.vm, rom: 'AAAA' } })).toThrow(/rom.*3 bytes, expected 4096/);
    expect(() => b.restoreState({ ...s, vm: { ...s.vm, timeTicks: '-1' } })).toThrow(SnapshotError);
    expect(() => b.restoreState({ ...s, cpu: { ...s.cpu, hartid: 1 } })).toThrow(/saved for hart 1/);
    expect(() => b.restoreState({ ...s, devices: { ...s.devices, plic: { ...s.devices.plic, threshold: [9] } } })).toThrow(/threshold/);
  });
});
