/**
 * Save and restore (`virsh save NAME FILE`, `virsh restore FILE`): the migration stream written to
 * a file instead of a link. A save file is a stream of kind "save" with one RAM section (every
 * page, zero pages flagged) and the state sections; restore reads it with the same hostile-input
 * checks as an incoming migration. Where the bytes go (the dom0 virtual file system, a Node file,
 * OPFS) is the caller's business: these functions produce and consume chunks.
 */
import { StreamReader, StreamWriter, makeHeader, DEFAULT_CHUNK_BYTES } from './stream.ts';
import { PAGE_SIZE, isZeroPage, pageCount, ramWords } from './dirty-log.ts';
import { RestoreSink, stateSections, type CreateDestination, type DestinationVm } from './restore.ts';
import type { MigrationSource } from './precopy.ts';

export interface SaveResult {
  readonly bytes: number;
  readonly zeroPages: number;
  readonly pages: number;
}

/**
 * Pause `source`, write its whole state as a save stream through `write`, and leave it paused:
 * virsh save then destroys the domain. If writing fails the source is resumed and the error
 * rethrown, so a failed save loses nothing.
 */
export async function saveVm(
  source: MigrationSource,
  write: (chunk: Uint8Array) => void | Promise<void>,
  opts: { domain?: unknown; chunkBytes?: number; paused?: boolean } = {},
): Promise<SaveResult> {
  const blocker = source.migrationBlocker();
  if (blocker) throw new Error(blocker);
  await source.pause();
  try {
    const w = new StreamWriter(opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    const flush = async () => { for (const c of w.take()) await write(c); };
    w.header(makeHeader('save', source.machine, opts.domain ?? null, opts.paused ?? false));
    const ram = source.ram();
    const words = ramWords(ram);
    const pages = pageCount(source.machine.ramBytes);
    let zero = 0;
    w.ramBegin(1);
    for (let p = 0; p < pages; p++) {
      if (isZeroPage(words, p)) { w.zero(p); zero++; } else w.page(p, ram.subarray(p * PAGE_SIZE, (p + 1) * PAGE_SIZE));
      if (w.pendingBytes >= w.chunkBytes) await flush();
    }
    w.ramEnd();
    const state = await source.saveState();
    for (const [name, version, value] of stateSections(state)) w.state(name, version, value);
    w.end();
    await flush();
    return { bytes: w.bytes, zeroPages: zero, pages };
  } catch (e) {
    source.resume();
    throw e;
  }
}

/**
 * Read a save stream (any chunking) into a VM made by `create`, restored but not started: the
 * caller starts it (`virsh restore` runs the domain; `--paused` would not). Throws one
 * StreamError/SnapshotError for a bad file, after destroying whatever was built.
 */
export async function restoreVm(
  chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  create: CreateDestination,
): Promise<DestinationVm> {
  const sink = new RestoreSink(create);
  const reader = new StreamReader(sink);
  try {
    for await (const c of chunks) reader.push(c);
    reader.finish();
    if (!sink.restored) throw new Error('save file: no state was restored');
    return sink.vm!;
  } catch (e) {
    sink.vm?.destroy();
    throw e;
  }
}
