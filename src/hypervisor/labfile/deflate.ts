/**
 * Raw DEFLATE (RFC 1951) through the platform's CompressionStream / DecompressionStream, with
 * the output capped while it streams: a few KiB of link can encode gigabytes of zeros (deflate
 * reaches ~1000:1), so reading stops, and the decompressor is cancelled, at the first chunk past
 * the cap. At most the cap plus one chunk (16 KiB in Node and Chromium) is ever held.
 */

export class InflateError extends Error {
  override name = 'InflateError';
  constructor(
    readonly problem: 'too-large' | 'corrupt',
    message: string,
    /** Decompressed bytes read before stopping. */
    readonly produced: number,
  ) {
    super(message);
  }
}

function source(bytes: Uint8Array): ReadableStream<BufferSource> {
  return new ReadableStream<BufferSource>({
    start(controller) {
      controller.enqueue(bytes as Uint8Array<ArrayBuffer>);
      controller.close();
    },
  });
}

function concat(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export async function deflateRaw(bytes: Uint8Array): Promise<Uint8Array> {
  const reader = source(bytes).pipeThrough(new CompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return concat(chunks, n);
    chunks.push(value);
    n += value.length;
  }
}

/**
 * Decompress raw DEFLATE data of at most `limit` bytes. Throws InflateError 'too-large' as soon
 * as more comes out, 'corrupt' for data that is not DEFLATE or ends early.
 */
export async function inflateRaw(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  const reader = source(bytes).pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks: Uint8Array[] = [];
  let n = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch (e) {
      throw new InflateError('corrupt', `the compressed data is incomplete or corrupt (${(e as Error).message})`, n);
    }
    if (chunk.done) return concat(chunks, n);
    n += chunk.value.length;
    if (n > limit) {
      // Cancelling the reader cancels the pipe, which stops the decompressor and its input.
      await reader.cancel().catch(() => {});
      throw new InflateError('too-large', `it decompresses to more than ${limit} bytes`, n);
    }
    chunks.push(chunk.value);
  }
}
