/**
 * `veil demo` end to end: the real server with its demo site, the real CLI driving headless
 * Chromium with scripted visitors; the sessions it records are flagged as demo data, carry every
 * frustration signal between them, and `veil demo --erase` erases them all with a receipt, audited.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIGNAL_KINDS, type SignalCounts } from '@veil/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../packages/server/src/cli/commands/shared.js';
import { runCli } from '../../packages/server/src/cli/main.js';
import {
  createApiToken,
  loadConfig,
  type RunningServer,
  startServer,
  systemClock,
} from '../../packages/server/src/index.js';
import { eventually } from './heatmaps/support.js';

// What a newcomer runs: `veil demo` without options, 25 desktop visitors (five rounds of the five
// personas), four at a time, against a server at its privacy defaults (minimum cohort 20).
const SESSIONS = 25;

let root: string;
let env: Record<string, string>;
let server: RunningServer;
let admin: string;
let auditor: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'veil-e2e-demo-'));
  env = {
    PORT: '0',
    HOST: '127.0.0.1',
    VEIL_DATA_DIR: join(root, 'data'),
    VEIL_ADMIN_EMAIL: 'owner@demo.e2e',
    VEIL_ADMIN_PASSWORD: 'demo-e2e-Owner-Passw0rd!',
    VEIL_DEMO: 'true',
    VEIL_LOG_LEVEL: 'warn',
  };
  server = await startServer(loadConfig(env, root), {
    logStream: { write: () => undefined },
    print: () => undefined,
  });
  admin = (
    await createApiToken(server.store, systemClock, { role: 'admin', name: 'demo e2e', expiresInDays: null })
  ).token;
  auditor = (
    await createApiToken(server.store, systemClock, {
      role: 'auditor',
      name: 'demo e2e',
      expiresInDays: null,
    })
  ).token;
});
afterAll(async () => {
  await server?.close();
  await rm(root, { recursive: true, force: true });
});

function captureIo(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), env, cwd: root };
}

interface Listed {
  id: string;
  demo: boolean;
  signals: SignalCounts;
}
async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${admin}` } });
  expect(res.status, `${path}: ${res.status === 200 ? '' : await res.clone().text()}`).toBe(200);
  return (await res.json()) as T;
}

async function listSessions(): Promise<Listed[]> {
  const res = await fetch(`${server.url}/api/v1/sites/${server.demoSiteKey}/sessions?limit=100`, {
    headers: { authorization: `Bearer ${admin}` },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { sessions: Listed[] }).sessions;
}

describe('veil demo', () => {
  it('documents itself', async () => {
    const io = captureIo();
    expect(await runCli(['demo', '--help'], io)).toBe(0);
    const help = io.stdout.join('\n');
    for (const flag of ['--sessions', '--devices', '--url', '--concurrency', '--seed', '--erase'])
      expect(help).toContain(flag);
  });

  it('refuses a bad session count and a server without the demo site', async () => {
    const io = captureIo();
    expect(await runCli(['demo', '--sessions', '0'], io)).not.toBe(0);
    expect(io.stderr.join('\n')).toContain('expected a whole number');
    const phone = captureIo();
    expect(await runCli(['demo', '--devices', 'desktop,phone'], phone)).not.toBe(0);
    expect(phone.stderr.join('\n')).toContain('expected device classes from desktop, tablet, mobile');
    const gone = captureIo();
    expect(await runCli(['demo', '--sessions', '1', '--url', 'http://127.0.0.1:9'], gone)).toBe(1);
    expect(gone.stderr.join('\n')).toContain('no demo site');
  });

  it('records scripted visitors as demo sessions with every signal, then erases them all', async () => {
    const io = captureIo();
    const code = await runCli(['demo', '--url', server.url], io);
    expect(code, io.stderr.join('\n')).toBe(0);
    // One progress line per visitor, then the summary.
    expect(io.stderr.filter((l) => new RegExp(`^\\[\\d+/${SESSIONS}\\] `).test(l))).toHaveLength(SESSIONS);
    expect(io.stdout.join('\n')).toContain(`Recorded ${SESSIONS} of ${SESSIONS} demo sessions`);
    expect(io.stdout.join('\n')).toContain(`Visitors by device class: desktop ${SESSIONS}.`);

    const sessions = await eventually(
      async () => {
        const all = await listSessions();
        return all.length === SESSIONS ? all : undefined;
      },
      15_000,
      'the demo sessions',
    );
    expect(sessions.every((s) => s.demo)).toBe(true);
    // Between them, the five personas produce every frustration signal.
    for (const kind of SIGNAL_KINDS)
      expect(
        sessions.some((s) => s.signals[kind] > 0),
        kind,
      ).toBe(true);

    // What a newcomer opens next, at the default minimum cohort: the page list, the desktop click
    // heatmap of the home page (every visitor clicks there) and a funnel hold the visitors.
    const site = server.demoSiteKey;
    const heatmaps = await getJson<{ pages: Array<{ pattern: string; clicks: number }>; minCohort: number }>(
      `/api/v1/sites/${site}/heatmaps/pages`,
    );
    expect(heatmaps.minCohort).toBe(20);
    const home = heatmaps.pages.find((p) => p.pattern === '/demo');
    expect(home?.clicks, JSON.stringify(heatmaps)).toBeGreaterThan(0);
    const clicks = await getJson<{ elements: Array<{ clicks: number }>; withheldDays: string[] }>(
      `/api/v1/sites/${site}/heatmaps/clicks?page=${encodeURIComponent('/demo')}&device=desktop`,
    );
    expect(clicks.withheldDays).toEqual([]);
    expect(clicks.elements.some((e) => e.clicks > 0)).toBe(true);
    const funnel = await getJson<{ steps: Array<{ sessions: number | null }> }>(
      `/api/v1/sites/${site}/funnel?step=${encodeURIComponent('/demo/**')}&step=${encodeURIComponent('/demo/**')}`,
    );
    expect(funnel.steps[0]?.sessions).toBe(SESSIONS);

    const erase = captureIo();
    expect(await runCli(['demo', '--erase', '--json'], erase), erase.stderr.join('\n')).toBe(0);
    const { receipts } = JSON.parse(erase.stdout.join('\n')) as {
      receipts: Array<{
        id: string;
        siteKey: string;
        sessions: number;
        dataKeysDestroyed: number;
        selector: unknown;
      }>;
    };
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toMatchObject({
      siteKey: server.demoSiteKey,
      selector: { kind: 'demo' },
      sessions: SESSIONS,
      dataKeysDestroyed: SESSIONS,
    });
    expect(await listSessions()).toEqual([]);

    // Evidence: the receipt is kept and the audit log names the erasure.
    const receipt = await fetch(
      `${server.url}/api/v1/sites/${server.demoSiteKey}/erasures/${receipts[0]?.id}`,
      {
        headers: { authorization: `Bearer ${auditor}` },
      },
    );
    expect(receipt.status).toBe(200);
    const audit = await fetch(`${server.url}/api/v1/audit?action=erasure.performed`, {
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(JSON.stringify(await audit.json())).toContain(receipts[0]?.id);

    // Idempotent: a second run finds nothing.
    const again = captureIo();
    expect(await runCli(['demo', '--erase'], again)).toBe(0);
    expect(again.stdout.join('\n')).toContain('deleted: 0 sessions');
  });
});
