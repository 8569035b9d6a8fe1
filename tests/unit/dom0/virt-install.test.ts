import { describe, expect, it } from 'vitest';
import { parseXlCfg } from '../../../src/hypervisor/xen/xlcfg.ts';
import { makeEnv, run } from './run.ts';

const SEED = 'virt-install -n chef -r 1024 -f /vm/chef.img -l http://example.com/myos --nographics';

describe('virt-install', () => {
  it('refuses the seed’s network install with a hint, creating nothing', async () => {
    const env = makeEnv();
    expect(await run(env, SEED)).toEqual({
      out: '',
      err: 'ERROR    Network installs (--location http://example.com/myos) are not supported in this lab: there is no installer to run.\n' +
        'Use --image NAME to boot a ready-made guest (linux, counter), e.g. --image linux\n',
      status: 1,
    });
    expect(env.host.domains()).toEqual([]);
    expect(env.fs.stat('/etc/xen/chef')).toBeUndefined();
  });

  it('with --image, writes /etc/xen/NAME, defines and starts the domain, and opens its console', async () => {
    const env = makeEnv();
    expect(await run(env, 'virt-install -n chef -r 1024 -f /vm/chef.img --image linux --nographics')).toEqual({
      out: '\nStarting install...\n' +
        'Domain config saved in /etc/xen/chef\n' +
        'Creating domain...\n' +
        'Running text console command: virsh console chef\n' +
        "Connected to domain 'chef'\n(its console is open in the dashboard; this shell stays in dom0)\n" +
        'Domain creation completed.\n',
      err: '',
      status: 0,
    });
    expect(env.fs.readFile('/etc/xen/chef')).toBe(`name = "chef"
uuid = "10111213-1415-4617-9819-1a1b1c1d1e1f"
maxmem = 1024
memory = 1024
vcpus = 1
image = "linux"
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "destroy"
disk = [ "/vm/chef.img,raw,xvda,rw" ]
vif = [ "mac=00:16:3e:20:21:22,bridge=xenbr0" ]
`);
    expect(env.host.calls).toEqual(['define chef', 'start chef']);
    expect(env.host.consoles).toEqual(['chef']);
    const [d] = env.host.domains();
    expect(d).toMatchObject({ name: 'chef', state: 'running', memoryMiB: 1024 });
    expect(parseXlCfg(env.fs.readFile('/etc/xen/chef')).config).toEqual(d.config);
  });

  it('keeps the seed’s -l when an image is given, with a warning', async () => {
    const env = makeEnv();
    const r = await run(env, `${SEED} --image linux --noautoconsole`);
    expect(r.err).toBe("WARNING  --location is ignored: the domain boots the image 'linux'\n");
    expect(r.out).toBe('\nStarting install...\nDomain config saved in /etc/xen/chef\nCreating domain...\nDomain creation completed.\n');
    expect(env.host.consoles).toEqual([]);
  });

  it('takes the image’s memory by default, and long options with =', async () => {
    const env = makeEnv();
    await run(env, 'virt-install --name=tiny --image=counter --noautoconsole --network none --disk none');
    expect(env.host.domains()[0]).toMatchObject({ name: 'tiny', memoryMiB: 16 });
    expect(env.fs.readFile('/etc/xen/tiny')).not.toMatch(/^(disk|vif) =/m);
  });

  it('boots a kernel with initrd and arguments, disks with size and format, NICs with a MAC', async () => {
    const env = makeEnv();
    const r = await run(env, `virt-install -n k -r 64 --boot 'kernel=/boot/Image,initrd=/boot/initrd.gz,kernel_args="console=ttyS0,115200 quiet"' ` +
      '--disk path=/vm/k.img,size=8 --disk /vm/data.qcow2,format=qcow2,readonly=on --network bridge=xenbr1,mac=00:16:3e:00:00:01 --autostart --noautoconsole');
    expect(r.status).toBe(0);
    const { config } = parseXlCfg(env.fs.readFile('/etc/xen/k'));
    expect(config).toMatchObject({ kernel: '/boot/Image', ramdisk: '/boot/initrd.gz', cmdline: 'console=ttyS0,115200 quiet', cmdlineKey: 'extra' });
    expect(config.disks.map((d) => [d.target, d.format, d.vdev, d.access])).toEqual([['/vm/k.img', 'raw', 'xvda', 'rw'], ['/vm/data.qcow2', 'qcow2', 'xvdb', 'ro']]);
    expect(config.vifs).toEqual([{ mac: '00:16:3e:00:00:01', bridge: 'xenbr1', options: [] }]);
    expect(env.host.domains()[0].autostart).toBe(true);
  });

  it.each([
    ['virt-install --image linux', 'ERROR    --name is required\n'],
    ['virt-install -n x', 'ERROR    An install method must be specified (--image NAME, or --boot kernel=PATH)\n'],
    ['virt-install -n x --boot kernel=/k', 'ERROR    --memory amount in MiB is required\n'],
    ['virt-install -n x --image linux -r lots', "ERROR    --memory must be a whole number from 16 to 2048 MiB (got 'lots')\n"],
    ['virt-install -n x --image linux -r 4096', "ERROR    --memory must be a whole number from 16 to 2048 MiB (got '4096')\n"],
    ['virt-install -n x --image linux --vcpus 99', "ERROR    --vcpus must be a whole number from 1 to 8 (got '99')\n"],
    ['virt-install -n "bad name" --image linux', "ERROR    Invalid name for the domain 'bad name': use up to 32 letters, digits, '-', '_' or '.', starting with a letter or digit\n"],
    ['virt-install -n x --image nosuch', "ERROR    no image named 'nosuch' (available: linux, counter)\n"],
    ['virt-install -n x --image linux --disk path=/vm/x.img,size=abc', "ERROR    disk size must be a number of GiB from 0 to 1024 (got 'abc')\n"],
    ['virt-install -n x --image linux --disk path=/vm/x.img,color=red', "ERROR    Unknown --disk options: ['color']\n"],
    ['virt-install -n x --image linux --network mac=01:00:00:00:00:01', 'ERROR    --network mac: 01:00:00:00:00:01 is a multicast address (lowest bit of the first byte set); a NIC needs a unicast one\n'],
    ['virt-install -n x --cdrom /dev/dvd', 'ERROR    Installs from a CD-ROM (--cdrom) are not supported in this lab: there is no installer to run.\nUse --image NAME to boot a ready-made guest (linux, counter), e.g. --image linux\n'],
  ])('%s', async (line, err) => {
    const env = makeEnv();
    expect(await run(env, line)).toEqual({ out: '', err, status: 1 });
    expect(env.host.calls).toEqual([]);
    expect(env.fs.readdir('/etc/xen')).toEqual(['xlexample.linux']);
  });

  it('uses argparse’s messages for arguments it does not know or that lack a value', async () => {
    const env = makeEnv();
    expect(await run(env, 'virt-install -n x --frobnicate')).toEqual({
      out: '', err: 'usage: virt-install --name NAME --memory MB STORAGE INSTALL [options]\nvirt-install: error: unrecognized arguments: --frobnicate\n', status: 2,
    });
    expect((await run(env, 'virt-install --name')).err).toContain('virt-install: error: argument --name/-n: expected one argument\n');
  });

  it('refuses a name in use, and an existing config file', async () => {
    const env = makeEnv();
    await run(env, 'virt-install -n a --image linux --noautoconsole');
    expect((await run(env, 'virt-install -n a --image linux')).err).toBe("ERROR    Guest name 'a' is already in use.\n");
    env.fs.writeFile('/etc/xen/b', 'name = "b"\n');
    expect((await run(env, 'virt-install -n b --image linux')).err).toBe("ERROR    /etc/xen/b already exists: remove it, or create the domain from it with 'xl create /etc/xen/b'\n");
  });

  it('leaves nothing behind when the host refuses the domain', async () => {
    const env = makeEnv();
    await run(env, 'virt-install -n a -r 512 --image linux --noautoconsole');
    const r = await run(env, 'virt-install -n big -r 1024 --image linux');
    expect(r.status).toBe(1);
    expect(r.err).toBe('ERROR    not enough free memory on host1 (needed 1024 MiB, free 512 MiB)\nDomain installation does not appear to have been successful.\n');
    expect(env.host.domains().map((d) => d.name)).toEqual(['a']);
    expect(env.fs.stat('/etc/xen/big')).toBeUndefined();
    expect(env.host.calls.slice(-3)).toEqual(['define big', 'start big', 'undefine big']);
  });

  it('says graphics are not available, and has --help', async () => {
    const env = makeEnv();
    expect((await run(env, 'virt-install -n g --image linux --vnc --noautoconsole')).err).toBe('WARNING  Graphics are not available in this lab: the guest gets a serial console.\n');
    expect((await run(env, 'virt-install --help')).out).toContain('--image NAME                boot a lab image');
  });
});
