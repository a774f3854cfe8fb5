import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const coreSrc = fileURLToPath(new URL('./packages/core/src/index.ts', import.meta.url));
const scannerSrc = fileURLToPath(new URL('./packages/scanner/src/index.ts', import.meta.url));

// Unit and integration tests run from source: @veil/core and @veil/scanner resolve to their TypeScript entries.
// e2e tests drive real Chromium against the built recorder and dashboard (`npm run build` first).
export default defineConfig({
  resolve: { alias: { '@veil/core': coreSrc, '@veil/scanner': scannerSrc } },
  test: {
    // Vitest's default is one worker per core but one: on CI's two cores, one file at a time. Unit
    // and integration files run two at a time; the e2e project (fileParallelism: false) runs after
    // them, one file at a time, alone: its Chromium timing tests flake when anything runs beside
    // them (tried: the e2e project beside unit + integration failed two timing tests).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // Property tests take about a second each; on a loaded machine, ten.
          testTimeout: 20_000,
          include: ['packages/*/test/unit/**/*.test.ts', 'examples/*/test/unit/**/*.test.ts'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['packages/*/test/e2e/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
