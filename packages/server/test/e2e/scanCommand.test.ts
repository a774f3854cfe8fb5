import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { scanReportSchema } from '@veil/scanner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FixtureServer, startFixtureServer } from '../../../scanner/test/support/fixtureServer.js';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { makeTempDir } from '../support/tempDir.js';

// `veil scan` as CI runs it: real Chromium (VEIL_CHROMIUM_PATH or Debian's), a page with a
// recorder and an analytics tag hard-coded, a page without trackers; reports written to files,
// the exit status following --fail-on.

const temp = makeTempDir();
let site: FixtureServer;

beforeAll(async () => {
  site = await startFixtureServer({
    '/tracked.html': `<!doctype html><title>Tracked &lt;shop&gt;</title>
<script>window.clarity = function () {}; document.cookie = '_ga=GA1.1.1; path=/';</script>
<script async src="https://www.clarity.ms/tag/abc123"></script>`,
    '/clean.html': '<!doctype html><title>Clean</title><p>No trackers here.</p>',
  });
});
afterAll(async () => {
  await site?.close();
  temp.remove();
});

async function veil(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), env: process.env, cwd: temp.dir };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

// The cases are independent (each scan launches its own Chromium, each report has its own file name):
// they run at once.
describe.concurrent('veil scan', () => {
  it('writes JSON and HTML reports and exits 1 at --fail-on high for a recorder before consent', async () => {
    const res = await veil(
      'scan',
      `${site.origin}/tracked.html`,
      '--offline',
      '--json',
      'r.json',
      '--html',
      'r.html',
      '--fail-on',
      'high',
    );
    expect(res.code).toBe(1);
    expect(res.out).toContain(
      'HIGH   Microsoft Clarity (session recorder) fires before the visitor consents',
    );
    expect(res.out).toContain(
      'MEDIUM Google Analytics 4 (gtag.js) (analytics tag) fires before the visitor consents',
    );
    expect(res.err).toContain(`scan [1/1] before consent ${site.origin}/tracked.html`);
    const report = scanReportSchema.parse(JSON.parse(await readFile(path.join(temp.dir, 'r.json'), 'utf8')));
    expect(report.summary).toMatchObject({ high: 1, medium: 1, pagesScanned: 1 });
    const html = await readFile(path.join(temp.dir, 'r.html'), 'utf8');
    expect(html).toContain('Microsoft Clarity (session recorder) fires before the visitor consents');
    expect(html).not.toContain('<shop>');
  });

  it('exits 0 at --fail-on high when only medium findings exist, and 1 at --fail-on medium', async () => {
    const page = `${site.origin}/tracked.html`;
    // A signature file without Clarity leaves only the medium analytics finding on the same page.
    const file = path.join(temp.dir, 'no-clarity.json');
    const bundled = JSON.parse(
      await readFile(new URL('../../../scanner/data/signatures.json', import.meta.url), 'utf8'),
    );
    bundled.vendors = bundled.vendors.filter((v: { id: string }) => v.id !== 'microsoft-clarity');
    await writeFile(file, JSON.stringify(bundled));
    const [high, medium] = await Promise.all([
      veil('scan', page, '--offline', '--signatures', file, '--fail-on', 'high'),
      veil('scan', page, '--offline', '--signatures', file, '--fail-on', 'medium'),
    ]);
    expect(high.code).toBe(0);
    expect(medium.code).toBe(1);
  });

  it('exits 0 for a page without trackers and prints the JSON report with --json -', async () => {
    const res = await veil(
      'scan',
      `${site.origin}/clean.html`,
      '--offline',
      '--json',
      '-',
      '--fail-on',
      'medium',
    );
    expect(res.code).toBe(0);
    expect(scanReportSchema.parse(JSON.parse(res.out)).findings).toEqual([]);
  });

  it('exits 2 under --fail-on when the consent button is missing (the scan could not look)', async () => {
    const res = await veil(
      'scan',
      `${site.origin}/clean.html`,
      '--offline',
      '--reject',
      '#nope',
      '--click-timeout',
      '500',
      '--fail-on',
      'high',
    );
    expect(res.code).toBe(2);
    expect(res.out).toContain('#nope could not be clicked');
  });

  it('refuses a URL that is not http(s)', async () => {
    const res = await veil('scan', 'ftp://shop.example/');
    expect(res.code).toBe(1);
    expect(res.err).toContain('ftp://shop.example/ is not an http or https URL');
  });
});
