/**
 * The dashboard's view of the lab: a snapshot refreshed whenever the lab changes (the lab itself
 * is plain TypeScript in src/hypervisor, shared with the dom0 console: `dom0`), plus the actions
 * the buttons call, with their errors turned into a notice a person can read.
 */
import { createContext } from 'svelte';
import type { Lab, LabSnapshot, DomainSnapshot, HostSnapshot, LinkChange, LinkSnapshot } from '../../hypervisor/lab/lab.ts';
import type { ImageSource } from '../../hypervisor/images/download.ts';
import type { Catalog } from '../../hypervisor/images/catalog.ts';
import { ConsoleTabs } from './consoles.svelte.ts';
import { Migrations } from './migrations.svelte.ts';
import { pageDom0, type Dom0Session } from './dom0.ts';
import type { Vfs } from '../../hypervisor/dom0/vfs.ts';

export type DomainAction = 'start' | 'pause' | 'resume' | 'reboot' | 'reset' | 'shutdown' | 'destroy' | 'undefine';

export interface LabStoreOptions {
  /** The dom0 console's session (default: the page's one, see pageDom0). */
  readonly dom0?: Dom0Session;
  /** dom0's file system for the page's session (default: one kept in localStorage). */
  readonly fs?: Vfs;
}

export class LabStore {
  #snapshot = $state.raw<LabSnapshot>({ hosts: [], domains: [], links: [] });
  #catalog = $state.raw<Catalog | undefined>();
  catalogError = $state<string | undefined>();
  /** The last failed action, shown until dismissed or replaced. */
  notice = $state<string | undefined>();
  readonly consoles = new ConsoleTabs();
  /** The live migration panels. */
  readonly migrations: Migrations;
  /** The VM card being dragged (HTML5 drag and drop), so the host panels can say where it may go. */
  dragging = $state<string | undefined>();
  /** The dom0 console's shell: same lab; `virsh console NAME` brings NAME's console to the front. */
  readonly dom0: Dom0Session;
  private refreshQueued = false;

  constructor(readonly lab: Lab, readonly images: ImageSource, opts: LabStoreOptions = {}) {
    this.dom0 = opts.dom0 ?? pageDom0(lab, opts.fs);
    this.dom0.useLab(lab, (name) => this.consoles.show(name));
    this.#snapshot = lab.snapshot();
    this.migrations = new Migrations(lab);
    this.migrations.update(this.#snapshot);
    // Several changes in one task (a sample of every VM) make one refresh.
    lab.onChange(() => {
      if (this.refreshQueued) return;
      this.refreshQueued = true;
      queueMicrotask(() => {
        this.refreshQueued = false;
        this.#snapshot = lab.snapshot();
        this.migrations.update(this.#snapshot);
        // A domain that went (undefined from dom0, a transient one destroyed) takes its tab along.
        for (const name of this.consoles.open) if (!this.domain(name)) this.consoles.close(name);
      });
    });
    void this.loadCatalog();
  }

  get hosts(): readonly HostSnapshot[] { return this.#snapshot.hosts; }
  get domains(): readonly DomainSnapshot[] { return this.#snapshot.domains; }
  get links(): readonly LinkSnapshot[] { return this.#snapshot.links; }

  link(a: string, b: string): LinkSnapshot | undefined {
    return this.#snapshot.links.find((l) => (l.hosts[0] === a && l.hosts[1] === b) || (l.hosts[0] === b && l.hosts[1] === a));
  }
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

  /**
   * Run a button's action; a failure becomes the notice (the lab also notes it on the card). Shut
   * down and Reboot ask the guest, as virsh does; a guest that ignores it shows on its card.
   */
  async act(name: string, action: DomainAction): Promise<void> {
    try {
      switch (action) {
        case 'start': await this.lab.start(name); break;
        case 'pause': await this.lab.pause(name); break;
        case 'resume': await this.lab.resume(name); break;
        case 'reboot': await this.lab.reboot(name); break;
        case 'reset': await this.lab.reset(name); break;
        case 'shutdown': await this.lab.shutdown(name); break;
        case 'destroy': this.lab.destroy(name); break;
        case 'undefine': this.consoles.close(name); this.lab.undefine(name); break;
      }
    } catch (e) {
      this.notice = (e as Error).message;
    }
  }

  /**
   * Live-migrate a VM to another host (a card dropped on a host panel, or "Migrate to…"). What the
   * lab refuses up front (not running, same host, no room there) becomes the notice; once the
   * migration runs, its panel shows how it goes and how it ended (and the card the error).
   */
  async migrate(name: string, target: string): Promise<void> {
    const blocker = this.lab.migrationBlocker(name, target);
    if (blocker) {
      this.notice = `${name} cannot move to ${target}: ${blocker}`;
      return;
    }
    try {
      await this.lab.migrate(name, target);
    } catch {
      // Shown on the migration's panel and on the card: it runs on where it was.
    }
  }

  /** The migration panel's Cancel (virsh domjobabort). */
  cancelMigration(name: string): void {
    try {
      this.lab.abortJob(name);
    } catch (e) {
      this.notice = (e as Error).message;
    }
  }

  /** The link model between two hosts (bandwidth at once, latency from the next migration). */
  setLink(a: string, b: string, change: LinkChange): void {
    try {
      this.lab.setLink(a, b, change);
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
