import { describe, expect, it } from 'vitest';
import { describeLabImport, planLabImport, type CurrentLab } from '../../../src/hypervisor/labfile/plan.ts';
import { readLabfile } from '../../../src/hypervisor/labfile/read.ts';
import type { DomainSnapshot, DomainState, DomainTask, LabSnapshot } from '../../../src/hypervisor/lab/lab.ts';
import { DEFAULT_HOSTS } from '../../../src/hypervisor/lab/host.ts';
import { cfg, sampleLab } from './fixtures.ts';

/** The dashboard hands over lab.snapshot() as it is (checked by the compiler). */
const fromSnapshot = (s: LabSnapshot): CurrentLab => s;

/** A domain as lab.snapshot() lists it, with only what the plan reads (the rest of the snapshot keeps growing). */
function domain(name: string, host: string, state: DomainState, task?: DomainTask): DomainSnapshot {
  const d: Partial<DomainSnapshot> = { name, host, state, ...(task ? { task } : {}), image: 'linux', memoryMiB: 64, vcpus: 1 };
  return d as DomainSnapshot;
}

const freshLab: CurrentLab = { hosts: DEFAULT_HOSTS, domains: [] };

describe('planLabImport', () => {
  it('lists what a fresh lab will get: hosts, networks, domains, autostart, files', () => {
    const plan = planLabImport(freshLab, readLabfile(sampleLab()));
    expect(plan.title).toBe('Two hosts, three guests');
    expect(plan.description).toBe('Start web.\nThen migrate it to host2.');
    expect(plan.hosts).toEqual([
      { name: 'host1', cpus: 4, memoryMiB: 1024, change: 'same', domains: ['web'], autostartMemoryMiB: 128 },
      { name: 'host2', cpus: 2, memoryMiB: 512, change: 'resized', domains: ['db', 'counter'], autostartMemoryMiB: 0 },
    ]);
    expect(plan.links).toEqual([]);
    expect(plan.networks).toEqual([{ name: 'xenbr0', mode: 'bridge' }]);
    expect(plan.domains).toEqual([
      { name: 'web', host: 'host1', memoryMiB: 128, vcpus: 1, autostart: true, replaces: false },
      { name: 'db', host: 'host2', memoryMiB: 256, vcpus: 1, autostart: false, replaces: false },
      { name: 'counter', host: 'host2', memoryMiB: 16, vcpus: 1, autostart: false, replaces: false },
    ]);
    expect(plan.autostart).toEqual(['web']);
    expect(plan.files).toEqual(['/root/README']);
    expect(plan.removes).toEqual({ hosts: [], domains: [] });
    expect(plan.stops).toEqual([]);
    expect(plan.needsConfirmation).toBe(false);
  });

  it('asks first when running domains would be stopped, and says what goes away', () => {
    const current = fromSnapshot({
      hosts: [
        { name: 'host1', cpus: 4, memoryMiB: 1024, usedMemoryMiB: 64, usedVcpus: 1, domains: ['web', 'old'] },
        { name: 'host3', cpus: 4, memoryMiB: 1024, usedMemoryMiB: 64, usedVcpus: 1, domains: ['booting'] },
      ],
      domains: [
        domain('web', 'host1', 'running'),
        domain('old', 'host1', 'shut off'),
        domain('booting', 'host3', 'shut off', 'starting'),
        domain('dead', 'host3', 'crashed'),
      ],
      links: [],
    });
    const doc = sampleLab();
    doc.hosts[0] = { name: 'host1', cpus: 4, memoryMiB: 1024 };
    const plan = planLabImport(current, readLabfile(doc));
    expect(plan.hosts.map((h) => [h.name, h.change])).toEqual([['host1', 'same'], ['host2', 'new']]);
    expect(plan.domains.map((d) => [d.name, d.replaces])).toEqual([['web', true], ['db', false], ['counter', false]]);
    expect(plan.stops).toEqual(['web', 'booting']);
    expect(plan.needsConfirmation).toBe(true);
    expect(plan.removes).toEqual({ hosts: ['host3'], domains: ['old', 'booting', 'dead'] });
  });

  it('carries the warnings to show', () => {
    const doc = sampleLab();
    doc.domains[1].autoStart = true;
    expect(planLabImport(freshLab, readLabfile(doc)).warnings.map((w) => w.path)).toEqual(['domains[1].autoStart']);
  });
});

describe('describeLabImport', () => {
  it('puts the plan in plain-text lines for the console and the dialog', () => {
    const doc = sampleLab();
    doc.domains[1].note = 'x';
    doc.domains.push({ name: 'smp', host: 'host1', autostart: true, config: 'name = "smp"\nmemory = 64\nvcpus = 2\n' });
    const current: CurrentLab = { hosts: DEFAULT_HOSTS, domains: [{ name: 'web', host: 'host1', state: 'idle' }, { name: 'gone', host: 'host2', state: 'shut off' }] };
    expect(describeLabImport(planLabImport(current, readLabfile(doc)))).toEqual([
      'Two hosts, three guests',
      'Start web.',
      'Then migrate it to host2.',
      'Creates 2 hosts: host1 (4 CPUs, 1024 MiB), host2 (2 CPUs, 512 MiB)',
      'Networks: xenbr0 (bridge)',
      'Creates 4 domains:',
      '  web on host1: 128 MiB, 1 vCPU, starts with the lab (replaces the current one)',
      '  db on host2: 256 MiB, 1 vCPU',
      '  counter on host2: 16 MiB, 1 vCPU',
      '  smp on host1: 64 MiB, 2 vCPUs, starts with the lab',
      'Writes 1 dom0 file: /root/README',
      'Stops 1 running domain of the current lab: web',
      'Removes from the current lab: domain gone',
      'Warnings (these keys are ignored):',
      '  domains[1].note: not part of a domain, ignored',
    ]);
  });

  it('lists the links a lab sets, after its hosts', () => {
    const doc = sampleLab();
    doc.links = [{ hosts: ['host2', 'host1'], bandwidthMbps: 10, latencyMs: 20 }];
    const plan = planLabImport(freshLab, readLabfile(doc));
    expect(plan.links).toEqual([{ hosts: ['host2', 'host1'], bandwidthMbps: 10, latencyMs: 20 }]);
    expect(describeLabImport(plan).slice(3, 6)).toEqual([
      'Creates 2 hosts: host1 (4 CPUs, 1024 MiB), host2 (2 CPUs, 512 MiB)',
      'Links: host2 ↔ host1 (10 Mbit/s, 20 ms)',
      'Networks: xenbr0 (bridge)',
    ]);
  });

  it('says so when a lab has no domains or networks', () => {
    const lines = describeLabImport(planLabImport(freshLab, readLabfile({ labfile: 1, title: 'Empty', hosts: [{ name: 'h', cpus: 1, memoryMiB: 64 }], networks: [] })));
    expect(lines).toEqual(['Empty', 'Creates 1 host: h (1 CPU, 64 MiB)', 'Networks: none', 'Creates no domains', 'Removes from the current lab: host host1, host host2']);
    expect(cfg('x')).toContain('name = "x"');
  });
});
