// The core's linear memory, laid out once. TypeScript never copies these numbers: it asks the
// module (see index.ts `layout*` exports), and tests/unit/layout.test.ts checks they don't overlap.
//
//   0x0000_0000  AssemblyScript static data (stub runtime, no heap use)   < STATE
//   STATE        registers, pc, CSRs, host<->core mailboxes             4 KiB
//   SCRATCH      one decoded slot for instructions straddling a page    64 B
//   PMP_TABLE    the active PMP entries as byte ranges (pmp.ts)          384 B
//   TLB          3 kinds (fetch, load, store) x 4 contexts x 256 entries 48 KiB
//   CODEMAP      one byte per guest page: "decoded code lives here"     512 KiB (2 GiB RAM)
//   DIRTY        one bit per guest page: written since last sync        64 KiB
//   ROM          the boot ROM mapped at 0x1000                           4 KiB
//   REFETCH      a page of slots that all say "fetch again"             32 KiB
//   DCACHE_TAG   host page number held by each decode-cache line         4 KiB
//   DCACHE       decoded slots, DCACHE_LINES pages x 2048 slots x 16 B   16 MiB
//   RAM          guest physical 0x8000_0000 .. + ramSize                 (64 KiB aligned)

export const PAGE_SHIFT: u32 = 12;
export const PAGE_SIZE: u32 = 1 << PAGE_SHIFT;

export const STATE: usize = 0x0001_0000;
export const STATE_SIZE: usize = 0x1000;

export const SCRATCH: usize = STATE + STATE_SIZE;
export const SCRATCH_SIZE: usize = 64;

/** PMP entries in force, decoded to [lo, hi) + cfg (u64, u64, u32 + pad): 16 rows of 24 bytes. */
export const PMP_TABLE: usize = SCRATCH + SCRATCH_SIZE;
export const PMP_ROW_SIZE: usize = 24;
export const PMP_TABLE_SIZE: usize = 16 * PMP_ROW_SIZE;

// Software TLB: direct-mapped, 256 entries per (kind, context). Entry = 16 bytes:
//   +0 u64 tag: the virtual page address (low 12 bits zero); TLB_INVALID never matches an access
//   +8 u32 addend: host address = (u32)va + addend, wrapping mod 2^32
export const TLB_ENTRIES: u32 = 256;
export const TLB_ENTRY_SIZE: u32 = 16;
export const TLB_SET_SIZE: usize = <usize>(TLB_ENTRIES * TLB_ENTRY_SIZE);
export const TLB_CONTEXTS: u32 = 4; // U, S with SUM=0, S with SUM=1, M/bare
export const TLB_KINDS: u32 = 3; // fetch, load, store
export const TLB: usize = (PMP_TABLE + PMP_TABLE_SIZE + 0xFFF) & ~0xFFF; // page aligned
export const TLB_SIZE: usize = TLB_SET_SIZE * TLB_CONTEXTS * TLB_KINDS;
export const TLB_INVALID: u64 = 0xFFFF_FFFF_FFFF_FFFF;

export const MAX_RAM_PAGES: u32 = (2048 * 1024 * 1024) >> PAGE_SHIFT;

export const CODEMAP: usize = TLB + TLB_SIZE;
export const CODEMAP_SIZE: usize = MAX_RAM_PAGES + 1; // +1: the ROM page uses the last byte

export const DIRTY: usize = CODEMAP + CODEMAP_SIZE;
export const DIRTY_SIZE: usize = MAX_RAM_PAGES >> 3;

export const ROM: usize = (DIRTY + DIRTY_SIZE + 0xFFF) & ~0xFFF;
export const ROM_SIZE: usize = 0x1000;

// Decoded slot = 16 bytes (see decode.ts for the fields). One per halfword of a page.
export const SLOT_SIZE: u32 = 16;
export const SLOTS_PER_PAGE: u32 = PAGE_SIZE >> 1;
export const SLOT_PAGE_SIZE: usize = <usize>(SLOTS_PER_PAGE * SLOT_SIZE);

export const REFETCH: usize = ROM + ROM_SIZE;

// 512 lines x 32 KiB = 16 MiB: holds the hot kernel text of a small Linux plus a user program
// without thrashing; measured by bench before changing.
export const DCACHE_LINES: u32 = 512;
export const DCACHE_TAG: usize = REFETCH + SLOT_PAGE_SIZE;
export const DCACHE: usize = (DCACHE_TAG + <usize>DCACHE_LINES * 8 + 0xFFF) & ~0xFFF;
export const DCACHE_SIZE: usize = <usize>DCACHE_LINES * SLOT_PAGE_SIZE;

export const RAM: usize = (DCACHE + DCACHE_SIZE + 0xFFFF) & ~0xFFFF;

// The guest physical addresses of RAM, ROM and CLINT are not written here: the host passes them
// from src/hypervisor/machine/board.ts at configure() time (state.ts BOARD_* fields).
