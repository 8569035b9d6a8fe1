/** Identifiers Xen generates when a config leaves them out: domain UUIDs and NIC MAC addresses. */

/** Fills the array with random bytes; tests pass a deterministic one. */
export type RandomSource = (bytes: Uint8Array) => void;

export const cryptoRandom: RandomSource = (bytes) => { crypto.getRandomValues(bytes); };

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** An RFC 4122 version 4 (random) UUID, lowercase, as libxl writes them. */
export function generateUuid(random: RandomSource = cryptoRandom): string {
  const b = new Uint8Array(16);
  random(b);
  b[6] = (b[6] & 0x0f) | 0x40; // version 4
  b[8] = (b[8] & 0x3f) | 0x80; // variant 10xx (RFC 4122)
  const h = hex(b);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Xen's IEEE OUI: every MAC libxl makes up starts with it. */
export const XEN_OUI = '00:16:3e';

/**
 * A MAC in Xen's OUI with three random bytes. libxl clears the top bit of the fourth byte
 * (00:16:3e:00:00:00–7f:ff:ff is the range Xen hands out at random), and so do we.
 */
export function generateMac(random: RandomSource = cryptoRandom): string {
  const b = new Uint8Array(3);
  random(b);
  b[0] &= 0x7f;
  return `${XEN_OUI}:${[...b].map((x) => x.toString(16).padStart(2, '0')).join(':')}`;
}

const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;

/** Why `mac` cannot be a NIC's address, or undefined when it can. */
export function macProblem(mac: string): string | undefined {
  if (!MAC.test(mac)) return `"${mac}" is not a MAC address (six hex bytes: 00:16:3e:12:34:56)`;
  if (parseInt(mac.slice(0, 2), 16) & 1) return `${mac} is a multicast address (lowest bit of the first byte set); a NIC needs a unicast one`;
  return undefined;
}
