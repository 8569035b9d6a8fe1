// Dirty-page log for live migration: one bit per guest RAM page, set when the page is written.
// The fast store path never touches it: a page's bit is set when a store-TLB entry for it is
// filled (and by every slow-path store and device write), so clearing the log must go together
// with flushing the store TLB — see syncDirty in index.ts.
import { DIRTY, RAM } from './layout';

@inline export function markDirty(host: usize): void {
  if (host < RAM) return; // the ROM is not guest RAM
  const page = <u32>((host - RAM) >> 12);
  const byte = DIRTY + (<usize>(page >> 3));
  const bit = <u8>(<u32>1 << (page & 7));
  if (!(load<u8>(byte) & bit)) atomic.or<u8>(byte, bit);
}
