/**
 * The page's lab as a whole (issue 7): which Lab the dashboard shows, dom0's file system, the
 * title and description, and the ways a lab comes and goes — a lab link (#lab=…), a Labfile
 * imported or exported, the copy kept in IndexedDB across reloads, and `lab` in the dom0 console.
 *
 * A lab that is opened is built as a new Lab (labfile-bridge.ts: every domain checked against
 * the lab's rules first), and only then replaces the current one: the dashboard is rebuilt on
 * the new LabStore (LabRoot.svelte keys App on it). dom0's Vfs stays the same object, refilled,
 * so the dom0 shell keeps it.
 *
 * Everything from a link, a file or storage is plain text from a stranger: it is shown with
 * text nodes only (`{value}`), never {@html}.
 */
import { createContext } from 'svelte';
import { Lab } from '../../hypervisor/lab/lab.ts';
import { isLive } from '../../hypervisor/lab/domain.ts';
import { DEFAULT_HOSTS, type HostConfig } from '../../hypervisor/lab/host.ts';
import type { ImageSource } from '../../hypervisor/images/download.ts';
import type { VmLauncher } from '../../hypervisor/lab/backend.ts';
import { Vfs } from '../../hypervisor/dom0/vfs.ts';
import { provideLabfiles, type LabfileService, type OpenReport } from '../../hypervisor/dom0/lab-command.ts';
import {
  buildLab, DEFAULT_META, fillVfs, LABFILE_OPTIONS, LabBridgeError, labfileOf, labViewOf, prepareLab, readStoredLab, startDomains,
  storedLabOf, type LabMeta, type PreparedLab,
} from '../../hypervisor/lab/labfile-bridge.ts';
import { decodeLabLink, encodeLabLink, isLabLink, LabLinkError } from '../../hypervisor/labfile/link.ts';
import { planLabImport, type LabImportPlan } from '../../hypervisor/labfile/plan.ts';
import { labfileFileName, LabfileError, parseLabfileText, writeLabfile, type CheckedLabfile } from '../../hypervisor/labfile/read.ts';
import { MAX_LABFILE_BYTES, type Labfile } from '../../hypervisor/labfile/format.ts';
import { LabStore } from '../state/lab.svelte.ts';
import { DOM0 } from '../state/consoles.svelte.ts';
import { LabSaver, type LabStorage } from './persist.ts';

/** Where a lab being opened comes from. */
export type LabSource = 'link' | 'file' | 'console';

/** The "Open lab" dialog: what it shows, and where the opening is. */
export type Opening =
  | { readonly phase: 'confirm'; readonly plan: LabImportPlan; readonly source: LabSource; readonly answer: (yes: boolean) => void }
  | { readonly phase: 'building'; readonly plan: LabImportPlan; readonly source: LabSource }
  /** Built and in place; the autostart domains are starting (the dialog may be closed now). */
  | { readonly phase: 'starting'; readonly plan: LabImportPlan; readonly source: LabSource }
  | { readonly phase: 'done'; readonly plan: LabImportPlan; readonly source: LabSource; readonly report: OpenReport }
  | { readonly phase: 'failed'; readonly plan: LabImportPlan; readonly source: LabSource; readonly message: string };

export interface LabSessionOptions {
  readonly launcher: VmLauncher;
  readonly images: ImageSource;
  /** Where the lab is kept across reloads; none: not kept (tests). */
  readonly storage?: LabStorage;
}

export class LabSession {
  /** The dashboard's store; a new one each time another lab replaces the current one. */
  store = $state.raw<LabStore>() as LabStore;
  meta = $state.raw<LabMeta>(DEFAULT_META);
  /** Domains that were running before the reload, shown with "Start all" until started or dismissed. */
  wasRunning = $state.raw<readonly string[]>([]);
  opening = $state.raw<Opening | undefined>();
  /** dom0's file system: the same object for the page's lifetime, refilled when a lab opens. */
  readonly fs: Vfs;
  private readonly saver: LabSaver | undefined;
  private labListener: { dispose(): void } | undefined;
  /** Nothing is saved before the kept lab was read back: the fresh lab must not overwrite it. */
  private restored = false;

  constructor(private readonly opts: LabSessionOptions) {
    this.fs = Vfs.withDefaults();
    this.saver = opts.storage ? new LabSaver(opts.storage, () => this.stored(), (m) => this.notify(m)) : undefined;
    this.use(this.newLab(DEFAULT_HOSTS));
    this.fs.onChange(() => this.changed());
    provideLabfiles(this.service());
  }

  get lab(): Lab {
    return this.store.lab;
  }

