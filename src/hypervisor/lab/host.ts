/** Hosts of the lab: the simulated physical machines that run domains (DESIGN.md §5). */

export interface HostConfig {
  readonly name: string;
  /** Physical CPUs the host offers; each vCPU of a running domain takes one. */
  readonly cpus: number;
  readonly memoryMiB: number;
}

/** A fresh lab has two hosts, so placement (and later migration) has somewhere to go. */
export const DEFAULT_HOSTS: readonly HostConfig[] = [
  { name: 'host1', cpus: 4, memoryMiB: 1024 },
  { name: 'host2', cpus: 4, memoryMiB: 1024 },
];
