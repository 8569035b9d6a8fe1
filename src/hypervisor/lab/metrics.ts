/** Rates a person watches (MIPS, CPU %) derived from a VM's cumulative counters, with a short history. */
import type { VmCounters } from './backend.ts';

/** Samples kept for the small live graphs: one a second, so a minute. */
export const HISTORY_LENGTH = 60;

export interface Metrics {
  /** Millions of guest instructions per second over the last sample. */
  readonly mips: number;
  /** Share of one host CPU the vCPU used over the last sample, 0..100. */
  readonly cpuPercent: number;
  /** Share of the last sample the guest slept in WFI, 0..1. */
  readonly idleShare: number;
  readonly instructions: number;
  readonly mipsHistory: readonly number[];
  readonly cpuHistory: readonly number[];
}

export const NO_METRICS: Metrics = { mips: 0, cpuPercent: 0, idleShare: 0, instructions: 0, mipsHistory: [], cpuHistory: [] };

export class MetricsSampler {
  private last: VmCounters | undefined;
  private current: Metrics = NO_METRICS;

  get metrics(): Metrics { return this.current; }

  add(c: VmCounters): Metrics {
    const prev = this.last;
    this.last = c;
    if (!prev) return (this.current = { ...NO_METRICS, instructions: c.instructions });
    const wall = c.uptimeMs - prev.uptimeMs;
    if (wall <= 0) return this.current;
    const mips = Math.max(0, c.instructions - prev.instructions) / wall / 1000;
    const cpuPercent = Math.min(100, Math.max(0, (100 * (c.busyMs - prev.busyMs)) / wall));
    const idleShare = Math.min(1, Math.max(0, (c.idleMs - prev.idleMs) / wall));
    const push = (h: readonly number[], v: number) => [...h, v].slice(-HISTORY_LENGTH);
    this.current = {
      mips, cpuPercent, idleShare, instructions: c.instructions,
      mipsHistory: push(this.current.mipsHistory, mips),
      cpuHistory: push(this.current.cpuHistory, cpuPercent),
    };
    return this.current;
  }
}
