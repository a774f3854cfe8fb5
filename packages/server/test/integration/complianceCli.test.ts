import { readFileSync } from 'node:fs';
import path from 'node:path';
import { complianceReportSchema } from '@veil/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { makeBatch, sessionId } from '../support/batches.js';
import { startTestApp, type TestApp } from '../support/testApp.js';

// `veil report`, `veil processors` and `veil attest` on the server's real SQLite file.

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
  t.clock.set(Date.now());
  const res = await t.ingest(
    makeBatch({ siteKey: t.site.siteKey, sessionId: sessionId(), sentAt: Date.now() }),
  );
  expect(res.statusCode).toBe(202);
});
afterAll(() => t?.close());

it('answers --help', async () => {
  expect((await veil('report', '--help')).out).toContain('--format');
  expect((await veil('processors', '--help')).out).toContain('add');
  expect((await veil('attest', '--help')).out).toContain('training_done');
});

it('keeps the register, records an attestation, and writes the pack with progress', async () => {
  const add = await veil(
    'processors',
    'add',
    '--site',
    t.site.siteKey,
    '--name',
    'Hetzner',
    '--purpose',
    'hosting',
    '--location',
    'DE',
    '--dpa-signed',
    '2025-01-15',
    '--json',
  );
  expect(add.code, add.err).toBe(0);
  const list = await veil('processors', 'list', '--site', t.site.siteKey);
  expect(list.out).toContain('Hetzner (processor, DE): hosting; DPA signed 2025-01-15');
  const att = await veil(
    'attest',
    '--site',
    t.site.siteKey,
    '--kind',
    'incident_playbook_reviewed',
    '--statement',
    'Playbook walked through',
    '--by',
    'Dana DPO',
  );
  expect(att.code, att.err).toBe(0);
  expect(att.out).toContain('Recorded incident_playbook_reviewed by Dana DPO');

  const report = await veil('report', '--site', t.site.siteKey, '--format', 'json', '--output', 'pack.json');
  expect(report.code, report.err).toBe(0);
  expect(report.err).toContain('[0/11] policy');
  expect(report.err).toContain('Wrote the json compliance pack');
  const pack = complianceReportSchema.parse(JSON.parse(readFileSync(path.join(t.dir, 'pack.json'), 'utf8')));
  expect(pack.figures.sessionsStored).toBe(1);
  expect(pack.processors[0]?.name).toBe('Hetzner');
  expect(pack.readiness.areas.find((a) => a.area === 'incident_playbook')).toMatchObject({
    score: 2,
    basis: 'attestation',
  });
  expect(pack.generatedBy).toBe('cli');

  const noOutput = await veil('report', '--site', t.site.siteKey);
  expect(noOutput.code).not.toBe(0);
  expect(noOutput.err).toContain('--format pdf needs --output FILE');
  const badPeriod = await veil('report', '--site', t.site.siteKey, '--format', 'json', '--from', 'yesterday');
  expect(badPeriod.code).not.toBe(0);
  const downloads = await t.app.veil.store.audit.query({
    actions: ['report.downloaded'],
    order: 'asc',
    limit: 5,
  });
  expect(downloads.map((e) => [e.actor.label, e.details.format])).toEqual([['cli', 'json']]);
});

it('writes the HTML pack with the dashboard’s charts, saying what it does on the way', async () => {
  const html = await veil('report', '--site', t.site.siteKey, '--format', 'html', '--output', 'pack.html');
  expect(html.code, html.err).toBe(0);
  expect(html.err).toContain('starting Chromium…');
  expect(html.err).toContain("drawing the dashboard's charts…");
  expect(html.err).toContain('Wrote the html compliance pack');
  const body = readFileSync(path.join(t.dir, 'pack.html'), 'utf8');
  expect(body).toMatch(/data-testid="readiness-chart"[\s\S]*?class="recharts-surface"/);
}, 60_000);
