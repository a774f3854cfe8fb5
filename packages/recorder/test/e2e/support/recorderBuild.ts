/**
 * The built recorder the e2e tests serve (`dist/`), rebuilt only when it may be stale. `npm test`
 * builds it first, so a file of the suite finds it fresh and skips the build (seconds of esbuild
 * and gzip per file); a file run alone after an edit of the sources rebuilds it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const recorderDir = fileURLToPath(new URL('../../../', import.meta.url));
const repoRoot = join(recorderDir, '../..');
/** What `build.mjs` writes. */
const OUTPUTS = ['loader.js', 'recorder.js', 'banner.js', 'cmp.js', 'optout.js', 'layout.js', 'redact.js'];
/**
 * Written after a build from here: `build.mjs` rewrites only the bundles whose bytes changed, so
 * after an edit that changes no bundle the bundles stay older than the sources; the stamp says
 * they were built from them.
 */
const STAMP = join(recorderDir, 'dist', '.e2e-build-stamp');

/** The newest modification time of the files under `path` (or of the file itself), in ms. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) latest = Math.max(latest, newest(join(path, entry)));
  return latest;
}

/** True when every bundle exists and none of what they are built from changed since. */
export function recorderBuildFresh(): boolean {
  const dist = join(recorderDir, 'dist');
  if (!OUTPUTS.every((file) => existsSync(join(dist, file)))) return false;
  const built = Math.max(
    Math.min(...OUTPUTS.map((file) => statSync(join(dist, file)).mtimeMs)),
    existsSync(STAMP) ? statSync(STAMP).mtimeMs : 0,
  );
  const inputs = Math.max(
    newest(join(recorderDir, 'src')),
    // @veil/core resolves to its TypeScript source in the bundle.
    newest(join(repoRoot, 'packages/core/src')),
    newest(join(recorderDir, 'build.mjs')),
    newest(join(recorderDir, 'package.json')),
    // The pinned @rrweb/record and esbuild.
    newest(join(repoRoot, 'package-lock.json')),
  );
  return inputs <= built;
}

/** Builds the recorder (`build.mjs`) unless `dist/` is fresh. */
export function ensureRecorderBuilt(): void {
  if (recorderBuildFresh()) return;
  // Stamped with the time the build started: a source saved during the build is newer.
  const started = new Date();
  execFileSync(process.execPath, ['build.mjs'], { cwd: recorderDir, stdio: 'pipe' });
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
}
