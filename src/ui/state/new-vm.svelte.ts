/** The "New VM" form: its fields, the image download with progress, and what went wrong. */
import type { LabStore } from './lab.svelte.ts';
import type { GuestImage } from '../../hypervisor/images/catalog.ts';
import type { LoadProgress } from '../../hypervisor/images/download.ts';

export type FormPhase =
  | { readonly kind: 'edit' }
  | { readonly kind: 'loading'; readonly progress: LoadProgress }
  | { readonly kind: 'starting' };

export class NewVmForm {
  name = $state('');
  imageName = $state('');
  memoryMiB = $state(64);
  host = $state('');
  startNow = $state(true);
  phase = $state.raw<FormPhase>({ kind: 'edit' });
  error = $state<string | undefined>();

  constructor(private readonly store: LabStore) {}

  get image(): GuestImage | undefined {
    return this.store.catalog?.images.find((i) => i.name === this.imageName);
  }

  get busy(): boolean { return this.phase.kind !== 'edit'; }

  /** Fresh defaults each time the dialog opens: a free name, the first image, the emptiest host. */
  reset(): void {
    const images = this.store.catalog?.images ?? [];
    const preferred = images.find((i) => i.kind === 'linux') ?? images[0];
    this.name = this.store.freeName();
    this.imageName = preferred?.name ?? '';
    this.memoryMiB = preferred?.memoryMiB ?? 64;
    this.host = [...this.store.hosts].sort((a, b) => (b.memoryMiB - b.usedMemoryMiB) - (a.memoryMiB - a.usedMemoryMiB))[0]?.name ?? '';
    this.startNow = true;
    this.phase = { kind: 'edit' };
    this.error = undefined;
  }

  selectImage(name: string): void {
    this.imageName = name;
    if (this.image) this.memoryMiB = this.image.memoryMiB;
  }

  /** Download and check the image, define the domain, start it; true when the dialog may close. */
  async submit(): Promise<boolean> {
    const lab = this.store.lab;
    const config = { name: this.name.trim(), image: this.imageName, host: this.host, memoryMiB: Number(this.memoryMiB), vcpus: 1 };
    this.error = undefined;
    try {
      lab.check(config);
      const free = lab.freeMemoryMiB(config.host);
      if (this.startNow && config.memoryMiB > free) throw new Error(`${config.host} has ${free} MiB of memory free; ${config.name} needs ${config.memoryMiB} MiB. Pick another host or less memory.`);
      this.phase = { kind: 'loading', progress: { phase: 'download', loaded: 0, total: 1 } };
      await this.store.images.load(config.image, (progress) => { this.phase = { kind: 'loading', progress }; });
      this.phase = { kind: 'starting' };
      lab.define(config);
    } catch (e) {
      this.error = (e as Error).message;
      this.phase = { kind: 'edit' };
      return false;
    }
    if (this.startNow) {
      this.store.consoles.show(config.name);
      // A start failure (say, the host is full) is shown on the new VM's card.
      void this.store.act(config.name, 'start');
    }
    this.phase = { kind: 'edit' };
    return true;
  }
}
