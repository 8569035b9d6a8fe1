/**
 * `virsh dumpxml`: a domain as libvirt's domain XML (https://libvirt.org/formatdomain.html), as
 * the libxl driver would print it for a Xen guest booted from a kernel. The lab's domains are
 * defined in xl.cfg (DESIGN.md §5), so this is a view for reading, not a second format to edit:
 * `virsh define` takes xl.cfg.
 *
 * What the XML says that xl.cfg does not: a running domain's `id` attribute, the machine
 * (`riscv64`, `virt`) and the console. The lab's own `image` key goes in <metadata> under the
 * lab's namespace, where libvirt keeps what applications add. Keys the lab does not model
 * (bootloader, vfb, …) have no element here; `cat /etc/xen/NAME` shows them.
 */
import type { XlDisk, XlVif } from '../xen/xlcfg.ts';
import type { DomainInfo } from './api.ts';

/** The namespace of the lab's elements inside <metadata>. */
export const VIRTLAB_XMLNS = 'https://virtlab.dev/xmlns/domain/1';

/** Text and attribute values: the five characters XML reserves. */
export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

/** `inactive`: the persistent definition only (virsh dumpxml --inactive): no id. */
export function domainXml(d: DomainInfo, { inactive = false } = {}): string {
  const c = d.config;
  const out: string[] = [];
  const el = (depth: number, line: string) => out.push(`${'  '.repeat(depth)}${line}`);
  const text = (depth: number, tag: string, value: string, attrs = '') => el(depth, `<${tag}${attrs}>${xmlEscape(value)}</${tag}>`);

  const id = !inactive && d.id !== undefined ? ` id='${d.id}'` : '';
  el(0, `<domain type='xen'${id}>`);
  text(1, 'name', c.name);
  text(1, 'uuid', c.uuid);
  if (c.image !== undefined) {
    el(1, '<metadata>');
    text(2, 'virtlab:image', c.image, ` xmlns:virtlab='${VIRTLAB_XMLNS}'`);
    el(1, '</metadata>');
  }
  text(1, 'memory', String(c.maxmem * 1024), " unit='KiB'");
  text(1, 'currentMemory', String(c.memory * 1024), " unit='KiB'");
  text(1, 'vcpu', String(c.vcpus), " placement='static'");
  el(1, '<os>');
  el(2, "<type arch='riscv64' machine='virt'>hvm</type>");
  if (c.kernel !== undefined) text(2, 'kernel', c.kernel);
  if (c.ramdisk !== undefined) text(2, 'initrd', c.ramdisk);
  if (c.cmdline !== undefined) text(2, 'cmdline', c.cmdline);
  el(1, '</os>');
  el(1, "<clock offset='utc' adjustment='reset'/>");
  text(1, 'on_poweroff', c.onPoweroff);
  text(1, 'on_reboot', c.onReboot);
  text(1, 'on_crash', c.onCrash);
  el(1, '<devices>');
  for (const disk of c.disks) diskXml(disk, el);
  for (const vif of c.vifs) vifXml(vif, el);
  el(2, "<serial type='pty'>");
  el(3, "<target port='0'/>");
  el(2, '</serial>');
  el(2, "<console type='pty'>");
  el(3, "<target type='serial' port='0'/>");
  el(2, '</console>');
  el(1, '</devices>');
  el(0, '</domain>');
  return out.join('\n') + '\n';
}

type Emit = (depth: number, line: string) => void;

function diskXml(disk: XlDisk, el: Emit): void {
  // A path under /dev is a block device (libxl's phy backend); anything else an image file, which
  // libxl gives to QEMU's disk backend (qdisk).
  const block = disk.target.startsWith('/dev/');
  el(2, `<disk type='${block ? 'block' : 'file'}' device='${disk.devtype}'>`);
  el(3, `<driver name='${block ? 'phy' : 'qemu'}' type='${disk.format}'/>`);
  if (disk.target !== '') el(3, `<source ${block ? 'dev' : 'file'}='${xmlEscape(disk.target)}'/>`);
  el(3, `<target dev='${xmlEscape(disk.vdev)}' bus='xen'/>`);
  if (disk.access === 'ro') el(3, '<readonly/>');
  el(2, '</disk>');
}

function vifXml(vif: XlVif, el: Emit): void {
  el(2, "<interface type='bridge'>");
  el(3, `<mac address='${xmlEscape(vif.mac)}'/>`);
  el(3, `<source bridge='${xmlEscape(vif.bridge)}'/>`);
  el(2, '</interface>');
}
