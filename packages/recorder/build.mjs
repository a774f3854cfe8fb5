// Builds the browser bundles: dist/loader.js (the snippet's target, tiny), dist/recorder.js
// (the start chunk: rrweb record plus Veil's privacy configuration, fetched by the loader after
// consent) and the recorder's lazily loaded chunks (dist/redact.js, dist/layout.js).
// @veil/core resolves to its TypeScript source, so this works from a clean clone without
// building core first. Prints min+gzip sizes and fails when a bundle exceeds its budget.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');

/** @rrweb/record 2.1.6 (pinned exactly in package.json), the one file the recorder bundles from it. */
const RRWEB_RECORD = /[\\/]@rrweb[\\/]record[\\/]dist[\\/]record\.js$/;

/**
 * Veil never records canvas (DESIGN.md: iframes, canvas, media are a placeholder box), but
 * `record()` constructs rrweb's CanvasManager whatever `recordCanvas` says, which keeps its 2D and
 * WebGL patching, argument serialisation, base64 encoder and inlined worker source in the bundle
 * (~2.5 KB min+gzip). The plugin replaces that part of rrweb's file, from the base64 alphabet to
 * the end of `class CanvasManager`, by a CanvasManager that does nothing (the methods record()
 * calls). It fails the build when the file no longer has that shape (an rrweb upgrade): look
 * again rather than ship the canvas recorder unnoticed.
 */
export const withoutRrwebCanvas = {
  name: 'veil-without-rrweb-canvas',
  setup(b) {
    b.onLoad({ filter: RRWEB_RECORD }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const start = source.indexOf(
        '\nvar chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";\n',
      );
      const end = source.indexOf('\nclass StylesheetManager {');
      const cut = start > 0 && end > start ? source.slice(start, end) : '';
      if (!cut.includes('\nclass CanvasManager {') || /\bclass (?!CanvasManager\b)/.test(cut)) {
        throw new Error(`${args.path}: rrweb's canvas code is not where build.mjs expects it`);
      }
      const stub = '\nclass CanvasManager { reset() {} freeze() {} unfreeze() {} lock() {} unlock() {} }\n';
      return { contents: source.slice(0, start) + stub + source.slice(end), loader: 'js' };
    });
  },
};

/**
 * Core's detector modules, which both recorder.js (capture-time maskTextFn) and redact.js (the
 * redaction walk) run. redact.js is built without them: each import of one resolves to the copy
 * recorder.js puts on `veil.shared` (recorder.ts) before any chunk can load. A redact.js that
 * finds none (a recorder.js of another build) throws before it registers, and the recorder fails
 * closed (RedactionGate).
 */
const SHARED_CORE_MODULES = /[\\/]detectors[\\/](detectors|redactText)\.js$/;
const coreSrc = join(here, '../core/src');
export const fromRecorderJs = {
  name: 'veil-shared-from-recorder',
  setup(b) {
    b.onResolve({ filter: SHARED_CORE_MODULES }, (args) =>
      args.importer.startsWith(coreSrc) || args.importer.includes('veil-recorder-shared')
        ? { path: SHARED_CORE_MODULES.exec(args.path)[1], namespace: 'veil-recorder-shared' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'veil-recorder-shared' }, (args) => {
      const source = readFileSync(join(coreSrc, 'detectors', `${args.path}.ts`), 'utf8');
      const names = [...source.matchAll(/^export (?:async )?(?:function|class|const|let) (\w+)/gm)].map(
        (m) => m[1],
      );
      const lines = names.map((name) => `export const ${name} = m.${name};`);
      return {
        contents: [
          `const m = window.veil && window.veil.shared && window.veil.shared.${args.path};`,
          `if (!m || ${names.map((n) => `m.${n} === undefined`).join(' || ')}) throw new Error('redact.js: recorder.js shares no ${args.path}');`,
          ...lines,
        ].join('\n'),
        loader: 'js',
      };
    });
  },
};

/** esbuild settings of every bundle, and of @rrweb/record alone when it is the baseline. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  minify: true,
  format: 'iife',
  // safari14 is left out: esbuild cannot lower destructuring for it.
  target: ['es2020', 'chrome80', 'firefox78', 'safari15'],
  platform: 'browser',
  legalComments: 'none',
  logLevel: 'warning',
};

/**
 * Properties that never leave the loader's bundle (its environment object, its script info, its
 * own loader object), shortened by esbuild. Only names that no DOM, JSON or other bundle reads:
 * `siteKey`, `ingestUrl`, `consentUrl`, `session`, `config`, `onError`, `nonce` cross into
 * `recorder.js` or the page and must not be here, nor builtins' names (`now` of `Date.now`).
 */
const LOADER_PRIVATE_PROPS =
  /^(info|local|path|newId|send|command|init|privacySignal|fetchJson|loadRecorder|showBanner|loadCmp|configUrl|chunkBase|consentSources|legitimateInterestHint|gpcMayBeIgnored|debug)$/;

/** Budgets in bytes, min+gzip (DESIGN.md: the browser bundle has a size budget). */
const BUDGETS = {
  // 3 KB (issue 17). It samples deterministically on the session id (core's `isSessionSampled`,
  // the server's own check); it fits again since its private properties are shortened
  // (LOADER_PRIVATE_PROPS), StorageKey is an enum (only the keys it reads are inlined) and the
  // chunk URLs share one base.
  'loader.js': 3 * 1024,
  // Consent chunks, fetched only when the snippet's data-consent asks for them. The banner
  // carries Veil's texts in every built-in language (the fallback when the site's do not load).
  'banner.js': 6 * 1024,
  'cmp.js': 2 * 1024,
  'optout.js': 3 * 1024,
  // Heatmap-only pages' text-free layout (core's textFreeSnapshot), fetched by recorder.js there only.
  'layout.js': 2 * 1024,
  // Core's redaction walk (redactEvents, RedactionContext, split text, CSS), fetched by recorder.js
  // at start on every page; it takes the detectors from recorder.js (fromRecorderJs).
  'redact.js': 11 * 1024,
};

