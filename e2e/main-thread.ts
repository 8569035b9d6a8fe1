/**
 * Main-thread task lengths in Chromium, from a DevTools trace: wall time (what a long-task
 * observer reports) and the thread's own CPU time. On a small machine busy workers make the OS
 * preempt the page's thread, so wall time includes waiting; CPU time is the page's own work.
 */
import type { Page } from '@playwright/test';

export interface MainThreadTasks {
  /** Tasks over 50 ms of wall time, in ms. */
  readonly longWallMs: number[];
  /** The longest task's own CPU time, in ms. */
  readonly maxCpuMs: number;
  readonly tasks: number;
}

interface TraceEvent { name: string; ph: string; pid: number; tid: number; ts: number; dur?: number; tdur?: number; args?: { name?: string } }

export async function traceMainThread<T>(page: Page, during: () => Promise<T>): Promise<{ result: T; tasks: MainThreadTasks }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => { events.push(...(e.value as unknown as TraceEvent[])); });
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: 'toplevel,devtools.timeline,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  let result: T;
  try {
    result = await during();
  } finally {
    await cdp.send('Tracing.end');
    await complete;
    await cdp.detach();
  }
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const tasks = events.filter((e) => main && e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.name === 'RunTask');
  return {
    result,
    tasks: {
      longWallMs: tasks.filter((t) => (t.dur ?? 0) > 50_000).map((t) => Math.round((t.dur ?? 0) / 1000)),
      maxCpuMs: Math.round(Math.max(0, ...tasks.map((t) => t.tdur ?? 0)) / 100) / 10,
      tasks: tasks.length,
    },
  };
}
