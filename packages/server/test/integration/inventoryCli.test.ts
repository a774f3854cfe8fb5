import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { makeBatch, metaEvent, moveEvent, sessionId, T0 } from '../support/batches.js';
import { formSnapshotEvent } from '../support/formSnapshots.js';
import { SITE_ORIGIN, startTestApp, type TestApp } from '../support/testApp.js';

// `veil inventory` on the server's real SQLite file, after one recording of a form.

let t: TestApp;

async function veil(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    out: (s) => out.push(s),
    err: (s) => err.push(s),
    env: { VEIL_DATA_DIR: t.config.dataDir },
    cwd: t.dir,
  };
  const code = await runCli(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(async () => {
  t = await startTestApp();
  const res = await t.ingest(
    makeBatch({
      siteKey: t.site.siteKey,
      sessionId: sessionId(),
      events: [
        metaEvent(T0, `${SITE_ORIGIN}/intake`),
        formSnapshotEvent(T0 + 1, [
          { name: 'ssn', label: 'Social security number' },
          { name: 'city', label: 'City', value: '********' },
        ]),
        moveEvent(T0 + 4_000),
      ],
    }),
  );
  expect(res.statusCode, res.body).toBe(202);
});
afterAll(() => t?.close());

it('answers --help', async () => {
  const help = await veil('inventory', '--help');
  expect(help.out).toContain('--pending');
  expect(help.out).toContain('--json');
});

it('lists the inventory per site, as text and as JSON, all or pending only', async () => {
  const text = await veil('inventory', '--site', t.site.siteKey);
  expect(text.code, text.err).toBe(0);
  expect(text.out).toContain('/intake  [page, pending]');
  expect(text.out).toContain(
    'field input name=ssn type=text "Social security number"  [masked, pending, sensitive: ssn]',
  );
  expect(text.out).toContain('storage: sqlite, AES-256-GCM');
  expect(text.out).toContain('3 items, 3 pending review');

  const [page] = (await t.app.veil.store.inventory.list(t.site.id)).filter((i) => i.kind === 'page');
  await t.app.veil.store.inventory.review(page!.id, {
    from: ['pending'],
    status: 'approved',
    by: 'dpo',
    at: T0,
    note: null,
    policyVersion: null,
    rule: null,
  });
  const json = await veil('inventory', '--site', t.site.siteKey, '--pending', '--json');
  expect(json.code, json.err).toBe(0);
  const [site] = JSON.parse(json.out).sites;
  expect(site.siteKey).toBe(t.site.siteKey);
  expect(site.storage).toMatchObject({ engine: 'sqlite', retentionDays: 30, policyVersion: 1 });
  expect(site.items.map((i: { name: string }) => i.name)).toEqual(['ssn', 'city']);

  const all = await veil('inventory', '--json');
  expect(JSON.parse(all.out).sites.map((s: { siteKey: string }) => s.siteKey)).toContain(t.site.siteKey);
  const unknown = await veil('inventory', '--site', 'nope_nope_nope');
  expect(unknown.code).not.toBe(0);
  expect(unknown.err).toContain('no site has the key nope_nope_nope');
});
