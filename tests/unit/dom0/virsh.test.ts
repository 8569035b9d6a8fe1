import { describe, expect, it } from 'vitest';
import { parseXlCfg } from '../../../src/hypervisor/xen/xlcfg.ts';
import { vshTable } from '../../../src/hypervisor/dom0/virsh.ts';
import { FakeHost } from './fake-host.ts';
import { makeEnv, run } from './run.ts';
import { CHEF } from '../xen/chef.ts';

const cfg = (name: string, memory = 128, extra = '') =>
  parseXlCfg(`name = "${name}"\nuuid = "00000000-0000-4000-8000-${String(memory).padStart(12, '0')}"\nmemory = ${memory}\nimage = "linux"\n${extra}`).config;


function lab() {
  const env = makeEnv();
  env.host.add(cfg('chef', 512), 'running');
  env.host.add(cfg('web', 256));
  return env;
}

describe('virsh list', () => {
  it('prints libvirt’s table: left-aligned columns, a dash line, a blank line after', async () => {
    const env = lab();
    expect(await run(env, 'virsh list')).toEqual({
      out: ' Id   Name   State\n----------------------\n 1    chef   running\n\n',
      err: '',
      status: 0,
    });
    expect((await run(env, 'virsh list --all')).out).toBe(
      ' Id   Name   State\n' +
      '-----------------------\n' +
      ' 1    chef   running\n' +
      ' -    web    shut off\n\n',
    );
    expect((await run(env, 'virsh list --inactive')).out).toBe(' Id   Name   State\n-----------------------\n -    web    shut off\n\n');
  });

  it('with no domains, prints the header alone (as a fresh libvirt host does)', async () => {
    expect((await run(makeEnv(), 'virsh list --all')).out).toBe(' Id   Name   State\n--------------------\n\n');
  });

  it('pads to the longest name and id, running domains by id first, then the rest by name', async () => {
    const env = makeEnv();
    for (let i = 0; i < 10; i++) env.host.add(cfg(`vm${i}`, 16), 'running');
    env.host.add(cfg('Zeta', 16));
    env.host.add(cfg('database-primary', 16));
    env.host.add(cfg('alpha', 16), 'paused');
    const out = (await run(env, 'virsh list --all')).out.split('\n');
    expect(out[0]).toBe(' Id   Name               State');
    expect(out[1]).toBe('-'.repeat(5 + 19 + 11));
    expect(out[2]).toBe(' 1    vm0                running');
    expect(out[11]).toBe(' 10   vm9                running');
    expect(out[12]).toBe(' 11   alpha              paused');
    expect(out[13]).toBe(' -    database-primary   shut off');
    expect(out[14]).toBe(' -    Zeta               shut off');
  });

  it('lists names or UUIDs only', async () => {
    const env = lab();
    expect((await run(env, 'virsh list --all --name')).out).toBe('chef\nweb\n\n');
    expect((await run(env, 'virsh list --uuid')).out).toBe('00000000-0000-4000-8000-000000000512\n\n');
  });

  it('vshTable without a header (virsh -q) measures the rows alone, as libvirt does', async () => {
    expect(vshTable(['Id', 'Name'], [['1', 'a']], false)).toBe(' 1   a\n');
    expect((await run(lab(), 'virsh -q list')).out).toBe(' 1   chef   running\n');
  });
});

describe('virsh dominfo, domstate, domid, domuuid', () => {
  it('prints dominfo as "%-15s %s" lines', async () => {
    const env = lab();
    env.host.recs.get('chef')!.cpuTimeSec = 12.34;
    expect((await run(env, 'virsh dominfo chef')).out).toBe(
      'Id:             1\n' +
      'Name:           chef\n' +
      'UUID:           00000000-0000-4000-8000-000000000512\n' +
      'OS Type:        hvm\n' +
      'State:          running\n' +
      'CPU(s):         1\n' +
      'CPU time:       12.3s\n' +
      'Max memory:     524288 KiB\n' +
      'Used memory:    524288 KiB\n' +
      'Persistent:     yes\n' +
      'Autostart:      disable\n' +
      'Managed save:   no\n' +
      '\n',
    );
  });

  it('leaves CPU time out for a domain that has not run, and shows - for its id', async () => {
    const out = (await run(lab(), 'virsh dominfo web')).out;
    expect(out).toContain('Id:             -\n');
    expect(out).not.toContain('CPU time');
    expect(out).toContain('State:          shut off\n');
  });

  it('finds a domain by id, UUID or name', async () => {
    const env = lab();
    expect((await run(env, 'virsh domstate 1')).out).toBe('running\n\n');
    expect((await run(env, 'virsh domstate 00000000-0000-4000-8000-000000000256')).out).toBe('shut off\n\n');
    expect((await run(env, 'virsh domid chef')).out).toBe('1\n\n');
    expect((await run(env, 'virsh domid web')).out).toBe('-\n\n');
    expect((await run(env, 'virsh domuuid --domain chef')).out).toBe('00000000-0000-4000-8000-000000000512\n\n');
  });

  it('says libvirt’s words for a domain that does not exist', async () => {
    expect(await run(lab(), 'virsh dominfo nosuch')).toEqual({ out: '\n', err: "error: failed to get domain 'nosuch'\n", status: 1 });
  });
});

