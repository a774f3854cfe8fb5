import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PRIVACY_POLICY, validateSelectors } from '@veil/core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  INVALID_SELECTORS,
  STRICTER_THAN_BROWSERS,
  VALID_SELECTORS,
} from '../../../../test/privacy/selectorCases.js';
import { launchChromium } from '../../../../test/support/browser.js';
import {
  blockToken,
  honouredTypedText,
  MASK_ALL_SECRETS,
  maskToken,
  PLAIN_TEXT,
  SCOPE_SECRETS,
  unmaskNestedToken,
  unmaskTypedToken,
  VENDOR_BLOCK,
  VENDOR_MASK,
  VENDOR_UNMASK_HONOURED,
  VENDOR_UNMASK_IGNORED,
  writeScopePages,
} from './support/scopePages.js';
import { startVeilTestServer, type VeilTestServer } from './support/veilTestServer.js';

// What the recorder captures at the edges of the page: iframes, shadow hosts, CSS, attribute text
// under "mask all text", every vendor's markup, policy selectors the browser refuses, and a local
// configuration that may only tighten. Real Chromium, the built bundles, one browser.

const here = dirname(fileURLToPath(import.meta.url));
const recorderDir = join(here, '../..');
const SITE_KEY = 'site_scope_0001';

let browser: Browser;
let server: VeilTestServer;
let pagesDir: string;
let policy: Record<string, unknown> = {};

beforeAll(async () => {
  execFileSync(process.execPath, ['build.mjs'], { cwd: recorderDir, stdio: 'pipe' });
  pagesDir = mkdtempSync(join(tmpdir(), 'veil-scope-pages-'));
  writeScopePages(pagesDir);
  server = await startVeilTestServer({
    distDir: join(recorderDir, 'dist'),
    pagesDir,
    siteKey: SITE_KEY,
    config: () => ({
      siteKey: SITE_KEY,
      lawfulBasis: 'legitimate_interest',
      samplingPercent: 100,
      policy: {
        ...DEFAULT_PRIVACY_POLICY,
        lawfulBasis: 'legitimate_interest',
        samplingPercent: 100,
        ...policy,
      },
    }),
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  if (pagesDir) rmSync(pagesDir, { recursive: true, force: true });
});

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Recorded {
  /** Every batch body the browser sent, decoded. */
  text: string;
  warnings: string[];
}

/** Loads a page under `withPolicy`, lets the visitor type and the page change, returns what was sent. */
async function record(path: string, withPolicy: Record<string, unknown>): Promise<Recorded> {
  policy = withPolicy;
  const from = server.batches().length;
  const context = await browser.newContext();
  const page = await context.newPage();
  const warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'warning') warnings.push(m.text());
  });
  const batches = () => server.batches().slice(from);
  const flush = () =>
    page.evaluate(() => (window as unknown as { veil: (...a: unknown[]) => void }).veil('flush'));
  await page.goto(`${server.pageOrigin}/pages/${path}`);
  await waitFor(() => server.requests.some((r) => r.path === '/r/v1/recorder.js'), 'the recorder');
  // Frames load and rrweb attaches their documents after the first snapshot.
  await page.waitForTimeout(600);
  await flush();
  await waitFor(() => batches().some((b) => b.text.includes('"type":2')), 'a full snapshot');
  await page.evaluate(() => (window as unknown as { lateChanges: () => void }).lateChanges());
  for (const [i] of VENDOR_UNMASK_IGNORED.entries()) await page.locator(`#vu-${i}`).fill(unmaskTypedToken(i));
  for (const [i] of VENDOR_UNMASK_HONOURED.entries()) {
    await page.locator(`#vh-${i}`).fill(honouredTypedText(i));
    await page.locator(`#vhm-${i}`).fill(`mail ${SCOPE_SECRETS.honouredMail}`);
    await page.locator(`#vhp-${i}`).fill(SCOPE_SECRETS.honouredPassword);
  }
  await page.locator('#m-editable').fill(MASK_ALL_SECRETS.editable);
  await page.frameLocator('#frame-same').locator('#in-frame').fill('FRAMETYPEDx');
  await page.waitForTimeout(300);
  const count = batches().length;
  await flush();
  await waitFor(() => batches().length > count, 'the batch after the changes');
  await context.close();
  return {
    text: batches()
      .map((b) => b.text)
      .join('\n'),
    warnings,
  };
}