  /**
   * Once the dashboard shows (the lab kept in this browser restored first, see restore()): open
   * the lab link in the address if there is one — it takes precedence over the kept lab — and
   * the ones opened later in this tab.
   */
  async watchLinks(): Promise<void> {
    addEventListener('hashchange', () => void this.openLinkInAddress());
    addEventListener('pagehide', () => void this.saver?.flush());
    await this.openLinkInAddress();
  }

  // ---- what the lab is -------------------------------------------------------------------------

  /**
   * The current lab as a Labfile; throws LabBridgeError naming what does not fit one. It holds
   * the links too, so a link slowed down is shared, exported and kept across reloads: setLink's
   * change reaches the saver like any other (use() below), and the record differs.
   */
  labfile(): Labfile {
    return labfileOf(labViewOf(this.lab.snapshot()), this.fs, this.meta);
  }

  /**
   * The link to this lab: this page's address with the lab in its fragment. With `meta`, the
   * title and description become these first, if they are valid (else it throws, and they stay).
   */
  async shareLink(meta?: Partial<LabMeta>): Promise<string> {
    if (meta) {
      const next = { ...this.meta, ...meta };
      labfileOf({ hosts: this.lab.hosts, domains: [] }, undefined, { title: next.title, description: next.description });
      if (next.title !== this.meta.title || next.description !== this.meta.description) {
        this.meta = next;
        this.changed();
      }
    }
    return `${linkBase()}${await encodeLabLink(this.labfile(), LABFILE_OPTIONS)}`;
  }