/**
 * recorder.js, the start chunk, against @rrweb/record alone, bundled the same way in the same run
 * (issue 17's target is 1.25 ×). On top of rrweb: the capture-time privacy options (selectors,
 * maskInputFn, maskTextFn with the detectors and their validators: what rrweb serialises is
 * decided synchronously), heatmap instrumentation, consent receipts, batching and transport,
 * error and network metadata capture, the record-on-error window and the gate that holds events
 * until redact.js arrives (see the README's Bundle sizes section for what each part costs).
 *
 * What each part of recorder.js costs, min+gzip saved when its modules are left out, measured
 * 2026-12-07 (the README's Bundle sizes section has the table): rrweb record() without canvas
 * 18.9 KB; detectors and validators (capture-time maskTextFn/maskInputFn, shared with redact.js)
 * 4.7 KB; heatmap instrumentation 4.0 KB; batching, send queue, transport, consent registration,
 * session store 3.1 KB; policy → rrweb options, capture scope, selector checks 2.3 KB; site config
 * and veil('config') 1.4 KB; error and network capture 0.9 KB; redaction gate and chunk loader
 * 0.6 KB; record-on-error 0.5 KB; the rest ≈ 3.4 KB. Core's redaction walk is redact.js
 * (10.2 KB), fetched at start; the 1.25 × target is out of reach while rrweb and the
 * capture-time detectors alone take 23.6 KB of its 28.1 KB.
 */
const RECORDER_MAX_RATIO = 1.8;
/**
 * Everything the recorder fetches (recorder.js and every chunk it loads: redact.js on every page,
 * layout.js on heatmap-only pages), against the same baseline: a part moved to a lazy chunk still
 * counts here (2.30 ×; the single recorder.js it replaces was 2.14 ×, with layout.js 2.20 ×).
 */
const RECORDER_TOTAL_MAX_RATIO = 2.35;
/** The recorder's lazily loaded chunks, counted in its total. */
const RECORDER_CHUNKS = ['redact.js', 'layout.js'];

const ENTRIES = {
  'loader.js': 'src/loader/loader.ts',
  'recorder.js': 'src/recorder/recorder.ts',
  'banner.js': 'src/banner/banner.ts',
  'cmp.js': 'src/consent/cmp.ts',
  'optout.js': 'src/optout/optout.ts',
  'layout.js': 'src/recorder/layout.ts',
  'redact.js': 'src/recorder/redact.ts',
};

/** `@rrweb/record` alone, as the benchmark's baseline: `record` on window, nothing removed. */
export async function bundleRrwebRecord() {
  const result = await build({
    ...BUNDLE_OPTIONS,
    stdin: {
      contents: "import { record } from '@rrweb/record'; window.__rrwebRecord = record;",
      resolveDir: here,
    },
    write: false,
  });
  return Buffer.from(result.outputFiles[0].contents);
}

const gzipSize = (bytes) => gzipSync(bytes, { level: 9 }).length;

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();

async function main() {
  mkdirSync(dist, { recursive: true });

  const results = await Promise.all(
    Object.entries(ENTRIES).map(([out, entry]) =>
      build({
        ...BUNDLE_OPTIONS,
        entryPoints: [join(here, entry)],
        outfile: join(dist, out),
        alias: { '@veil/core': join(here, '../core/src/index.ts') },
        plugins: out === 'redact.js' ? [fromRecorderJs, withoutRrwebCanvas] : [withoutRrwebCanvas],
        ...(out === 'loader.js' ? { mangleProps: LOADER_PRIVATE_PROPS } : {}),
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
  const kb = (n) => (n / 1024).toFixed(2).padStart(6);
  const report = (file, bytes, gz, budget, ok) => {
    over ||= !ok;
    console.log(
      `${file.padEnd(15)} ${kb(bytes)} KB min  ${kb(gz)} KB min+gzip  (budget ${budget})${ok ? '' : '  OVER BUDGET'}`,
    );
  };
  for (const [file, budget] of Object.entries(BUDGETS)) {
    const bytes = readFileSync(join(dist, file));
    const gz = gzipSize(bytes);
    report(file, bytes.length, gz, `${kb(budget)} KB`, gz <= budget);
  }
  const rrweb = gzipSize(await bundleRrwebRecord());
  const recorder = readFileSync(join(dist, 'recorder.js'));
  const ratio = gzipSize(recorder) / rrweb;
  report(
    'recorder.js',
    recorder.length,
    gzipSize(recorder),
    `${RECORDER_MAX_RATIO} × @rrweb/record ${kb(rrweb).trim()} KB; now ${ratio.toFixed(2)} ×`,
    ratio <= RECORDER_MAX_RATIO,
  );
  // Each chunk is fetched on its own, so gzipped on its own: the total is the sum.
  const parts = [recorder, ...RECORDER_CHUNKS.map((file) => readFileSync(join(dist, file)))];
  const total = parts.reduce((sum, bytes) => sum + gzipSize(bytes), 0);
  report(
    'recorder+chunks',
    parts.reduce((sum, bytes) => sum + bytes.length, 0),
    total,
    `${RECORDER_TOTAL_MAX_RATIO} × @rrweb/record; now ${(total / rrweb).toFixed(2)} ×`,
    total / rrweb <= RECORDER_TOTAL_MAX_RATIO,
  );
  if (over) process.exit(1);
}
