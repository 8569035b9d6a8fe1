import { describe, expect, it } from 'vitest';
import { parseXlCfg } from '../../../src/hypervisor/xen/xlcfg.ts';
import { xlState } from '../../../src/hypervisor/dom0/xl.ts';
import { makeEnv, run, T0 } from './run.ts';
import { CHEF } from '../xen/chef.ts';

const cfg = (name: string, memory = 128) => parseXlCfg(`name = "${name}"\nmemory = ${memory}\nimage = "linux"`).config;


const HEADER = 'Name                                        ID   Mem VCPUs\tState\tTime(s)\n';
const DOM0 = 'Domain-0                                     0   256     1     r-----       0.0\n';

describe('xl list', () => {
  it('prints Domain-0 first, then running domains by id, as xl_info.c formats them', async () => {
    const env = makeEnv();
    env.host.add(cfg('chef', 512), 'running', { cpuTimeSec: 12.34 });
    env.host.add(cfg('off'));
    expect(await run(env, 'xl list')).toEqual({
      out: HEADER + DOM0 + 'chef                                         1   512     1     r-----      12.3\n',
      err: '',
      status: 0,
    });
  });

  it('shows Domain-0’s time from the clock, and one domain when named', async () => {
    const env = makeEnv();
    env.host.add(cfg('chef', 512), 'running');
    env.now = () => T0 + 100_000;
    expect((await run(env, 'xl list')).out.split('\n')[1]).toBe('Domain-0                                     0   256     1     r-----       2.0');
    expect((await run(env, 'xl list chef')).out).toBe(HEADER + 'chef                                         1   512     1     r-----       0.0\n');
  });

  it('uses xl’s state letters', () => {
    expect(['running', 'idle', 'paused', 'in shutdown', 'crashed'].map((s) => xlState(s as never))).toEqual(['r-----', '-b----', '--p---', '---s--', '---sc-']);
  });

  it('does not see shut-off domains', async () => {
    const env = makeEnv();
    env.host.add(cfg('off'));
    expect(await run(env, 'xl list off')).toEqual({ out: '', err: 'off is an invalid domain identifier (rc=-6)\n', status: 1 });
  });
});

describe('xl create', () => {
  it('creates the seed’s chef from /etc/xen/chef and starts it', async () => {
    const env = makeEnv();
    env.fs.writeFile('/etc/xen/chef', CHEF);
    expect(await run(env, 'xl create /etc/xen/chef')).toEqual({
      out: '',
      err: 'Parsing config from /etc/xen/chef\n' +
        'WARNING: line 6: bootloader: not used by the lab (kept as written)\n' +
        'WARNING: line 10: vfb: not used by the lab (kept as written)\n',
      status: 0,
    });
    expect(env.host.calls).toEqual(['define chef', 'start chef']);
    expect((await run(env, 'xl list')).out).toBe(HEADER + DOM0 + 'chef                                         1  1024     1     r-----       0.0\n');
    expect((await run(env, 'virsh list --all')).out).toBe(' Id   Name   State\n----------------------\n 1    chef   running\n\n');
  });

  it('finds a bare name in /etc/xen, applies key=value overrides, and attaches with -c', async () => {
    const env = makeEnv();
    env.fs.writeFile('/etc/xen/web', 'name = "web"\nimage = "linux"\nmemory = 128\n');
    const r = await run(env, 'xl create -c web memory=256');
    expect(r.err).toBe('Parsing config from /etc/xen/web\n');
    expect(r.out).toBe("web's console is open in the dashboard (this shell stays in dom0)\n");
    expect(env.host.domains()[0]).toMatchObject({ name: 'web', memoryMiB: 256, state: 'running' });
    expect(env.host.consoles).toEqual(['web']);
  });

  it('-p leaves the new domain paused', async () => {
    const env = makeEnv();
    env.fs.writeFile('/etc/xen/web', 'name = "web"\nimage = "linux"\nmemory = 128\n');
    expect(await run(env, 'xl create -p /etc/xen/web')).toMatchObject({ status: 0 });
    expect(env.host.calls).toEqual(['define web', 'start --paused web']);
    expect((await run(env, 'xl list')).out).toContain('web                                          1   128     1     --p---');
  });

  it('re-creates a shut-off domain from its file, keeping its UUID', async () => {
    const env = makeEnv();
    env.fs.writeFile('/etc/xen/web', 'name = "web"\nimage = "linux"\n');
    await run(env, 'xl create /etc/xen/web');
    const uuid = env.host.domains()[0].uuid;
    await run(env, 'xl destroy web');
    expect((await run(env, 'xl create /etc/xen/web')).status).toBe(0);
    expect(env.host.domains()).toMatchObject([{ uuid, state: 'running' }]);
  });

  it('reports files it cannot read and configs it cannot parse', async () => {
    const env = makeEnv();
    expect(await run(env, 'xl create nosuch')).toEqual({
      out: '', err: 'Parsing config from /root/nosuch\nFailed to read config file: /root/nosuch: No such file or directory\n', status: 1,
    });
    env.fs.writeFile('/etc/xen/bad', '# bad\nname = "bad"\n\nmemory = "lots"\n');
    expect((await run(env, 'xl create /etc/xen/bad')).err).toBe('Parsing config from /etc/xen/bad\n/etc/xen/bad: line 4: memory: "lots" is not a number of MiB\n');
    expect(env.host.calls).toEqual([]);
  });

  it('refuses a domain that is already running, and one that does not fit', async () => {
    const env = makeEnv();
    env.host.add(cfg('chef', 512), 'running');
    env.fs.writeFile('/etc/xen/chef', 'name = "chef"\nimage = "linux"\n');
    expect((await run(env, 'xl create /etc/xen/chef')).err).toBe('Parsing config from /etc/xen/chef\nlibxl: error: domain with name "chef" already exists\n');
    env.fs.writeFile('/etc/xen/big', 'name = "big"\nimage = "linux"\nmemory = 1024\n');
    expect(await run(env, 'xl create /etc/xen/big')).toEqual({
      out: '',
      err: "Parsing config from /etc/xen/big\nlibxl: error: failed to start domain 'big': not enough free memory on host1 (needed 1024 MiB, free 512 MiB)\n",
      status: 1,
    });
  });

  it('prints its usage without a file, and refuses unsupported options', async () => {
    const env = makeEnv();
    expect((await run(env, 'xl create')).err).toMatch(/^Usage: xl create <ConfigFile> \[options\] \[vars\]\n/);
    expect((await run(env, 'xl create -V chef')).err).toBe("xl create: option '-V' is not supported in this lab\n");
  });
});

