/** Builds build/core.wasm from asm/ when it is out of date; returns its path. */
export function buildCore(opts?: { force?: boolean }): string;