  /** Download the lab as `<title>.labfile.json`. */
  exportFile(): void {
    try {
      const text = writeLabfile(this.labfile(), LABFILE_OPTIONS);
      const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = labfileFileName(this.meta.title);
      a.style.display = 'none';
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (e) {
      this.notify(messageOf(e));
    }
  }

  // ---- opening a lab ---------------------------------------------------------------------------

  /** A lab link in the address bar: decode, show, ask if needed, build; then drop it from the address. */
  async openLinkInAddress(): Promise<void> {
    const hash = location.hash;
    if (!isLabLink(hash)) return;
    history.replaceState(history.state, '', location.pathname + location.search);
    let checked: CheckedLabfile;
    try {
      checked = await decodeLabLink(hash, LABFILE_OPTIONS);
    } catch (e) {
      if (!(e instanceof LabLinkError)) throw e;
      this.notify(e.message);
      return;
    }
    await this.offer(checked, 'link');
  }

  /** A Labfile the person picked: the size is checked before it is read. */
  async importFile(file: File): Promise<void> {
    if (file.size > MAX_LABFILE_BYTES) {
      this.notify(`${file.name} is ${Math.ceil(file.size / 1024)} KiB; a Labfile is at most ${MAX_LABFILE_BYTES / 1024} KiB. It was not opened.`);
      return;
    }
    let checked: CheckedLabfile;
    try {
      checked = parseLabfileText(await file.text(), LABFILE_OPTIONS);
    } catch (e) {
      if (!(e instanceof LabfileError)) throw e;
      this.notify(`${file.name} is not a lab this virtlab can open: ${e.message}`);
      return;
    }
    await this.offer(checked, 'file');
  }

  /** Show what opening `checked` does; ask first if running domains would stop; then open it. */
  private async offer(checked: CheckedLabfile, source: LabSource): Promise<void> {
    const plan = planLabImport(this.lab.snapshot(), checked);
    if (plan.needsConfirmation) {
      const yes = await new Promise<boolean>((answer) => { this.opening = { phase: 'confirm', plan, source, answer }; });
      if (!yes) { this.opening = undefined; return; }
    }
    try {
      await this.open(checked, source, plan);
    } catch {
      // open() put the reason in the dialog.
    }
  }

  /**
   * Replace the lab with `checked`: build the new lab (every domain checked), swap it in, fill
   * dom0's files, start the autostart domains in order. The dialog shows each step; a refused
   * lab leaves the current one as it was and rejects with the reason.
   */
  async open(checked: CheckedLabfile, source: LabSource, plan = planLabImport(this.lab.snapshot(), checked)): Promise<OpenReport> {
    // `lab import` in the dom0 console prints all this itself; the dialog is for the page's ways in.
    const dialog = source !== 'console';
    if (dialog) this.opening = { phase: 'building', plan, source };
    let prepared: PreparedLab;
    let lab: Lab;
    try {
      prepared = prepareLab(checked);
      lab = await this.buildChecked(prepared);
    } catch (e) {
      const message = messageOf(e);
      if (dialog) this.opening = { phase: 'failed', plan, source, message };
      throw new Error(message);
    }
    this.replace(lab, prepared);
    this.wasRunning = [];
    const autostart = prepared.domains.filter((d) => d.autostart).map((d) => d.name);
    // Their consoles open, so the person sees them boot (the first in front; dom0 if typed there).
    for (const name of [...autostart].reverse()) this.store.consoles.show(name);
    if (!dialog) this.store.consoles.show(DOM0);
    if (dialog && autostart.length > 0) this.opening = { phase: 'starting', plan, source };
    const { started, failed } = await startDomains(lab, autostart);
    const report: OpenReport = { domains: prepared.domains.map((d) => d.name), started, failed };
    if (dialog && this.opening?.plan === plan) this.opening = { phase: 'done', plan, source, report };
    return report;
  }

  /** Leave them shut off: the banner goes, and they are no longer kept as "were running". */
  dismissRestored(): void {
    this.wasRunning = [];
    this.changed();
  }

  /** Start the domains that were running before the reload, in order. */
  async startAll(): Promise<void> {
    const names = this.wasRunning;
    this.wasRunning = [];
    const { failed } = await startDomains(this.lab, names.filter((n) => this.store.domain(n)?.state === 'shut off' || this.store.domain(n)?.state === 'crashed'));
    if (failed.length > 0) this.notify(failed.map((f) => f.message).join('; '));
  }

  // ---- building and keeping --------------------------------------------------------------------

  private newLab(hosts: readonly HostConfig[]): Lab {
    return new Lab({ launcher: this.opts.launcher, images: this.opts.images, hosts });
  }

  /** A new lab with every domain defined: throws (naming the domain) and disposes it if one is refused. */
  private async buildChecked(prepared: PreparedLab): Promise<Lab> {
    const lab = this.newLab(prepared.hosts);
    // With the catalog loaded, define() checks image names too.
    await lab.loadCatalog();
    return buildLab(prepared, () => lab);
  }

  /** Make `lab` the page's lab: the old one is stopped, dom0's files and the title replaced. */
  private replace(lab: Lab, prepared: PreparedLab): void {
    const old = this.store?.lab;
    this.labListener?.dispose();
    old?.dispose();
    fillVfs(this.fs, prepared.files);
    this.meta = prepared.meta;
    this.use(lab);
  }

  private use(lab: Lab): void {
    lab.startSampling(1000);
    this.labListener = lab.onChange((kind) => { if (kind !== 'metrics') this.changed(); });
    this.store = new LabStore(lab, this.opts.images, { fs: this.fs });
    this.changed();
  }

  private changed(): void {
    if (this.restored) this.saver?.changed();
  }

  /** The record kept: the Labfile, and the domains running now or still offered by "Start all". */
  private stored() {
    const domains = this.lab.snapshot().domains.filter((d) => d.persistent);
    const running = domains.filter((d) => isLive(d.state, d.task) || (this.wasRunning.includes(d.name) && d.state === 'shut off')).map((d) => d.name);
    return storedLabOf(JSON.stringify(this.labfile()), running, Date.now());
  }

  /**
   * Bring back the lab kept in this browser, its domains shut off (those that were running are
   * offered with "Start all"). A record that cannot be read is reported, and the lab is a fresh
   * one (the record is overwritten at the next change).
   */
  async restore(): Promise<void> {
    try {
      await this.restoreKept();
    } finally {
      this.restored = true;
    }
  }

  private async restoreKept(): Promise<void> {
    const storage = this.opts.storage;
    if (!storage) return;
    let raw: unknown;
    try {
      raw = await storage.load();
    } catch (e) {
      this.notify(`The lab saved in this browser could not be read: ${sentence(messageOf(e))}. This is a fresh lab.`);
      return;
    }
    if (raw === undefined) return;
    try {
      const { checked, running } = readStoredLab(raw);
      const prepared = prepareLab(checked);
      const lab = await this.buildChecked(prepared);
      this.replace(lab, prepared);
      this.wasRunning = running;
    } catch (e) {
      if (!(e instanceof LabBridgeError)) throw e;
      const message = e.message.startsWith('The lab saved') ? e.message : `The lab saved in this browser could not be restored: ${e.message}`;
      this.notify(`${sentence(message)}. This is a fresh lab.`);
    }
  }

  private notify(message: string): void {
    this.store.notice = message;
  }

  /** What the dom0 `lab` command works through. */
  private service(): LabfileService {
    return {
      readOptions: LABFILE_OPTIONS,
      linkBase,
      current: () => this.labfile(),
      plan: (checked) => planLabImport(this.lab.snapshot(), checked),
      open: (checked) => this.open(checked, 'console'),
    };
  }
}

function linkBase(): string {
  return location.origin + location.pathname + location.search;
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** A message to go on with more words: without its final full stop. */
export function sentence(message: string): string {
  return message.replace(/\.\s*$/, '');
}

export const [getLabSession, setLabSession] = createContext<LabSession>();
