/**
 * A macrotask turn of the event loop, for loops that must let timers and messages run (the
 * in-process VM loop, the migration engine's page scans) without setTimeout's 1-4 ms clamp.
 * Node: setImmediate (a MessageChannel there delivers messages posted from its own handler in the
 * same drain, so timers starve); browsers and workers: a MessageChannel. Used by the VM worker too.
 */
export function makeTurn(): () => Promise<void> {
  const immediate = (globalThis as { setImmediate?: (cb: () => void) => unknown }).setImmediate;
  if (immediate) return () => new Promise<void>((resolve) => { immediate(resolve); });
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
