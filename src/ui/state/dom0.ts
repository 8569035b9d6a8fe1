/**
 * The dashboard's dom0 console: one Dom0Shell for the page's life (src/hypervisor/dom0), wired as
 * dom0/README.md's "Wiring" says, over the same Lab the dashboard shows (LabDom0Host), so every
 * virsh / xl / virt-install step shows on the cards at once.
 *
 * The shell outlives its terminal and the lab: its output is kept (bounded) and replayed when the
 * console tab opens again, and when another lab replaces the page's lab (issue 7) the same shell
 * drives the new one (`useLab`). dom0's file system is the one given (the page's lab session keeps
 * it with the lab), or else one kept in localStorage; a stored one that does not read back is set
 * aside under a backup key and a fresh one starts. The history is kept in localStorage, and the
 * save images of `virsh save` / `xl save` in IndexedDB (share/save-store.ts), so a save file's
 * stub still restores after a reload.
 */
import { Dom0Shell } from '../../hypervisor/dom0/shell.ts';
import { Vfs } from '../../hypervisor/dom0/vfs.ts';
import { SaveImages } from '../../hypervisor/dom0/saves.ts';
import { indexedDbSaveStore } from '../share/save-store.ts';
import { LabDom0Host } from '../../hypervisor/lab/dom0-host.ts';
import type { Lab } from '../../hypervisor/lab/lab.ts';

export const FS_KEY = 'virtlab:dom0-fs';
export const HISTORY_KEY = 'virtlab:dom0-history';
/** Terminal output kept for a console opened again (characters). */
const TRANSCRIPT_CHARS = 256 * 1024;

function storage(): Storage | undefined {
  try {
    return globalThis.localStorage;
  } catch {
    return undefined; // storage disabled: nothing persists
  }
}

/** dom0's files from localStorage, kept there on every change. */
function localFs(): Vfs {
  const store = storage();
  const saved = store?.getItem(FS_KEY);
  let fs: Vfs | undefined;
  if (saved) {
    try {
      fs = Vfs.fromJSON(JSON.parse(saved));
    } catch {
      // Not JSON, or not a file system this version reads (VfsError): keep it aside, start afresh.
      try { store?.setItem(`${FS_KEY}:unreadable`, saved); } catch { /* full */ }
    }
  }
  fs ??= Vfs.withDefaults();
  const kept = fs;
  kept.onChange(() => {
    try {
      storage()?.setItem(FS_KEY, JSON.stringify(kept.toJSON()));
    } catch {
      // Quota or disabled storage: the files live on until the page goes.
    }
  });
  return kept;
}

function loadHistory(): string[] {
  try {
    const v = JSON.parse(storage()?.getItem(HISTORY_KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

export interface Dom0SessionOptions {
  /** dom0's file system; default: one kept in localStorage. */
  readonly fs?: Vfs;
}

export class Dom0Session {
  readonly fs: Vfs;
  readonly host: LabDom0Host;
  readonly shell: Dom0Shell;
  readonly saves = new SaveImages(indexedDbSaveStore());
  private transcript: string[] = [];
  private transcriptChars = 0;
  private listener: ((data: string) => void) | undefined;

  constructor(lab: Lab, opts: Dom0SessionOptions = {}) {
    this.fs = opts.fs ?? localFs();
    this.host = new LabDom0Host(lab);
    this.shell = new Dom0Shell({
      host: this.host,
      fs: this.fs,
      output: (s) => this.write(s),
      history: loadHistory(),
      saves: this.saves,
      hostname: 'dom0',
    });
    this.shell.start();
  }

  /** Drive `lab` from now on; `virsh console NAME` calls `attachConsole`. */
  useLab(lab: Lab, attachConsole?: (name: string) => void): void {
    this.host.lab = lab;
    if (attachConsole) this.host.opts.attachConsole = attachConsole;
  }

  /** Keys from the terminal (xterm's onData). */
  feed(data: string): void {
    this.shell.feed(data);
    void this.shell.idle().then(() => this.saveHistory());
  }

  resize(cols: number): void {
    this.shell.resize(cols);
  }

  /** A terminal takes the output: everything so far, then what follows. Returns a detach function. */
  attach(write: (data: string) => void): () => void {
    write(this.transcript.join(''));
    this.listener = write;
    return () => { if (this.listener === write) this.listener = undefined; };
  }

  private write(data: string): void {
    this.transcript.push(data);
    this.transcriptChars += data.length;
    while (this.transcript.length > 1 && this.transcriptChars - this.transcript[0].length >= TRANSCRIPT_CHARS) {
      this.transcriptChars -= this.transcript.shift()!.length;
    }
    this.listener?.(data);
  }

  private saveHistory(): void {
    try {
      storage()?.setItem(HISTORY_KEY, JSON.stringify(this.shell.history));
    } catch {
      // as above
    }
  }
}

let pageSession: Dom0Session | undefined;

/**
 * The page's one dom0 session, driving `lab`: made the first time (with `fs` if given), reused by
 * every later LabStore of the page (another lab opened) unless a different `fs` is given.
 */
export function pageDom0(lab: Lab, fs?: Vfs): Dom0Session {
  if (!pageSession || (fs !== undefined && pageSession.fs !== fs)) pageSession = new Dom0Session(lab, { fs });
  else pageSession.useLab(lab);
  return pageSession;
}
