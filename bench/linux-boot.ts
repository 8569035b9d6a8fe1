/** Boot the `linux` catalog image in-process and time the shell prompt (used by bench and tests). */
import { loadCatalogImage, readImageFile } from '../src/cli/images.ts';
import { runGuest, type GuestRun } from '../tests/helpers/run-guest.ts';
import type { Bios } from '../src/hypervisor/vm.ts';

export const PROMPT = 'root@virtlab:/# ';

export async function linuxImages(bios: Bios = { kind: 'builtin' }) {
  const im = loadCatalogImage('linux');
  return {
    images: {
      bios,
      kernel: await readImageFile(im.files.kernel, 'linux kernel'),
      initrd: await readImageFile(im.files.initrd!, 'linux initrd'),
      append: im.cmdline,
    },
    memMiB: im.memoryMiB,
  };
}

export async function bootToPrompt(bios: Bios = { kind: 'builtin' }, timeoutMs = 60_000): Promise<GuestRun> {
  const { images, memMiB } = await linuxImages(bios);
  return runGuest(images, { memMiB, timeoutMs, until: (out) => out.includes(PROMPT) });
}
