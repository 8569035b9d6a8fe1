/**
 * The link model as dom0 and the dashboard share it: `virsh migrate` is paced to the lab's link
 * between the two hosts, `--bandwidth` overrides it for that migration only, and a link changed
 * (the dashboard's slider is `lab.setLink`) reaches a migration virsh started.
 */
import { describe, expect, it } from 'vitest';
import { SaveImages } from '../../../src/hypervisor/dom0/saves.ts';
import type { ShellEnv } from '../../../src/hypervisor/dom0/command.ts';
import { LabDom0Host } from '../../../src/hypervisor/lab/dom0-host.ts';
import { FakeHost } from '../dom0/fake-host.ts';
import { makeEnv, run } from '../dom0/run.ts';
import { domain, makeLab, settle } from './fake-launcher.ts';

async function running() {
  const t = makeLab();
  await t.lab.loadCatalog();
  const host = new LabDom0Host(t.lab);
  const env = { ...makeEnv(new FakeHost()), host, saves: new SaveImages() } as ShellEnv;
  expect((await run(env, 'virt-install -n web -r 64 --image tiny --nographics')).status).toBe(0);
  return { ...t, env };
}

describe('links: virsh and the dashboard drive the same lab', () => {
  it('virsh migrate uses the link between the hosts; the dashboard\'s change reaches it', async () => {
    const { env, lab, launcher } = await running();
    lab.setLink('host1', 'host2', { bandwidthBps: 1e8, latencyMs: 20 });
    const migrating = run(env, 'virsh migrate --live web host2');
    await settle();
    expect(launcher.jobs[0].request).toMatchObject({ bandwidthBps: 1e8, latencyMs: 20 });
    lab.setLink('host2', 'host1', { bandwidthBps: 5e8 });
    expect(launcher.jobs[0].bandwidths).toEqual([5e8]);
    launcher.jobs[0].complete();
    expect((await migrating).status).toBe(0);
    expect(domain(lab, 'web').host).toBe('host2');
  });

  it('virsh migrate --bandwidth (MiB/s) sets that migration\'s bandwidth and leaves the link as it is', async () => {
    const { env, lab, launcher } = await running();
    const migrating = run(env, 'virsh migrate --live --bandwidth 10 web host2');
    await settle();
    expect(launcher.jobs[0].request).toMatchObject({ bandwidthBps: 10 * 1024 * 1024 * 8, latencyMs: 0.5 });
    expect(lab.link('host1', 'host2')).toEqual({ bandwidthBps: 1e9, latencyMs: 0.5 });
    launcher.jobs[0].complete();
    expect((await migrating).status).toBe(0);
  });
});
