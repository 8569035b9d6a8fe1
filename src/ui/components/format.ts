/** How the dashboard writes sizes, rates and times: short, with units, the way people read them. */

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/** 0 B, 812 B, 4.0 KiB, 63.9 MiB, 1.25 GiB */
export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '–';
  if (n < KiB) return `${Math.round(n)} B`;
  if (n < MiB) return `${(n / KiB).toFixed(1)} KiB`;
  if (n < GiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${(n / GiB).toFixed(2)} GiB`;
}

/** 10 Mbit/s, 1 Gbit/s, 2.5 Gbit/s, 800 kbit/s */
export function bitrate(bps: number): string {
  const trim = (v: number) => (Number.isInteger(v) ? String(v) : v >= 100 ? v.toFixed(0) : v.toFixed(1).replace(/\.0$/, ''));
  if (bps >= 1e9) return `${trim(bps / 1e9)} Gbit/s`;
  if (bps >= 1e6) return `${trim(bps / 1e6)} Mbit/s`;
  return `${trim(bps / 1e3)} kbit/s`;
}

/** 0.4 ms, 7.5 ms, 42 ms, 1.84 s, 75 s */
export function duration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${Math.round(ms / 1000)} s`;
}

/** 16384 → "16,384" */
export function count(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A latency in ms: 0 ms, 0.5 ms, 20 ms */
export function latency(ms: number): string {
  return `${Number.isInteger(ms) ? ms : ms.toFixed(1)} ms`;
}
