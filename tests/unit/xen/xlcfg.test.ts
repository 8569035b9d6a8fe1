import { describe, expect, it } from 'vitest';
import { formatDisk, formatVif, parseDisk, parseVif } from '../../../src/hypervisor/xen/devices.ts';
import { generateMac, generateUuid, macProblem } from '../../../src/hypervisor/xen/ids.ts';
import { bootOf, parseXlCfg, serializeXlCfg, XlCfgError, type XlConfig } from '../../../src/hypervisor/xen/xlcfg.ts';
import { MAX_CFG_CHARS, MAX_LIST_ITEMS, MAX_STRING_CHARS } from '../../../src/hypervisor/xen/xlcfg-syntax.ts';
import { CHEF } from './chef.ts';

/** The seed's /etc/xen/chef, exactly as written there. */

const fixed = (byte: number) => (b: Uint8Array) => b.fill(byte);

function error(text: string): string {
  try {
    parseXlCfg(text, { random: fixed(0) });
  } catch (e) {
    expect(e).toBeInstanceOf(XlCfgError);
    return (e as Error).message;
  }
  throw new Error('parsed without error');
}

function roundTrips(c: XlConfig): void {
  const text = serializeXlCfg(c);
  expect(parseXlCfg(text, { random: fixed(0) }).config).toEqual(c);
  expect(serializeXlCfg(parseXlCfg(text).config)).toBe(text); // stable
}

describe('xl.cfg: the seed', () => {
  it('parses the seed’s chef config as written', () => {
    const { config, warnings, uuidGenerated } = parseXlCfg(CHEF);
    expect(config).toEqual({
      name: 'chef',
      uuid: 'f4e2e3b4-7f3d-4b1b-8b3b-3b4b1b7f3d4b',
      memory: 1024,
      maxmem: 1024,
      vcpus: 1,
      cmdlineKey: 'extra',
      disks: [{ target: '/vm/chef.dsk', format: 'raw', vdev: 'xvda', access: 'rw', devtype: 'disk', legacyPrefix: 'file:', options: [] }],
      vifs: [{ mac: '00:16:3e:2b:2b:2b', bridge: 'xenbr0', options: [] }],
      onPoweroff: 'destroy',
      onReboot: 'restart',
      onCrash: 'restart',
      other: [{ key: 'bootloader', source: '"/usr/bin/pygrub"' }, { key: 'vfb', source: '[ ]' }],
    });
    expect(uuidGenerated).toBe(false);
    expect(warnings).toEqual([
      { line: 6, key: 'bootloader', message: 'not used by the lab (kept as written)' },
      { line: 10, key: 'vfb', message: 'not used by the lab (kept as written)' },
    ]);
  });

  it('writes it back in a stable order, keeping the ignored keys and the legacy disk form', () => {
    const { config } = parseXlCfg(CHEF);
    expect(serializeXlCfg(config)).toBe(`name = "chef"
uuid = "f4e2e3b4-7f3d-4b1b-8b3b-3b4b1b7f3d4b"
maxmem = 1024
memory = 1024
vcpus = 1
on_poweroff = "destroy"
on_reboot = "restart"
on_crash = "restart"
disk = [ "file:/vm/chef.dsk,xvda,w" ]
vif = [ "mac=00:16:3e:2b:2b:2b,bridge=xenbr0" ]
bootloader = "/usr/bin/pygrub"
vfb = [ ]
`);
    roundTrips(config);
  });
});

