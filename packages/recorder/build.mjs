// Builds the browser bundles: dist/loader.js (the snippet's target, tiny) and dist/recorder.js
// (rrweb record plus Veil's privacy configuration, fetched by the loader after consent).
// @veil/core resolves to its TypeScript source, so this works from a clean clone without
// building core first. Prints min+gzip sizes and fails when a bundle exceeds its budget.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

/** Budgets in bytes, min+gzip (DESIGN.md: the browser bundle has a size budget). */
const BUDGETS = {
  // 3.25 KB since the loader samples deterministically on the session id (core's
  // `isSessionSampled`, the server's own check): it resumes the stored session (parse, idle
  // timeout) and hashes the id, ~0.25 KB; drawing with Math.random let the server take nothing back.
  'loader.js': 3.25 * 1024,
  // @rrweb/record alone is ~23 KB; on top: browser-side redaction of every event (attributes,
  // split text, URLs: the same walk the server runs), heatmap instrumentation, consent receipts.
  // 46 KB since the walk keeps the recorded tree and text (RedactionContext) so that text split
  // over nodes, or completed by a later mutation, is read as one string in the browser too.
  // 47 KB since the VIN detector knows European and Asian makers by manufacturer code (WMI);
  // 48 KB since the walk fails closed (every key of every shape scanned, CSS between tokens too).
  // 49 KB since the recorder captures JavaScript errors and network request metadata (~1.05 KB):
  // not a lazy chunk, because the errors that matter most are thrown while the page loads, before
  // a chunk fetched after start could listen (and `fetch`/XHR must be wrapped before the page's
  // first requests to see them).
  // 50 KB since record-on-error (~0.6 KB: the in-memory window, its trigger, the policy check):
  // not a lazy chunk, because the window must hold the page from its first full snapshot on, and
  // the errors that open it are most often thrown while the page loads.
  // 50.75 KB since the walk screens every string and run before its detectors and allocates
  // nothing per node (~0.6 KB): the same walk runs on the page's main thread.
  // 51 KB since every finding names its page and place, also where no element holds it (~0.2 KB).
  'recorder.js': 51 * 1024,
  // Consent chunks, fetched only when the snippet's data-consent asks for them. The banner
  // carries Veil's texts in every built-in language (the fallback when the site's do not load).
  'banner.js': 6 * 1024,
  'cmp.js': 2 * 1024,
  'optout.js': 3 * 1024,
};

const ENTRIES = {
  'loader.js': 'src/loader/loader.ts',
  'recorder.js': 'src/recorder/recorder.ts',
  'banner.js': 'src/banner/banner.ts',
  'cmp.js': 'src/consent/cmp.ts',
  'optout.js': 'src/optout/optout.ts',
};

mkdirSync(dist, { recursive: true });

const results = await Promise.all(
  Object.entries(ENTRIES).map(([out, entry]) =>
    build({
      entryPoints: [join(here, entry)],
      outfile: join(dist, out),
      bundle: true,
      minify: true,
      format: 'iife',
      // safari14 is left out: esbuild cannot lower destructuring for it.
      target: ['es2020', 'chrome80', 'firefox78', 'safari15'],
      platform: 'browser',
      alias: { '@veil/core': join(here, '../core/src/index.ts') },
      legalComments: 'none',
      logLevel: 'warning',
      // A map beside the bundle for debugging, without a sourceMappingURL comment in the bundle.
      sourcemap: 'external',
      write: false,
    }),
  ),
);

// Write only what changed: a rebuild never rewrites a bundle that a running test is serving.
for (const { outputFiles } of results) {
  for (const file of outputFiles) {
    if (!existsSync(file.path) || !readFileSync(file.path).equals(file.contents)) {
      writeFileSync(file.path, file.contents);
    }
  }
}

let over = false;
for (const [file, budget] of Object.entries(BUDGETS)) {
  const bytes = readFileSync(join(dist, file));
  const gz = gzipSync(bytes, { level: 9 }).length;
  const ok = gz <= budget;
  over ||= !ok;
  const kb = (n) => (n / 1024).toFixed(2).padStart(6);
  console.log(
    `${basename(file).padEnd(12)} ${kb(bytes.length)} KB min  ${kb(gz)} KB min+gzip  (budget ${kb(budget)} KB)${ok ? '' : '  OVER BUDGET'}`,
  );
}
if (over) process.exit(1);
