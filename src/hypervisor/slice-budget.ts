/**
 * How many instructions to run per slice. A VM runs in slices so its host loop can look at console
 * input, control calls and timers between them; a slice should last about SLICE_MS whatever the
 * guest does, so the budget follows the measured speed. Shared by every slice loop (the Node CLI,
 * the page's VM worker) so they behave the same.
 */

/** Target slice length: short enough for snappy input and control, long enough to amortise the loop. */
export const SLICE_MS = 10;
const MIN_BUDGET = 100_000;
const MAX_BUDGET = 50_000_000;

export class SliceBudget {
  /** Instructions to ask for in the next slice. */
  value = 1_000_000;

  /** Learn from a slice that ran its whole budget in `ms` milliseconds. */
  update(ms: number): void {
    if (ms <= 0) return;
    // Halfway towards the budget that would have taken SLICE_MS: smooths out one-off hiccups.
    const ideal = this.value * (SLICE_MS / ms);
    this.value = Math.max(MIN_BUDGET, Math.min(MAX_BUDGET, Math.round(ideal * 0.5 + this.value * 0.5)));
  }
}
