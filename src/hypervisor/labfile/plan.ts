/**
 * What opening a Labfile will do to the lab, for the confirm dialog and for `lab import` in the
 * dom0 console: a pure function of the current lab and the checked Labfile. A Labfile replaces
 * the lab as a whole (hosts, links, networks, domains, dom0 files); the person is asked first
 * only when that stops running domains (issue 7).
 */
import { isLive, type DomainState, type DomainTask } from '../lab/domain.ts';
import type { LabfileLink, LabfileNetwork } from './format.ts';
import type { CheckedLabfile, LabfileWarning } from './read.ts';

/** The parts of the lab's state the plan looks at; `Lab.snapshot()` (LabSnapshot) is one. */
export interface CurrentLab {
  readonly hosts: readonly { readonly name: string; readonly cpus: number; readonly memoryMiB: number }[];
  readonly domains: readonly { readonly name: string; readonly host: string; readonly state: DomainState; readonly task?: DomainTask }[];
}

export interface PlannedHost {
  readonly name: string;
  readonly cpus: number;
  readonly memoryMiB: number;
  /** Against the current lab's host of the same name. */
  readonly change: 'new' | 'same' | 'resized';
  /** The domains placed on it, in Labfile order. */
  readonly domains: readonly string[];
  /** Memory its autostart domains take once the lab is built. */
  readonly autostartMemoryMiB: number;
}

export interface PlannedDomain {
  readonly name: string;
  readonly host: string;
  readonly memoryMiB: number;
  readonly vcpus: number;
  readonly autostart: boolean;
  /** The current lab has a domain of this name: this one takes its place. */
  readonly replaces: boolean;
}

export interface LabImportPlan {
  readonly title: string;
  readonly description: string;
  readonly hosts: readonly PlannedHost[];
  /** The links set away from the default; every other pair of hosts gets DEFAULT_LINK. */
  readonly links: readonly LabfileLink[];
  readonly networks: readonly LabfileNetwork[];
  readonly domains: readonly PlannedDomain[];
  /** Domains started once the lab is built, in Labfile order. */
  readonly autostart: readonly string[];
  /** dom0 files written, besides each domain's /etc/xen/NAME. */
  readonly files: readonly string[];
  /** What of the current lab is gone afterwards (names the new lab does not reuse). */
  readonly removes: { readonly hosts: readonly string[]; readonly domains: readonly string[] };
  /** Current domains running (or starting) now: replacing the lab destroys them. */
  readonly stops: readonly string[];
  /** Ask the person before replacing the lab: true when something would be stopped. */
  readonly needsConfirmation: boolean;
  readonly warnings: readonly LabfileWarning[];
}

export function planLabImport(current: CurrentLab, incoming: CheckedLabfile): LabImportPlan {
  const lab = incoming.labfile;
  const domains = lab.domains.map((d, i): PlannedDomain => ({
    name: d.name,
    host: d.host,
    memoryMiB: incoming.configs[i].memoryMiB,
    vcpus: incoming.configs[i].vcpus,
    autostart: d.autostart,
    replaces: current.domains.some((c) => c.name === d.name),
  }));
  const hosts = lab.hosts.map((h): PlannedHost => {
    const now = current.hosts.find((c) => c.name === h.name);
    const mine = domains.filter((d) => d.host === h.name);
    return {
      ...h,
      change: now === undefined ? 'new' : now.cpus === h.cpus && now.memoryMiB === h.memoryMiB ? 'same' : 'resized',
      domains: mine.map((d) => d.name),
      autostartMemoryMiB: mine.filter((d) => d.autostart).reduce((sum, d) => sum + d.memoryMiB, 0),
    };
  });
  const stops = current.domains.filter((d) => isLive(d.state, d.task)).map((d) => d.name);
  return {
    title: lab.title,
    description: lab.description,
    hosts,
    links: lab.links,
    networks: lab.networks,
    domains,
    autostart: domains.filter((d) => d.autostart).map((d) => d.name),
    files: lab.files.map((f) => f.path),
    removes: {
      hosts: current.hosts.filter((c) => !lab.hosts.some((h) => h.name === c.name)).map((c) => c.name),
      domains: current.domains.filter((c) => !lab.domains.some((d) => d.name === c.name)).map((c) => c.name),
    },
    stops,
    needsConfirmation: stops.length > 0,
    warnings: incoming.warnings,
  };
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * The plan as plain-text lines, for the dom0 console and for a dialog that shows it as text:
 *
 *   Two hosts, three guests
 *   Creates 2 hosts: host1 (4 CPUs, 1024 MiB), host2 (4 CPUs, 1024 MiB)
 *   Links: host1 ↔ host2 (10 Mbit/s, 20 ms)          only when the Labfile sets any
 *   Networks: xenbr0 (bridge)
 *   Creates 3 domains:
 *     web on host1: 64 MiB, 1 vCPU, starts with the lab
 *   …
 */
/** Links as one line of text: `host1 ↔ host2 (10 Mbit/s, 20 ms), …`. */
export function describeLinks(links: readonly LabfileLink[]): string {
  return links.map((l) => `${l.hosts[0]} ↔ ${l.hosts[1]} (${l.bandwidthMbps} Mbit/s, ${l.latencyMs} ms)`).join(', ');
}

export function describeLabImport(plan: LabImportPlan): string[] {
  const lines = [plan.title];
  if (plan.description !== '') lines.push(...plan.description.split('\n'));
  lines.push(`Creates ${count(plan.hosts.length, 'host')}: ${plan.hosts.map((h) => `${h.name} (${count(h.cpus, 'CPU')}, ${h.memoryMiB} MiB)`).join(', ')}`);
  if (plan.links.length > 0) lines.push(`Links: ${describeLinks(plan.links)}`);
  lines.push(plan.networks.length === 0 ? 'Networks: none' : `Networks: ${plan.networks.map((n) => `${n.name} (${n.mode})`).join(', ')}`);
  if (plan.domains.length === 0) lines.push('Creates no domains');
  else {
    lines.push(`Creates ${count(plan.domains.length, 'domain')}:`);
    for (const d of plan.domains) {
      lines.push(`  ${d.name} on ${d.host}: ${d.memoryMiB} MiB, ${count(d.vcpus, 'vCPU')}${d.autostart ? ', starts with the lab' : ''}${d.replaces ? ' (replaces the current one)' : ''}`);
    }
  }
  if (plan.files.length > 0) lines.push(`Writes ${count(plan.files.length, 'dom0 file')}: ${plan.files.join(', ')}`);
  if (plan.stops.length > 0) lines.push(`Stops ${count(plan.stops.length, 'running domain')} of the current lab: ${plan.stops.join(', ')}`);
  const gone = [...plan.removes.hosts.map((h) => `host ${h}`), ...plan.removes.domains.map((d) => `domain ${d}`)];
  if (gone.length > 0) lines.push(`Removes from the current lab: ${gone.join(', ')}`);
  if (plan.warnings.length > 0) {
    lines.push('Warnings (these keys are ignored):');
    for (const w of plan.warnings) lines.push(`  ${w.message}`);
  }
  return lines;
}