describe('xl.cfg: defaults', () => {
  it('fills in what libxl fills in', () => {
    const { config, uuidGenerated, warnings } = parseXlCfg('name = "a"', { random: fixed(0xff) });
    expect(config).toMatchObject({
      memory: 128, maxmem: 128, vcpus: 1, onPoweroff: 'destroy', onReboot: 'restart', onCrash: 'destroy', disks: [], vifs: [], other: [],
    });
    expect(config.uuid).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
    expect(uuidGenerated).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('makes memory and maxmem default to each other', () => {
    expect(parseXlCfg('name="a"\nmemory=512').config).toMatchObject({ memory: 512, maxmem: 512 });
    expect(parseXlCfg('name="a"\nmaxmem=512').config).toMatchObject({ memory: 512, maxmem: 512 });
    expect(parseXlCfg('name="a"\nmemory=256\nmaxmem=512').config).toMatchObject({ memory: 256, maxmem: 512 });
  });

  it('generates a v4 UUID per config and lowercases a given one', () => {
    const a = parseXlCfg('name="a"').config.uuid;
    const b = parseXlCfg('name="a"').config.uuid;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
    expect(parseXlCfg('name="a"\nuuid="F4E2E3B4-7F3D-4B1B-8B3B-3B4B1B7F3D4B"').config.uuid).toBe('f4e2e3b4-7f3d-4b1b-8b3b-3b4b1b7f3d4b');
  });
});

describe('xl.cfg: syntax', () => {
  it('reads both quotes, comments, blank lines, ";", hex, quoted numbers and multi-line lists', () => {
    const { config } = parseXlCfg(`# a comment
name = 'web'   # trailing comment

memory = "256"; vcpus = 0x1
extra = "console=hvc0 root=/dev/xvda1 msg=\\"hi\\"\\t\\x41"
disk = [
    # the system disk
    "/vm/web.img,raw,xvda,rw",
    '/vm/data.qcow2,qcow2,xvdb,ro',
]
`);
    expect(config).toMatchObject({ name: 'web', memory: 256, vcpus: 1, cmdline: 'console=hvc0 root=/dev/xvda1 msg="hi"\tA', cmdlineKey: 'extra' });
    expect(config.disks.map((d) => [d.target, d.format, d.vdev, d.access])).toEqual([
      ['/vm/web.img', 'raw', 'xvda', 'rw'],
      ['/vm/data.qcow2', 'qcow2', 'xvdb', 'ro'],
    ]);
  });

  it('keeps the last of a repeated key, and appends lists with +=', () => {
    const { config } = parseXlCfg('name="a"\nmemory=64\nmemory=96\nvif=["mac=00:16:3e:00:00:01"]\nvif += ["mac=00:16:3e:00:00:02"]');
    expect(config.memory).toBe(96);
    expect(config.vifs.map((v) => v.mac)).toEqual(['00:16:3e:00:00:01', '00:16:3e:00:00:02']);
  });
});

describe('xl.cfg: every error names the line and the key', () => {
  it.each([
    ['# chef\nname = "chef"\n\nmemory = "lots"\n', 'line 4: memory: "lots" is not a number of MiB'],
    ['name = "a"\nmemory = [ 1 ]', 'line 2: memory: a list is not a number of MiB'],
    ['name = chef', 'line 1: name: chef must be quoted ("chef"), or written as a number'],
    ['name = "a"\nmemory = 1024M', 'line 2: memory: 1024M must be quoted ("1024M"), or written as a number'],
    ['name = "a"\nmemory = 1024 MiB', 'line 2: memory: unexpected "MiB" after the value'],
    ['name "x"', 'line 1: name: expected "=" after the key, found "x"'],
    ['= 3', 'line 1: expected a setting name (key = value), found "="'],
    ['name = ', 'line 1: name: expected a value, found end of file'],
    ['name = "chef', 'line 1: name: unterminated string (a string ends on the line it starts)'],
    ['name = "a\\qb"', 'line 1: name: invalid escape "\\q" in a string'],
    ['name = "a"\nx = @', 'line 2: x: @ must be quoted ("@"), or written as a number'],
    ['name = "a"\nx = \f1', 'line 2: x: unexpected character "\\f"'],
    ['name = "a"\ndisk = [ "/vm/a,raw,xvda"', 'line 2: disk: list opened on line 2 is not closed with "]"'],
    ['name = "a"\ndisk = [ "/vm/a,raw,xvda",\n', 'line 3: disk: list opened on line 2 is not closed with "]"'],
    ['name = "a"\nvif = [ "a" "b" ]', 'line 2: vif: expected "," or "]" in the list, found "b"'],
    ['name = "a"\nvif += "x"', 'line 2: vif: "+=" appends to a list: both sides must be lists'],
    ['memory = 128', 'name: missing: every domain needs a name (name = "…")'],
    ['name = "bad name"', 'line 1: name: "bad name" is not a valid name: up to 32 letters, digits, "-", "_" or ".", starting with a letter or digit'],
    ['name = 5', 'line 1: name: must be a quoted string, not the number 5'],
    ['name = "a"\nuuid = "xyz"', 'line 2: uuid: "xyz" is not a UUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)'],
    ['name = "a"\nmemory = 4096', "line 2: memory: 4096 MiB is out of range: the lab's guests have 16–2048 MiB"],
    ['name = "a"\nmemory = 8', "line 2: memory: 8 MiB is out of range: the lab's guests have 16–2048 MiB"],
    ['name = "a"\nmemory = 512\nmaxmem = 256', 'line 3: maxmem: 256 MiB is less than memory (512 MiB): maxmem is the ceiling memory can balloon up to'],
    ['name = "a"\nvcpus = 9', 'line 2: vcpus: 9 is out of range: 1–8 vCPUs'],
    ['name = "a"\nvcpus = 0', 'line 2: vcpus: 0 is out of range: 1–8 vCPUs'],
    ['name = "a"\nvcpus = "two"', 'line 2: vcpus: "two" is not a number of vCPUs'],
    ['name = "a"\nimage = "Linux!"', 'line 2: image: "Linux!" is not an image name (lowercase letters, digits, "-" or "_")'],
    ['name = "a"\nkernel = 7', 'line 2: kernel: must be a quoted string, not the number 7'],
    ['name = "a"\non_crash = "coredump-destroy"', 'line 2: on_crash: "coredump-destroy" is not one of destroy, restart, preserve, rename-restart'],
    ['name = "a"\non_poweroff = "halt"', 'line 2: on_poweroff: "halt" is not one of destroy, restart, preserve, rename-restart'],
    ['name = "a"\ndisk = "file:/x,xvda,w"', 'line 2: disk: must be a list: disk = [ "…", "…" ]'],
    ['name = "a"\ndisk = [ 3 ]', 'line 2: disk: list items must be quoted strings, not the number 3'],
    ['name = "a"\ndisk = [ "/vm/a.img,vmdk,xvda,rw" ]', 'line 2: disk: format "vmdk" is not one of raw, qcow, qcow2, vhd, qed'],
    ['name = "a"\ndisk = [ "/vm/a.img" ]', 'line 2: disk: no vdev in "/vm/a.img" (the name the guest sees, e.g. xvda)'],
    ['name = "a"\ndisk = [ "/vm/a.img,raw,xvda,x" ]', 'line 2: disk: access "x" is not r, ro, w or rw'],
    ['name = "a"\ndisk = [ "/vm/a.img,raw,xvda,rw,more" ]', 'line 2: disk: "more": too many positional parameters (target, format, vdev, access)'],
    ['name = "a"\ndisk = [ "foo=bar,/vm/a.img,raw,xvda" ]', 'line 2: disk: "foo=bar" is not a disk parameter (target, format, vdev, access, devtype, backendtype, script)'],
    ['name = "a"\ndisk = [ "/vm/a.img,raw,disk0" ]', 'line 2: disk: "disk0" is not a virtual disk name (xvda, xvdb, hda, sda, …)'],
    ['name = "a"\ndisk = [ ",raw,xvda,rw" ]', 'line 2: disk: no target in ",raw,xvda,rw" (the file or device that backs the disk)'],
    ['name = "a"\ndisk = [ "/vm/a,raw,xvda,rw", "/vm/b,raw,xvda,rw" ]', 'line 2: disk: two disks are both xvda'],
    ['name = "a"\ndisk = [\n  "/vm/a,raw,xvda,rw",\n  "/vm/b,raw,xvdb,maybe",\n]', 'line 4: disk: access "maybe" is not r, ro, w or rw'],
    ['name = "a"\nvif = [ "mac=00:16:3e:zz:00:01" ]', 'line 2: vif: "00:16:3e:zz:00:01" is not a MAC address (six hex bytes: 00:16:3e:12:34:56)'],
    ['name = "a"\nvif = [ "mac=01:00:5e:00:00:01" ]', 'line 2: vif: 01:00:5e:00:00:01 is a multicast address (lowest bit of the first byte set); a NIC needs a unicast one'],
    ['name = "a"\nvif = [ "bridge=br 0" ]', 'line 2: vif: "br 0" is not a bridge name (up to 15 letters, digits, ".", "-" or "_")'],
    ['name = "a"\nvif = [ "xenbr0" ]', 'line 2: vif: "xenbr0" is not a key=value NIC parameter (mac=…, bridge=…)'],
    [`name = "${'x'.repeat(MAX_STRING_CHARS + 1)}"`, `line 1: name: string longer than ${MAX_STRING_CHARS} characters`],
    [`name = "a"\npci = [ ${Array(MAX_LIST_ITEMS + 1).fill('"x"').join(', ')} ]`, `line 2: pci: list longer than ${MAX_LIST_ITEMS} items`],
    ['name = "a"\nvnuma = [[[[[ "x" ]]]]]', 'line 2: vnuma: lists nested deeper than 4'],
  ])('%j', (text, message) => {
    expect(error(text)).toBe(message);
  });

  it('refuses a file over the size limit before reading it', () => {
    expect(error(`# ${'x'.repeat(MAX_CFG_CHARS)}\nname = "a"`)).toBe(`config is ${MAX_CFG_CHARS + 13} characters long; the limit is ${MAX_CFG_CHARS}`);
  });

  it('carries the line and key as fields', () => {
    try {
      parseXlCfg('name = "a"\n\nvcpus = 99');
    } catch (e) {
      expect(e).toMatchObject({ line: 3, key: 'vcpus', detail: '99 is out of range: 1–8 vCPUs' });
      return;
    }
    throw new Error('no error');
  });
});

describe('xl.cfg: keys the lab does not model', () => {
  it('keeps them verbatim (multi-line, with comments inside) and says they are ignored', () => {
    const text = `name = "a"
builder = "generic"
pci = [
    "01:00.0",   # the NIC
    "02:00.0",
]
memroy = 512
`;
    const { config, warnings } = parseXlCfg(text);
    expect(config.other).toEqual([
      { key: 'builder', source: '"generic"' },
      { key: 'pci', source: '[\n    "01:00.0",   # the NIC\n    "02:00.0",\n]' },
      { key: 'memroy', source: '512' },
    ]);
    expect(warnings.map((w) => `line ${w.line}: ${w.key}: ${w.message}`)).toEqual([
      'line 2: builder: not used by the lab (kept as written)',
      'line 3: pci: not used by the lab (kept as written)',
      "line 7: memroy: not an xl.cfg key the lab knows (kept as written)",
    ]);
    expect(serializeXlCfg(config)).toContain('pci = [\n    "01:00.0",   # the NIC\n    "02:00.0",\n]\nmemroy = 512\n');
    roundTrips(config);
  });

  it('prefers cmdline over extra as xl does, keeping extra', () => {
    const { config, warnings } = parseXlCfg('name="a"\nextra="quiet"\ncmdline="console=ttyS0"');
    expect(config).toMatchObject({ cmdline: 'console=ttyS0', cmdlineKey: 'cmdline', other: [{ key: 'extra', source: '"quiet"' }] });
    expect(warnings[0]).toEqual({ line: 2, key: 'extra', message: 'ignored in favour of cmdline (as xl does); kept as written' });
    roundTrips(config);
  });

  it('writes the command line back under the key it was read from', () => {
    const { config } = parseXlCfg('name="a"\nextra="console=ttyS0"');
    expect(serializeXlCfg(config)).toContain('\nextra = "console=ttyS0"\n');
    expect(serializeXlCfg({ ...config, cmdlineKey: 'cmdline' })).toContain('\ncmdline = "console=ttyS0"\n');
  });

  it('warns when kernel overrides image, and about NIC parameters it keeps', () => {
    const { warnings } = parseXlCfg('name="a"\nimage="linux"\nkernel="/boot/Image"\nvif=["bridge=xenbr0,ip=10.0.0.2"]');
    expect(warnings.map((w) => w.message)).toEqual(['the kernel is used; image is ignored while kernel is set', 'ip=10.0.0.2: kept, not used by the lab']);
  });
});

describe('xl.cfg: round trips', () => {
  it.each([
    CHEF,
    'name="web"\nimage="linux"\nmemory=256\nmaxmem=512\nvcpus=2\non_crash="preserve"\non_reboot="rename-restart"',
    'name="k"\nkernel="/boot/Image"\nramdisk="/boot/initrd.gz"\ncmdline="console=ttyS0 msg=\\"a\\\\b\\"\\ttab"',
    'name="d"\ndisk=["phy:/dev/vg/d,xvdb,r", "tap:aio:/vm/t.img,xvdc,w", "format=qcow2,vdev=xvdd,access=ro,target=/vm/a,b.img", ",,hdc:cdrom,r", "/vm/x.img,raw,xvde,rw,script=block,discard"]',
    'name="n"\nvif=["bridge=xenbr1", "mac=00:16:3e:00:00:02,bridge=xenbr0,model=virtio,rate=10Mb/s"]',
  ])('%#', (text) => {
    roundTrips(parseXlCfg(text, { random: fixed(7) }).config);
  });
});

describe('disk specifications (xl-disk-configuration)', () => {
  it.each([
    ['file:/vm/chef.dsk,xvda,w', { target: '/vm/chef.dsk', format: 'raw', vdev: 'xvda', access: 'rw', legacyPrefix: 'file:' }, 'file:/vm/chef.dsk,xvda,w'],
    ['phy:/dev/vg/guest,xvdb,r', { target: '/dev/vg/guest', vdev: 'xvdb', access: 'ro', legacyPrefix: 'phy:' }, 'phy:/dev/vg/guest,xvdb,r'],
    ['tap:aio:/vm/x.img,xvdc,w', { target: '/vm/x.img', legacyPrefix: 'tap:aio:' }, 'tap:aio:/vm/x.img,xvdc,w'],
    ['qcow2:/vm/x.qcow2,xvda,w', { target: '/vm/x.qcow2', format: 'qcow2', vdev: 'xvda' }, '/vm/x.qcow2,qcow2,xvda,rw'],
    ['/vm/a.img,,xvda', { format: 'raw', access: 'rw' }, '/vm/a.img,raw,xvda,rw'],
    ['format=qcow2, vdev=xvdb, access=ro, target=/vm/a,b.img', { target: '/vm/a,b.img', format: 'qcow2', vdev: 'xvdb', access: 'ro' }, 'format=qcow2,vdev=xvdb,access=ro,target=/vm/a,b.img'],
    ['/vm/cd.iso,raw,hdc,devtype=cdrom', { devtype: 'cdrom', access: 'ro' }, '/vm/cd.iso,raw,hdc,ro,devtype=cdrom'],
    ['file:/vm/cd.iso,hdc:cdrom,r', { devtype: 'cdrom', vdev: 'hdc', legacyPrefix: 'file:' }, 'file:/vm/cd.iso,hdc,r,devtype=cdrom'],
    ['vdev=xvdc,cdrom', { target: '', devtype: 'cdrom', access: 'ro' }, 'format=raw,vdev=xvdc,access=ro,devtype=cdrom,target='],
    ['/vm/x.img,raw,xvda,rw,script=block,discard', { options: ['script=block', 'discard'] }, '/vm/x.img,raw,xvda,rw,script=block,discard'],
  ])('%s', (spec, expected, formatted) => {
    const d = parseDisk(spec);
    expect(d).toMatchObject(expected);
    expect(formatDisk(d)).toBe(formatted);
    expect(parseDisk(formatDisk(d))).toEqual(d);
  });
});

describe('NICs and generated identifiers', () => {
  it('generates MACs in Xen’s OUI with the top bit of the fourth byte clear', () => {
    expect(generateMac(fixed(0xff))).toBe('00:16:3e:7f:ff:ff');
    expect(generateMac((b) => b.set([0x80, 0x01, 0xab]))).toBe('00:16:3e:00:01:ab');
    for (let i = 0; i < 50; i++) {
      const mac = generateMac();
      expect(mac).toMatch(/^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$/);
      expect(macProblem(mac)).toBeUndefined();
    }
  });

  it('fills in a MAC and the xenbr0 bridge, and keeps other parameters', () => {
    expect(parseVif('', fixed(0x12))).toEqual({ mac: '00:16:3e:12:12:12', bridge: 'xenbr0', options: [] });
    const v = parseVif('bridge=xenbr1, mac=00:16:3E:AA:BB:CC ,model=virtio');
    expect(v).toEqual({ mac: '00:16:3e:aa:bb:cc', bridge: 'xenbr1', options: ['model=virtio'] });
    expect(formatVif(v)).toBe('mac=00:16:3e:aa:bb:cc,bridge=xenbr1,model=virtio');
  });

  it('checks MAC addresses', () => {
    expect(macProblem('00:16:3e:2b:2b:2b')).toBeUndefined();
    expect(macProblem('00:16:3e:2b:2b')).toMatch(/not a MAC address/);
    expect(macProblem('00-16-3e-2b-2b-2b')).toMatch(/not a MAC address/);
    expect(macProblem('03:16:3e:2b:2b:2b')).toMatch(/multicast/);
  });

  it('makes RFC 4122 version 4 UUIDs', () => {
    expect(generateUuid(fixed(0))).toBe('00000000-0000-4000-8000-000000000000');
    expect(generateUuid(fixed(0xff))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});

describe('boot source', () => {
  it('says what the domain boots', () => {
    const cfg = (t: string) => parseXlCfg(`name="a"\n${t}`).config;
    expect(bootOf(cfg('image="linux"\nextra="quiet"'))).toEqual({ kind: 'image', image: 'linux', cmdline: 'quiet' });
    expect(bootOf(cfg('image="linux"\nkernel="/k"\nramdisk="/r"'))).toEqual({ kind: 'kernel', kernel: '/k', ramdisk: '/r' });
    expect(bootOf(parseXlCfg(CHEF).config)).toEqual({ kind: 'none' });
  });
});
