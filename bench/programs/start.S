# Bench entry: M-mode. With PAGING=1, build a one-level Sv39 identity map of RAM (1 GiB gigapage)
# and run the workload in S-mode with translation on; otherwise run it in M-mode, paging off.
  .section .text.start
  .globl _start
_start:
  la sp, stack_top
#if PAGING
  # Root table entry 2 maps VA 0x80000000.. to PA 0x80000000.. (gigapage, RWX, A/D preset).
  la t0, root_table
  li t1, (0x80000000 >> 12) << 10 | 0xCF
  sd t1, 16(t0)
  li t1, 0xCF               # entry 0: VA 0..1 GiB = devices (the test finisher), identity
  sd t1, 0(t0)
  srli t0, t0, 12
  li t1, 8 << 60
  or t0, t0, t1
  csrw satp, t0
  sfence.vma
  # PMP: allow S-mode everything (QEMU needs it; virtlab has no PMP checks).
  li t0, -1
  csrw pmpaddr0, t0
  li t0, 0x1F
  csrw pmpcfg0, t0
  li t0, 1 << 11           # MPP = S
  csrw mstatus, t0
  la t0, s_entry
  csrw mepc, t0
  mret
s_entry:
#endif
  call main
  # main returns the status: 0 pass, else fail code.
  li t0, 0x100000
  bnez a0, 1f
  li t1, 0x5555
  sw t1, 0(t0)
1:
  slli a0, a0, 16
  li t1, 0x3333
  or t1, t1, a0
  sw t1, 0(t0)
2: j 2b

  .section .bss
  .align 12
root_table: .skip 4096
  .skip 65536
stack_top:
