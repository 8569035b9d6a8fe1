/** The "New VM" form: its fields, the image download with progress, and what went wrong. */
import type { LabStore } from './lab.svelte.ts';
import type { GuestImage } from '../../hypervisor/images/catalog.ts';
import type { LoadProgress } from '../../hypervisor/images/download.ts';
import { checkDomainConfig, xlConfigFor } from '../../hypervisor/lab/domain.ts';
import { serializeXlCfg } from '../../hypervisor/xen/xlcfg.ts';

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

  /**
   * Download and check the image, define the domain (an xl.cfg config, written to /etc/xen/NAME
   * for the dom0 console unless a file is there already), start it; true when the dialog may close.
   */
  async submit(): Promise<boolean> {
    const lab = this.store.lab;
    const form = { name: this.name.trim(), image: this.imageName, host: this.host, memoryMiB: Number(this.memoryMiB), vcpus: 1 };
    this.error = undefined;
    try {
      checkDomainConfig(form);
      const config = xlConfigFor(form);
      lab.check(config, { host: form.host });
      if (lab.snapshot().domains.some((d) => d.name === form.name)) throw new Error(`a domain named "${form.name}" already exists`);
      const free = lab.freeMemoryMiB(form.host);
      if (this.startNow && form.memoryMiB > free) throw new Error(`${form.host} has ${free} MiB of memory free; ${form.name} needs ${form.memoryMiB} MiB. Pick another host or less memory.`);
      this.phase = { kind: 'loading', progress: { phase: 'download', loaded: 0, total: 1 } };
      await this.store.images.load(form.image, (progress) => { this.phase = { kind: 'loading', progress }; });
      this.phase = { kind: 'starting' };
      lab.define(config, { host: form.host });
      this.writeConfigFile(config.name, serializeXlCfg(config));
    } catch (e) {
      this.error = (e as Error).message;
      this.phase = { kind: 'edit' };
      return false;
    }
    if (this.startNow) {
      this.store.consoles.show(form.name);
      // A start failure (say, the host is full) is shown on the new VM's card.
      void this.store.act(form.name, 'start');
    }
    this.phase = { kind: 'edit' };
    return true;
  }

  private writeConfigFile(name: string, text: string): void {
    const fs = this.store.dom0.fs;
    const path = `/etc/xen/${name}`;
    try {
      if (fs.stat(path)) return;
      fs.mkdir('/etc/xen', { parents: true, quiet: true });
      fs.writeFile(path, text);
    } catch {
      // dom0's file system is full: the domain exists all the same.
    }
  }
}
