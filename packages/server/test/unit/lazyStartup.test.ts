import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SERVER_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist');

/**
 * The modules a fresh process has loaded after importing `entry` from the built server, filtered
 * to the heavy ones that only HTML and PDF packs need (playwright-core to start Chromium, elkjs to
 * lay out the pack's graphs). Both are CommonJS, so they show in the require cache once loaded.
 */
function heavyModulesLoadedBy(entry: string): string[] {
  const script = `
    import { createRequire } from 'node:module';
    await import(${JSON.stringify(path.join(SERVER_DIST, entry))});
    const cache = createRequire(import.meta.url).cache;
    const heavy = Object.keys(cache).filter((k) => /[\\\\/]node_modules[\\\\/](playwright-core|elkjs)[\\\\/]/.test(k));
    process.stdout.write(JSON.stringify(heavy));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, VEIL_LOG_LEVEL: 'silent' },
  });
  return JSON.parse(out) as string[];
}

describe('server start-up', () => {
  // playwright-core and elkjs cost seconds of CPU to load (twice the rest of the server): every
  // start and every restart after a crash paid for packs it might never render, and under load a
  // restart took long enough to fail the crash test's progress check.
  it('loads neither playwright-core nor elkjs until a pack needs them', () => {
    expect(heavyModulesLoadedBy('createApp.js')).toEqual([]);
    expect(heavyModulesLoadedBy('routes/complianceRoutes.js')).toEqual([]);
  }, 60_000);
});