describe('virsh dumpxml', () => {
  it('prints the seed\'s chef as the libxl driver\'s domain XML: id while it runs, none with --inactive', async () => {
    const env = makeEnv();
    env.host.add(parseXlCfg(CHEF).config, 'running');
    const xml = (await run(env, 'virsh dumpxml chef')).out;
    expect(xml).toBe(
      "<domain type='xen' id='1'>\n" +
      '  <name>chef</name>\n' +
      '  <uuid>f4e2e3b4-7f3d-4b1b-8b3b-3b4b1b7f3d4b</uuid>\n' +
      "  <memory unit='KiB'>1048576</memory>\n" +
      "  <currentMemory unit='KiB'>1048576</currentMemory>\n" +
      "  <vcpu placement='static'>1</vcpu>\n" +
      '  <os>\n' +
      "    <type arch='riscv64' machine='virt'>hvm</type>\n" +
      '  </os>\n' +
      "  <clock offset='utc' adjustment='reset'/>\n" +
      '  <on_poweroff>destroy</on_poweroff>\n' +
      '  <on_reboot>restart</on_reboot>\n' +
      '  <on_crash>restart</on_crash>\n' +
      '  <devices>\n' +
      "    <disk type='file' device='disk'>\n" +
      "      <driver name='qemu' type='raw'/>\n" +
      "      <source file='/vm/chef.dsk'/>\n" +
      "      <target dev='xvda' bus='xen'/>\n" +
      '    </disk>\n' +
      "    <interface type='bridge'>\n" +
      "      <mac address='00:16:3e:2b:2b:2b'/>\n" +
      "      <source bridge='xenbr0'/>\n" +
      '    </interface>\n' +
      "    <serial type='pty'>\n" +
      "      <target port='0'/>\n" +
      '    </serial>\n' +
      "    <console type='pty'>\n" +
      "      <target type='serial' port='0'/>\n" +
      '    </console>\n' +
      '  </devices>\n' +
      '</domain>\n\n',
    );
    expect((await run(env, 'virsh dumpxml --inactive chef')).out).toMatch(/^<domain type='xen'>\n/);
  });

  it('shows the boot files, the catalog image (in the lab\'s metadata) and escapes what XML reserves', async () => {
    const env = makeEnv();
    env.host.add(parseXlCfg('name = "web"\nmemory = 64\nmaxmem = 128\nimage = "linux"\nkernel = "/boot/vmlinuz"\nramdisk = "/boot/initrd.img"\nextra = "console=ttyS0 quiet <&\\"\'>"\ndisk = [ "/dev/vg/web,raw,xvdb,ro" ]\n').config);
    const xml = (await run(env, 'virsh dumpxml web')).out;
    expect(xml).toMatch(/^<domain type='xen'>\n/);
    expect(xml).toContain("  <metadata>\n    <virtlab:image xmlns:virtlab='https://virtlab.dev/xmlns/domain/1'>linux</virtlab:image>\n  </metadata>\n");
    expect(xml).toContain("  <memory unit='KiB'>131072</memory>\n  <currentMemory unit='KiB'>65536</currentMemory>\n");
    expect(xml).toContain('    <kernel>/boot/vmlinuz</kernel>\n    <initrd>/boot/initrd.img</initrd>\n');
    expect(xml).toContain('    <cmdline>console=ttyS0 quiet &lt;&amp;&quot;&apos;&gt;</cmdline>\n');
    expect(xml).toContain("    <disk type='block' device='disk'>\n      <driver name='phy' type='raw'/>\n      <source dev='/dev/vg/web'/>\n      <target dev='xvdb' bus='xen'/>\n      <readonly/>\n    </disk>\n");
  });

  it('says libvirt\'s words for a domain that does not exist', async () => {
    expect(await run(makeEnv(), 'virsh dumpxml nosuch')).toEqual({ out: '\n', err: "error: failed to get domain 'nosuch'\n", status: 1 });
  });
});

