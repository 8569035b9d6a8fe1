/**
 * The dashboard's live migrations: one panel per migration, whether the dashboard started it (a
 * card dropped on a host, "Migrate to…") or dom0 did (`virsh migrate`, `xl migrate`). A panel
 * follows its job's QEMU query-migrate figures (`Lab.jobInfo`) while it runs, then keeps the
 * result until dismissed.
 *
 * The lab tells of migration events (status, round, end) through onChange; the figures in
 * between (transferred, remaining, …) are polled every POLL_MS while a migration runs, the rate
 * at which the source worker reports them (src/workers/migration-source.ts).
 */
import type { JobSnapshot, Lab, LabSnapshot } from '../../hypervisor/lab/lab.ts';
import type { MigrationInfo } from '../../hypervisor/migration/precopy.ts';

const POLL_MS = 250;

export interface MigrationView {
  /** Tells migrations of the same domain apart (keys the panel). */
  readonly id: number;
  readonly name: string;
  readonly source: string;
  readonly target: string;
  readonly info: MigrationInfo;
  /** False once the job ended: the result is final (completed, failed, cancelled). */
  readonly active: boolean;
}

/** The states in which Cancel still works (the switchover has not begun). */
export function cancellable(v: MigrationView): boolean {
  return v.active && (v.info.status === 'setup' || v.info.status === 'active');
}

export class Migrations {
  /** Newest first. */
  list = $state.raw<readonly MigrationView[]>([]);
  private nextId = 1;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly lab: Lab) {}

  /** After each lab change: take up migrations that began, and refresh the running ones. */
  update(snapshot: LabSnapshot): void {
    let list = this.list;
    for (const d of snapshot.domains) {
      if (!d.migration) continue;
      const old = list.find((v) => v.name === d.name);
      if (old?.active) continue;
      const view: MigrationView = { id: this.nextId++, name: d.name, source: d.host, target: d.migration.target, info: d.migration.info, active: true };
      list = [view, ...list.filter((v) => v !== old)];
    }
    this.list = list;
    this.poll();
    this.timer ??= setInterval(() => this.poll(), POLL_MS);
  }

  /** A finished migration's panel goes. */
  dismiss(id: number): void {
    this.list = this.list.filter((v) => v.id !== id || v.active);
  }

  /** Stop polling (the dashboard is going away). */
  dispose(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private poll(): void {
    let changed = false;
    const list = this.list.map((v) => {
      if (!v.active) return v;
      let job: JobSnapshot | undefined;
      try {
        job = this.lab.jobInfo(v.name);
      } catch {
        job = undefined; // the domain went (undefined from dom0): the last figures stay
      }
      const active = job?.active === true;
      const info = job?.info ?? v.info;
      if (active === v.active && info === v.info) return v;
      changed = true;
      return { ...v, info, active };
    });
    if (changed) this.list = list;
    if (!list.some((v) => v.active)) this.dispose();
  }
}
