/** `virtlab run`: boot a guest headless with its console on stdio (DESIGN.md §3). */
import { parseRunArgs, type RunArgs } from './args.ts';
import { readInputFile, loadCatalogImage, readImageFile, FileError } from './images.ts';
import { loadCoreModule } from './core-module.ts';
import { StdioConsole } from './console.ts';
import { describeMachine, MiB } from '../hypervisor/machine/board.ts';
import { VirtualMachine, type BootImages, type VmExit } from '../hypervisor/vm.ts';
import { SliceBudget } from '../hypervisor/slice-budget.ts';

export const EXIT_TIMEOUT = 124;

/** Resolve the arguments to the bytes to boot and the RAM size. */
async function resolveImages(args: RunArgs): Promise<{ images: BootImages; memBytes: number }> {
  const bios: BootImages['bios'] =
    args.bios === 'none' ? { kind: 'none' }
    : args.bios === 'builtin' ? { kind: 'builtin' }
    : { kind: 'firmware', bytes: readInputFile(args.bios.file, 'firmware') };
  if (args.image) {
    const im = loadCatalogImage(args.image);
    const kernel = await readImageFile(im.files.kernel, `image ${im.name} kernel`);
    const initrd = im.files.initrd ? await readImageFile(im.files.initrd, `image ${im.name} initrd`) : undefined;
    const imageBios: BootImages['bios'] = args.bios === 'builtin' && im.kind === 'baremetal' ? { kind: 'none' } : bios;
    return {
      images: { bios: imageBios, kernel, initrd, append: args.append ?? im.cmdline },
      memBytes: args.memBytes ?? im.memoryMiB * MiB,
    };
  }
  return {
    images: {
      bios,
      kernel: readInputFile(args.kernel!, 'kernel'),
      initrd: args.initrd ? readInputFile(args.initrd, 'initrd') : undefined,
      append: args.append,
    },
    memBytes: args.memBytes ?? 128 * MiB,
  };
}

/** Exit status for a guest that panicked (reported through pvpanic). */
export const EXIT_GUEST_PANIC = 1;

function exitCode(exit: VmExit): number {
  if (exit.kind === 'fail') return exit.code === 0 ? 1 : exit.code;
  if (exit.kind === 'crashed') {
    process.stderr.write('\nvirtlab: the guest kernel panicked (reported through pvpanic)\n');
    return EXIT_GUEST_PANIC;
  }
  return 0;
}

export async function runCommand(argv: readonly string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.smp > 1) throw new FileError(`--smp ${args.smp}: this build runs 1 hart per VM (SMP is not implemented yet)`);
  if (args.disk) throw new FileError('--disk: virtio-blk is not implemented yet');
  const { images, memBytes } = await resolveImages(args);
  const module = await loadCoreModule();
  const machine = describeMachine({ ramBytes: memBytes, harts: args.smp });
  let vm: VirtualMachine;
  const console = new StdioConsole((bytes) => vm.consoleInput(bytes));
  const io = { consoleOut: (b: Uint8Array) => console.write(b), now: () => performance.now() };
  const boot = () => { const v = new VirtualMachine(module, machine, io); v.boot(images); return v; };
  const deadline = args.timeoutSec === undefined ? Infinity : performance.now() + args.timeoutSec * 1000;
  const budget = new SliceBudget();
  try {
    // Inside the try: an image that fails to load must still give the terminal back.
    vm = boot();
    for (;;) {
      const t = performance.now();
      const r = vm.runSlice(budget.value);
      console.flush();
      if (r.kind === 'ran') budget.update(performance.now() - t);
      if (r.kind === 'exit') {
        if (r.exit.kind === 'reboot') { vm = boot(); continue; }
        return exitCode(r.exit);
      }
      if (console.quitRequested) return 0;
      const left = deadline - performance.now();
      if (left <= 0) {
        process.stderr.write(`\nvirtlab: timeout after ${args.timeoutSec} s\n`);
        return EXIT_TIMEOUT;
      }
      if (r.kind === 'idle') await console.idle(Math.min(r.sleepMs, left));
      else await new Promise((res) => setImmediate(res));
    }
  } finally {
    console.close();
  }
}