describe('virsh lifecycle', () => {
  it('shutdown and reboot take --mode agent (or paravirt); other modes are refused in libvirt\'s words', async () => {
    const env = lab();
    expect((await run(env, 'virsh reboot --mode agent chef')).out).toBe("Domain 'chef' is being rebooted\n\n");
    expect(await run(env, 'virsh shutdown chef --mode acpi')).toEqual({
      out: '\n', err: 'error: argument unsupported: mode acpi is not supported in this lab: its guests are asked through their guest agent (--mode agent)\n', status: 1,
    });
    expect((await run(env, 'virsh shutdown chef --mode bogus')).err).toBe("error: Unknown mode bogus value, expecting 'acpi', 'agent', 'initctl', 'signal' or 'paravirt'\n");
    expect(env.host.calls).toEqual(['reboot chef']);
    expect((await run(env, 'virsh shutdown --mode acpi,paravirt chef')).out).toBe("Domain 'chef' is being shutdown\n\n");
    expect(env.host.recs.get('chef')!.state).toBe('shut off');
  });

  it('start --paused leaves the new domain paused', async () => {
    const env = lab();
    expect(await run(env, 'virsh start --paused web')).toEqual({ out: "Domain 'web' started\n\n", err: '', status: 0 });
    expect(env.host.calls).toContain('start --paused web');
    expect((await run(env, 'virsh domstate web')).out).toBe('paused\n\n');
  });

  it('starts, suspends, resumes, reboots, shuts down and destroys', async () => {
    const env = lab();
    const h = env.host;
    expect(await run(env, 'virsh start web')).toEqual({ out: "Domain 'web' started\n\n", err: '', status: 0 });
    expect(h.recs.get('web')!.state).toBe('running');
    expect((await run(env, 'virsh suspend web')).out).toBe("Domain 'web' suspended\n\n");
    expect(h.recs.get('web')!.state).toBe('paused');
    expect((await run(env, 'virsh resume web')).out).toBe("Domain 'web' resumed\n\n");
    expect((await run(env, 'virsh reboot web')).out).toBe("Domain 'web' is being rebooted\n\n");
    expect((await run(env, 'virsh shutdown web')).out).toBe("Domain 'web' is being shutdown\n\n");
    expect(h.recs.get('web')!.state).toBe('shut off');
    expect((await run(env, 'virsh destroy chef')).out).toBe("Domain 'chef' destroyed\n\n");
    expect(h.calls).toEqual(['start web', 'suspend web', 'resume web', 'reboot web', 'shutdown web', 'destroy chef']);
  });

  it('reports a shutdown the guest ignores, and that the domain still runs', async () => {
    const env = lab();
    env.host.stubborn.add('chef');
    expect(await run(env, 'virsh shutdown chef')).toEqual({
      out: "Domain 'chef' is being shutdown\n\n",
      err: "warning: the guest did not respond to the shutdown request; 'chef' is still running (virsh destroy chef forces it off)\n",
      status: 0,
    });
    expect(env.host.recs.get('chef')!.state).toBe('running');
  });

  it('prints "Failed to … domain" and the hypervisor’s reason', async () => {
    const env = lab();
    expect(await run(env, 'virsh start chef')).toEqual({ out: '\n', err: 'error: Domain is already active\n', status: 1 });
    expect((await run(env, 'virsh destroy web')).err).toBe("error: Failed to destroy domain 'web'\nerror: Requested operation is not valid: domain is not running\n");
    expect((await run(env, 'virsh resume chef')).err).toBe("error: Failed to resume domain 'chef'\nerror: Requested operation is not valid: domain is not paused\n");
    expect((await run(env, 'virsh undefine chef')).err).toBe("error: Failed to undefine domain 'chef'\nerror: Requested operation is not valid: cannot undefine a running domain\n");
  });

  it('surfaces admission: the host refuses a domain that does not fit', async () => {
    const env = lab(); // chef holds 512 of host1's 1024 MiB
    env.host.add(cfg('big', 1024));
    expect(await run(env, 'virsh start big')).toEqual({
      out: '\n',
      err: "error: Failed to start domain 'big'\nerror: not enough free memory on host1 (needed 1024 MiB, free 512 MiB)\n",
      status: 1,
    });
    expect(env.host.recs.get('big')!.state).toBe('shut off');
  });

  it('opens the console, after start --console too', async () => {
    const env = lab();
    expect((await run(env, 'virsh console chef')).out).toBe("Connected to domain 'chef'\n(its console is open in the dashboard; this shell stays in dom0)\n\n");
    expect((await run(env, 'virsh console web')).err).toBe('error: The domain is not running\n');
    expect((await run(env, 'virsh start web --console')).out).toContain("Domain 'web' started\nConnected to domain 'web'\n");
    expect(env.host.consoles).toEqual(['chef', 'web']);
  });

  it('marks and unmarks autostart', async () => {
    const env = lab();
    expect((await run(env, 'virsh autostart web')).out).toBe("Domain 'web' marked as autostarted\n\n");
    expect((await run(env, 'virsh dominfo web')).out).toContain('Autostart:      enable\n');
    expect((await run(env, 'virsh autostart --disable web')).out).toBe("Domain 'web' unmarked as autostarted\n\n");
  });
});

