/**
 * ELF64 little-endian RISC-V executables: just enough to place PT_LOAD segments in guest memory.
 * The file is untrusted input: every offset and size is checked against the file before use.
 */

export interface ElfSegment {
  /** Guest physical address (p_paddr). */
  readonly addr: number;
  readonly data: Uint8Array;
  /** Bytes in memory (>= data.length; the rest is zero: .bss). */
  readonly memSize: number;
}

export interface ElfImage {
  readonly entry: number;
  readonly segments: readonly ElfSegment[];
}

export class ImageError extends Error {
  override name = 'ImageError';
}

const EM_RISCV = 243;
const PT_LOAD = 1;
/** Bound on program headers: real executables have a handful; this stops a hostile count. */
const MAX_PHDRS = 256;

export function isElf(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
}

export function parseElf(bytes: Uint8Array, what = 'ELF file'): ElfImage {
  if (bytes.length < 64 || !isElf(bytes)) throw new ImageError(`${what} is not an ELF file`);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes[4] !== 2) throw new ImageError(`${what} is not a 64-bit ELF (class ${bytes[4]})`);
  if (bytes[5] !== 1) throw new ImageError(`${what} is not little-endian`);
  const machine = v.getUint16(18, true);
  if (machine !== EM_RISCV) throw new ImageError(`${what} is not a RISC-V executable (e_machine ${machine})`);
  const entry = Number(v.getBigUint64(24, true));
  const phoff = Number(v.getBigUint64(32, true));
  const phentsize = v.getUint16(54, true);
  const phnum = v.getUint16(56, true);
  if (phnum === 0) throw new ImageError(`${what} has no program headers`);
  if (phnum > MAX_PHDRS) throw new ImageError(`${what} has ${phnum} program headers (limit ${MAX_PHDRS})`);
  if (phentsize < 56 || phoff + phnum * phentsize > bytes.length) {
    throw new ImageError(`${what} is truncated: program headers run past the end of the file`);
  }
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (v.getUint32(p, true) !== PT_LOAD) continue;
    const offset = Number(v.getBigUint64(p + 8, true));
    const paddr = Number(v.getBigUint64(p + 24, true));
    const filesz = Number(v.getBigUint64(p + 32, true));
    const memsz = Number(v.getBigUint64(p + 40, true));
    if (offset + filesz > bytes.length) throw new ImageError(`${what} is truncated: segment ${i} runs past the end of the file`);
    if (memsz < filesz) throw new ImageError(`${what}: segment ${i} is smaller in memory than in the file`);
    if (memsz === 0) continue;
    segments.push({ addr: paddr, data: bytes.subarray(offset, offset + filesz), memSize: memsz });
  }
  if (segments.length === 0) throw new ImageError(`${what} has no loadable segments`);
  return { entry, segments };
}
