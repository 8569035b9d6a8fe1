/**
 * The dashboard's view of the lab: a snapshot refreshed whenever the lab changes (the lab itself
 * is plain TypeScript in src/hypervisor, shared with the dom0 console to come), plus the actions
 * the buttons call, with their errors turned into a notice a person can read.
 */
import { createContext } from 'svelte';
import type { Lab, LabSnapshot, DomainSnapshot, HostSnapshot } from '../../hypervisor/lab/lab.ts';
import type { ImageSource } from '../../hypervisor/images/download.ts';
import type { Catalog } from '../../hypervisor/images/catalog.ts';
import { ConsoleTabs } from './consoles.svelte.ts';

export type DomainAction = 'start' | 'pause' | 'resume' | 'reboot' | 'shutdown' | 'destroy' | 'undefine';

export class LabStore {
  #snapshot = $state.raw<LabSnapshot>({ hosts: [], domains: [] });
  #catalog = $state.raw<Catalog | undefined>();
  catalogError = $state<string | undefined>();
  /** The last failed action, shown until dismissed or replaced. */
  notice = $state<string | undefined>();
  readonly consoles = new ConsoleTabs();
  private refreshQueued = false;

  constructor(readonly lab: Lab, readonly images: ImageSource) {
    this.#snapshot = lab.snapshot();
    // Several changes in one task (a sample of every VM) make one refresh.
    lab.onChange(() => {
      if (this.refreshQueued) return;
      this.refreshQueued = true;
      queueMicrotask(() => {
        this.refreshQueued = false;
        this.#snapshot = lab.snapshot();
      });
    });
    void this.loadCatalog();
  }

  get hosts(): readonly HostSnapshot[] { return this.#snapshot.hosts; }
  get domains(): readonly DomainSnapshot[] { return this.#snapshot.domains; }
  get catalog(): Catalog | undefined { return this.#catalog; }

  domain(name: string): DomainSnapshot | undefined {
    return this.#snapshot.domains.find((d) => d.name === name);
  }

  async loadCatalog(): Promise<void> {
    this.catalogError = undefined;
    try {
      this.#catalog = await this.images.catalog();
    } catch (e) {
      this.catalogError = (e as Error).message;
    }
  }

  /** Run a button's action; a failure becomes the notice (the lab also notes it on the card). */
  async act(name: string, action: DomainAction): Promise<void> {
    try {
      switch (action) {
        case 'start': await this.lab.start(name); break;
        case 'pause': await this.lab.pause(name); break;
        case 'resume': await this.lab.resume(name); break;
        case 'reboot': await this.lab.reboot(name); break;
        case 'shutdown': await this.lab.shutdown(name); break;
        case 'destroy': this.lab.destroy(name); break;
        case 'undefine': this.consoles.close(name); this.lab.undefine(name); break;
      }
    } catch (e) {
      this.notice = (e as Error).message;
    }
  }

  /** A name no domain has yet: vm1, vm2, … */
  freeName(prefix = 'vm'): string {
    for (let i = 1; ; i++) if (!this.domain(`${prefix}${i}`)) return `${prefix}${i}`;
  }
}

export const [getLabStore, setLabStore] = createContext<LabStore>();