describe('virsh define / undefine', () => {
  it('defines the seed’s chef from /etc/xen/chef, reporting the ignored keys', async () => {
    const env = makeEnv();
    env.fs.writeFile('/etc/xen/chef', CHEF);
    expect(await run(env, 'virsh define /etc/xen/chef')).toEqual({
      out: "Domain 'chef' defined from /etc/xen/chef\n\n",
      err: 'warning: line 6: bootloader: not used by the lab (kept as written)\nwarning: line 10: vfb: not used by the lab (kept as written)\n',
      status: 0,
    });
    const d = env.host.domains()[0];
    expect(d).toMatchObject({ name: 'chef', uuid: 'f4e2e3b4-7f3d-4b1b-8b3b-3b4b1b7f3d4b', state: 'shut off', memoryMiB: 1024 });
    expect(d.config.disks[0].target).toBe('/vm/chef.dsk');
  });

  it('reads relative paths from the current directory and keeps the UUID when redefining a file without one', async () => {
    const env = makeEnv();
    env.cwdValue = '/etc/xen';
    env.fs.writeFile('/etc/xen/web', 'name = "web"\nmemory = 64\n');
    await run(env, 'virsh define web');
    const uuid = env.host.domains()[0].uuid;
    env.fs.writeFile('/etc/xen/web', 'name = "web"\nmemory = 96\n');
    expect((await run(env, 'virsh define web')).status).toBe(0);
    expect(env.host.domains()).toMatchObject([{ uuid, memoryMiB: 96 }]);
  });

  it('reports a file it cannot read, and a config error with its line and key', async () => {
    const env = makeEnv();
    expect((await run(env, 'virsh define /etc/xen/nosuch')).err).toBe("error: Failed to open file '/etc/xen/nosuch': No such file or directory\n");
    env.fs.writeFile('/etc/xen/bad', '# bad\nname = "bad"\n\nmemory = "lots"\n');
    expect(await run(env, 'virsh define /etc/xen/bad')).toEqual({
      out: '\n',
      err: 'error: Failed to define domain from /etc/xen/bad\nerror: line 4: memory: "lots" is not a number of MiB\n',
      status: 1,
    });
    env.fs.writeFile('/etc/xen/smp', 'name = "smp"\nvcpus = 2\n');
    expect((await run(env, 'virsh define /etc/xen/smp')).err).toBe(
      'error: Failed to define domain from /etc/xen/smp\nerror: unsupported configuration: 2 vCPUs: this lab runs 1 vCPU per domain\n',
    );
  });

  it('create defines the domain from its xl.cfg file and starts it (paused with --paused, attached with --console)', async () => {
    const env = makeEnv();
    env.fs.writeFile('/etc/xen/chef', CHEF);
    expect(await run(env, 'virsh create /etc/xen/chef')).toEqual({
      out: "Domain 'chef' created from /etc/xen/chef\n\n",
      err: 'warning: line 6: bootloader: not used by the lab (kept as written)\nwarning: line 10: vfb: not used by the lab (kept as written)\n',
      status: 0,
    });
    expect(env.host.calls).toEqual(['define chef', 'start chef']);
    expect(env.host.domains()[0]).toMatchObject({ name: 'chef', state: 'running', id: 1 });
    expect(await run(env, 'virsh create /etc/xen/chef')).toEqual({
      out: '\n',
      err: 'warning: line 6: bootloader: not used by the lab (kept as written)\nwarning: line 10: vfb: not used by the lab (kept as written)\n' +
        "error: Failed to create domain from /etc/xen/chef\nerror: operation failed: domain 'chef' already exists with uuid f4e2e3b4-7f3d-4b1b-8b3b-3b4b1b7f3d4b\n",
      status: 1,
    });
    await run(env, 'virsh destroy chef'); // room on the host
    env.fs.writeFile('/etc/xen/web', 'name = "web"\nimage = "linux"\nmemory = 64\n');
    expect((await run(env, 'virsh create --paused --console /etc/xen/web')).out).toBe("Domain 'web' created from /etc/xen/web\nConnected to domain 'web'\n(its console is open in the dashboard; this shell stays in dom0)\n\n");
    expect(env.host.domains().find((d) => d.name === 'web')?.state).toBe('paused');
  });

  it('create reports what define and start report, under its own heading', async () => {
    const env = makeEnv();
    expect((await run(env, 'virsh create /etc/xen/nosuch')).err).toBe("error: Failed to open file '/etc/xen/nosuch': No such file or directory\n");
    env.fs.writeFile('/etc/xen/smp', 'name = "smp"\nvcpus = 2\n');
    expect((await run(env, 'virsh create /etc/xen/smp')).err).toBe(
      'error: Failed to create domain from /etc/xen/smp\nerror: unsupported configuration: 2 vCPUs: this lab runs 1 vCPU per domain\n',
    );
    env.fs.writeFile('/etc/xen/big', 'name = "big"\nimage = "linux"\nmemory = 4096\n');
    const big = await run(env, 'virsh create /etc/xen/big');
    expect(big.status).toBe(1);
    expect(big.err).toMatch(/^error: Failed to create domain from \/etc\/xen\/big\nerror: .*memory/);
  });

  it('undefines a shut-off domain', async () => {
    const env = lab();
    expect((await run(env, 'virsh undefine web')).out).toBe("Domain 'web' has been undefined\n\n");
    expect(env.host.domains().map((d) => d.name)).toEqual(['chef']);
  });
});

