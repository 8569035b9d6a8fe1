/**
 * Give the worker's event loop a turn between slices (so control messages are handled) without
 * setTimeout, whose nesting clamp (4 ms) would cost a busy guest a third of its time.
 */
export function makeYield(): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  return () => new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
