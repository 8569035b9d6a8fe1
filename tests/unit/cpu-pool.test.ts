import { describe, expect, it } from 'vitest';
import { CpuPool, STALL_MS } from '../../src/hypervisor/cpu-pool.ts';

const slot = () => new Int32Array(CpuPool.allocateSlot());
const settled = async (p: Promise<unknown>) => {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setTimeout(r, 20));
  return done;
};

describe('CpuPool', () => {
  it('lets as many VMs run as it has CPUs, the rest in order of arrival', async () => {
    const pool = new CpuPool(CpuPool.allocate(2));
    const [a, b, c, d] = [slot(), slot(), slot(), slot()];
    await pool.acquire(a);
    await pool.acquire(b);
    const order: string[] = [];
    const pc = pool.acquire(c).then(() => order.push('c'));
    const pd = pool.acquire(d).then(() => order.push('d'));
    expect(await settled(pc)).toBe(false);
    expect(pool.demand).toBe(4);
    pool.release(a);
    await pc;
    expect(await settled(pd)).toBe(false);
    pool.release(b);
    await pd;
    expect(order).toEqual(['c', 'd']);
  });

  it('a VM that gives its CPU back queues behind those already waiting', async () => {
    const pool = new CpuPool(CpuPool.allocate(1));
    const [a, b] = [slot(), slot()];
    await pool.acquire(a);
    const pb = pool.acquire(b);
    pool.release(a);
    const pa = pool.acquire(a); // straight back in line
    await pb;
    expect(await settled(pa)).toBe(false);
    pool.release(b);
    await pa;
  });

  it('reclaims the CPU of a VM that died holding it, once', async () => {
    const pool = new CpuPool(CpuPool.allocate(1));
    const [dead, b] = [slot(), slot()];
    await pool.acquire(dead);
    const pb = pool.acquire(b);
    pool.reclaim(dead);
    pool.release(dead); // a late release from the dying worker changes nothing
    await pb;
    expect(pool.demand).toBe(1);
  });

  it('reclaims the turn of a VM that died waiting', async () => {
    const pool = new CpuPool(CpuPool.allocate(1));
    const [a, dead, c] = [slot(), slot(), slot()];
    await pool.acquire(a);
    void pool.acquire(dead);
    const pc = pool.acquire(c);
    pool.reclaim(dead);
    expect(await settled(pc)).toBe(false); // a still runs: no extra CPU appears
    pool.release(a);
    await pc;
  });

  it('moves on when a holder never gives back and is never reclaimed', async () => {
    let now = 0;
    const pool = new CpuPool(CpuPool.allocate(1), () => now);
    await pool.acquire(slot());
    const p = pool.acquire(slot());
    now += STALL_MS;
    await p; // the waiter's own timeout notices the stall
  });
});
