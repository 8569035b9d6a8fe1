/** Labfiles for the tests: a valid lab to start from, and an xl.cfg text for a domain. */

export const cfg = (name: string, memory = 64, extra = ''): string =>
  `name = "${name}"\nmemory = ${memory}\nvcpus = 1\nimage = "linux"\n${extra}`;

/** Two hosts, three domains (one autostart), one dom0 file: a plain JSON object, as a link holds. */
export function sampleLab(): Record<string, unknown> & {
  hosts: Record<string, unknown>[];
  networks: Record<string, unknown>[];
  domains: Record<string, unknown>[];
  files: Record<string, unknown>[];
} {
  return {
    labfile: 1,
    title: 'Two hosts, three guests',
    description: 'Start web.\nThen migrate it to host2.',
    hosts: [
      { name: 'host1', cpus: 4, memoryMiB: 1024 },
      { name: 'host2', cpus: 2, memoryMiB: 512 },
    ],
    networks: [{ name: 'xenbr0', mode: 'bridge' }],
    domains: [
      { name: 'web', host: 'host1', autostart: true, config: cfg('web', 128) },
      { name: 'db', host: 'host2', autostart: false, config: cfg('db', 256) },
      { name: 'counter', host: 'host2', config: cfg('counter', 16) },
    ],
    files: [{ path: '/root/README', content: 'Exercise 1: migrate web.\n' }],
  };
}
