/**
 * The boot ROM at the reset vector, as on QEMU virt: it jumps to the firmware (or the bare-metal
 * program) with a0 = hartid, a1 = the DTB address and a2 = a `fw_dynamic_info` block, so OpenSBI's
 * fw_dynamic knows where the next stage is and in which mode to start it.
 */
import { BOOTROM } from './board.ts';

// The reset code: the address table follows it at +0x18.
const RESET_CODE = [
  0x00000297, // auipc t0, 0          t0 = ROM base
  0x02828613, // addi  a2, t0, 40     a2 = &fw_dynamic_info
  0xf1402573, // csrr  a0, mhartid
  0x0202b583, // ld    a1, 32(t0)     a1 = DTB address
  0x0182b283, // ld    t0, 24(t0)     t0 = entry
  0x00028067, // jr    t0
];
const ENTRY_AT = 0x18;
const DTB_AT = 0x20;
const FW_DYNAMIC_AT = 0x28;
const FW_DYNAMIC_MAGIC = 0x4942534fn; // "OSBI"
const FW_DYNAMIC_VERSION = 2n;
/** fw_dynamic next_mode: 1 = S-mode. */
const NEXT_MODE_S = 1n;

export interface BootRomOptions {
  entry: number;
  dtbAddr: number;
  /** Where the firmware hands over (the kernel), for fw_dynamic. */
  nextAddr: number;
}

export function buildBootRom(opts: BootRomOptions): Uint8Array {
  const rom = new Uint8Array(BOOTROM.size);
  const v = new DataView(rom.buffer);
  RESET_CODE.forEach((insn, i) => v.setUint32(i * 4, insn, true));
  v.setBigUint64(ENTRY_AT, BigInt(opts.entry), true);
  v.setBigUint64(DTB_AT, BigInt(opts.dtbAddr), true);
  // struct fw_dynamic_info { magic, version, next_addr, next_mode, options, boot_hart }
  const info = [FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, BigInt(opts.nextAddr), NEXT_MODE_S, 0n, 0n];
  info.forEach((x, i) => v.setBigUint64(FW_DYNAMIC_AT + i * 8, x, true));
  return rom;
}