describe('xl lifecycle', () => {
  it('shuts down, pauses, unpauses, reboots and destroys by name or id', async () => {
    const env = makeEnv();
    env.host.add(cfg('a'), 'running');
    env.host.add(cfg('b'), 'running');
    expect(await run(env, 'xl pause a')).toEqual({ out: '', err: '', status: 0 });
    expect((await run(env, 'xl list')).out).toContain('a                                            1   128     1     --p---       0.0\n');
    expect((await run(env, 'xl unpause 1')).status).toBe(0);
    expect((await run(env, 'xl reboot a')).err).toBe('Rebooting domain 1\n');
    expect((await run(env, 'xl shutdown a')).err).toBe('Shutting down domain 1\n');
    expect((await run(env, 'xl destroy b')).status).toBe(0);
    expect(env.host.calls).toEqual(['suspend a', 'resume a', 'reboot a', 'shutdown a', 'destroy b']);
    expect((await run(env, 'xl list')).out).toBe(HEADER + DOM0);
  });

  it('shuts down all domains with -a, and reports a guest that ignores it', async () => {
    const env = makeEnv();
    env.host.add(cfg('a'), 'running');
    env.host.add(cfg('b'), 'running');
    env.host.stubborn.add('b');
    expect((await run(env, 'xl shutdown -a')).err).toBe(
      "Shutting down domain 1\nShutting down domain 2\nwarning: the guest did not respond to the shutdown request; domain 2 ('b') is still running (xl destroy b forces it off)\n",
    );
    expect(env.host.domains().map((d) => d.state)).toEqual(['shut off', 'running']);
  });

  it('passes the hypervisor’s errors on as libxl errors, and rejects unknown domains', async () => {
    const env = makeEnv();
    env.host.add(cfg('a'), 'running');
    expect(await run(env, 'xl unpause a')).toEqual({ out: '', err: 'libxl: error: Requested operation is not valid: domain is not paused\n', status: 1 });
    expect((await run(env, 'xl destroy nosuch')).err).toBe('nosuch is an invalid domain identifier (rc=-6)\n');
    expect((await run(env, 'xl pause')).err).toBe('Usage: xl pause <Domain>\n\nPause execution of a domain.\n\n');
  });

  it('attaches the console and converts names to ids', async () => {
    const env = makeEnv();
    env.host.add(cfg('a'), 'running');
    expect((await run(env, 'xl console a')).out).toBe("a's console is open in the dashboard (this shell stays in dom0)\n");
    expect(env.host.consoles).toEqual(['a']);
    expect((await run(env, 'xl domid a')).out).toBe('1\n');
    expect((await run(env, 'xl domid zz')).err).toBe("Can't get domid of domain name 'zz', maybe this domain does not exist.\n");
  });
});

describe('xl info and help', () => {
  it('shows each host’s CPUs and memory in MiB, as xl info does', async () => {
    const env = makeEnv();
    env.host.add(cfg('a', 512), 'running');
    const out = (await run(env, 'xl info')).out;
    expect(out).toContain('host                   : host1\n');
    expect(out).toContain('total_memory           : 1024\nfree_memory            : 512\n');
    expect(out).toContain('\nhost                   : host2\n');
  });

  it('lists its subcommands, and says so for others', async () => {
    const env = makeEnv();
    const help = (await run(env, 'xl help')).out;
    expect(help).toContain('Usage xl [-v] <subcommand> [args]\n\nxl full list of subcommands:\n\n');
    expect(help).toContain(' create              Create a domain from config file <filename>\n');
    expect(await run(env, 'xl vcpu-pin a 0 0')).toEqual({ out: '', err: 'command not implemented\n', status: 1 });
    expect((await run(env, 'xl')).status).toBe(1);
  });
});
