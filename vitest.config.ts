import { defineConfig } from 'vitest/config';

// The rungs of the test ladder, one project each, matching the npm scripts: `test:unit` (TypeScript,
// devices, FPU vectors, CLI, fuzz), `test:isa` (tests/isa programs on virtlab and QEMU), `test:boot`
// (guests booted in Node). Timeouts are generous: CI runs on 2 shared cores and some tests spawn
// the CLI.
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      { test: { name: 'isa', include: ['tests/isa/**/*.test.ts'], environment: 'node', testTimeout: 60_000 } },
      { test: { name: 'boot', include: ['tests/boot/**/*.test.ts'], environment: 'node', testTimeout: 120_000 } },
    ],
  },
});