describe('virsh command line', () => {
  it.each([
    ['virsh foo', "error: unknown command: 'foo'\n"],
    ['virsh start', "error: command 'start' requires <domain> option\n"],
    ['virsh list --bogus', "error: command 'list' doesn't support option --bogus\n"],
    ['virsh start chef extra', "error: unexpected data 'extra'\n"],
    ['virsh list --all=yes', "error: invalid '=' after option --all\n"],
    ['virsh domstate --domain', 'error: expected syntax: --domain <string>\n'],
    ['virsh', "virsh: the interactive virsh shell is not available here; run 'virsh COMMAND …' (see 'virsh help')\n"],
  ])('%s', async (line, err) => {
    expect(await run(lab(), line)).toEqual({ out: '', err, status: 1 });
  });

  it('accepts --domain=NAME, a connection URI and --', async () => {
    const env = lab();
    expect((await run(env, 'virsh -c xen:/// domstate --domain=chef')).out).toBe('running\n\n');
    expect((await run(env, 'virsh --connect=xen:/// domstate -- chef')).out).toBe('running\n\n');
  });

  it('has help, for all commands and for one', async () => {
    const env = lab();
    const all = (await run(env, 'virsh help')).out;
    expect(all).toContain(" Domain Management (help keyword 'domain'):\n");
    expect(all).toContain(`    ${'start'.padEnd(30)} start a (previously defined) inactive domain\n`);
    expect(all).toContain(`    ${'list'.padEnd(30)} list domains\n`);
    const one = (await run(env, 'virsh help start')).out;
    expect(one).toContain('  NAME\n    start - start a (previously defined) inactive domain\n');
    expect(one).toContain('  SYNOPSIS\n    start [--domain] <domain> [--console] [--paused]\n');
    expect((await run(env, 'virsh start --help')).out).toBe(one);
    expect((await run(env, 'virsh help nosuch')).err).toBe("error: command or command group 'nosuch' doesn't exist\n");
  });
});