describe('capture scope in Chromium', () => {
  let strict: Recorded;
  beforeAll(async () => {
    strict = await record('scope.html', {});
  });

  it('records the page (positive control)', () => {
    expect(strict.text).toContain(PLAIN_TEXT);
    expect(strict.text).toContain('"tagName":"iframe"');
    expect(strict.text).toMatch(/"rr_width":"20\d(?:\.\d+)?px"/);
  });

  it('captures no iframe content by default: same-origin, srcdoc, typed into', () => {
    for (const token of [
      SCOPE_SECRETS.frameSame,
      SCOPE_SECRETS.frameSrcdoc,
      SCOPE_SECRETS.frameAllowedText,
      'FRAMETYPEDx',
    ])
      expect(strict.text).not.toContain(token);
  });

  it('a block or mask on a shadow host reaches into its shadow root, also for later changes', () => {
    for (const token of [
      SCOPE_SECRETS.shadowBlock,
      SCOPE_SECRETS.shadowBlockLate,
      SCOPE_SECRETS.shadowMask,
      SCOPE_SECRETS.shadowMaskLate,
    ])
      expect(strict.text).not.toContain(token);
  });

  it('sanitises CSS: url() query strings in style attributes, <style> and CSSOM rules; PII in content strings', () => {
    expect(strict.text).toContain('/bg.png');
    expect(strict.text).toContain('/late.png');
    for (const token of [
      SCOPE_SECRETS.cssStyleAttrQuery,
      SCOPE_SECRETS.cssStyleTagQuery,
      SCOPE_SECRETS.cssomQuery,
      SCOPE_SECRETS.cssContentMail,
    ])
      expect(strict.text).not.toContain(token);
  });

  it.each(VENDOR_BLOCK.map((v, i) => [v, i] as const))('blocks %s', (_markup, i) => {
    expect(strict.text).not.toContain(blockToken(i));
  });

  it.each(VENDOR_MASK.map((v, i) => [v, i] as const))('masks the text of %s', (_markup, i) => {
    expect(strict.text).not.toContain(maskToken(i));
  });

  it.each(VENDOR_UNMASK_IGNORED.map((v, i) => [v, i] as const))(
    'ignores the unmask marker %s',
    (_markup, i) => {
      expect(strict.text).not.toContain(unmaskTypedToken(i));
      expect(strict.text).not.toContain(unmaskNestedToken(i));
    },
  );

  it.each(VENDOR_UNMASK_HONOURED.map((v, i) => [v, i] as const))(
    'honours %s for inputs, never for passwords, with detectors still running',
    (_markup, i) => {
      expect(strict.text).toContain(honouredTypedText(i));
      expect(strict.text).not.toContain(SCOPE_SECRETS.honouredMail);
      expect(strict.text).not.toContain(SCOPE_SECRETS.honouredPassword);
    },
  );
});

describe('policy selectors the browser refuses', () => {
  it("core's validateSelectors agrees with Chromium's own parser", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const verdicts = await page.evaluate(
      (list) =>
        list.map((s) => {
          try {
            document.createDocumentFragment().querySelector(s);
            return true;
          } catch {
            return false;
          }
        }),
      [...VALID_SELECTORS, ...INVALID_SELECTORS],
    );
    await context.close();
    const list = [...VALID_SELECTORS, ...INVALID_SELECTORS];
    const refused = new Set(validateSelectors(list).map((p) => p.selector));
    expect(list.map((s) => !refused.has(s))).toEqual(verdicts);
  });

  it('the recorder refuses what joining would break, though Chromium parses it alone', async () => {
    const r = await record('scope.html', { blockSelectors: STRICTER_THAN_BROWSERS });
    for (const [i] of VENDOR_BLOCK.entries()) expect(r.text).not.toContain(blockToken(i));
    expect(r.text).not.toContain(PLAIN_TEXT);
  });

  it('one invalid block selector unblocks nothing and records with the strictest fallback', async () => {
    const r = await record('scope.html', { blockSelectors: ['#nothing', 'div[[bad'] });
    for (const [i] of VENDOR_BLOCK.entries()) expect(r.text).not.toContain(blockToken(i));
    expect(r.text).not.toContain(SCOPE_SECRETS.frameSame);
    // Fail closed: all text masked, form fields blocked, unmask markers off.
    expect(r.text).not.toContain(PLAIN_TEXT);
    expect(r.text).not.toContain(honouredTypedText(0));
    expect(r.text).toContain('"tagName":"h1"');
    expect(r.warnings.join('\n')).toContain('div[[bad');
  });

  it('an invalid mask selector fails closed too; an invalid unmask selector only drops itself', async () => {
    const r = await record('scope.html', { maskTextSelectors: ['p:nosuch('], unmaskSelectors: ['[[x'] });
    expect(r.text).not.toContain(PLAIN_TEXT);
    for (const [i] of VENDOR_MASK.entries()) expect(r.text).not.toContain(maskToken(i));
  });
});

describe('"mask all text" in the browser', () => {
  it('masks attribute text, option and SVG text, contenteditable typing and CSS content strings', async () => {
    const r = await record('scope.html', { maskAllText: true });
    expect(r.text).toContain('"tagName":"svg"');
    expect(r.text).toContain('"tagName":"option"');
    for (const token of Object.values(MASK_ALL_SECRETS)) expect(r.text, token).not.toContain(token);
    expect(r.text).not.toContain(PLAIN_TEXT);
  });
});

describe('allowIframes', () => {
  it('records an allowed same-origin iframe with full masking; every other iframe stays a box', async () => {
    const r = await record('scope.html', { allowIframes: ['#frame-allowed'] });
    expect(r.text).toContain(SCOPE_SECRETS.frameAllowedText);
    expect(r.text).not.toContain(SCOPE_SECRETS.frameAllowedMail);
    expect(r.text).not.toContain(SCOPE_SECRETS.frameAllowedMasked);
    expect(r.text).not.toContain(SCOPE_SECRETS.frameSame);
    expect(r.text).not.toContain(SCOPE_SECRETS.frameSrcdoc);
    expect(r.text).not.toContain('FRAMETYPEDx');
  });
});

describe("veil('config', …): a local configuration only tightens", () => {
  it('applies local masking and blocking; ignores what would loosen the server policy', async () => {
    const r = await record('scope-local.html', {});
    expect(r.text).toContain('"tagName":"h1"');
    // maskAllText and the extra block selector applied.
    expect(r.text).not.toContain(PLAIN_TEXT);
    expect(r.text).not.toContain(MASK_ALL_SECRETS.title);
    // allowIframes and unmaskSelectors are not the server's: ignored.
    expect(r.text).not.toContain(SCOPE_SECRETS.frameSame);
    expect(r.text).not.toContain(unmaskTypedToken(0));
  });
});
