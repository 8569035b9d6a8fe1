import { defineConfig } from 'vitest/config';

// Two projects, matching the npm scripts: `test:unit` (fast, pure TypeScript) and `test:isa`
// (riscv-tests binaries run on the emulator).
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'isa', include: ['tests/isa/**/*.test.ts'], environment: 'node' } },
      { test: { name: 'boot', include: ['tests/boot/**/*.test.ts'], environment: 'node', testTimeout: 120_000 } },
    ],
  },
});
