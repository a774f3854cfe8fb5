/**
 * Crash test (issue 17, "No loss"): the real server as a child process on SQLite, a separate load
 * process sending sustained ingest for several sessions (seq increasing, unacknowledged batches
 * sent again as the recorder does), and 20 `kill -9` of the server at random moments, each
 * followed by a restart on the same data directory and port. Afterwards every acknowledged
 * (session, seq) is stored exactly once.
 */
import { afterAll, expect, it } from 'vitest';
import { makeTempDir } from '../../../packages/server/test/support/tempDir.js';
import {
  addLoadSite,
  freePort,
  grantLoadConsent,
  LOAD_ORIGIN,
  LOAD_RECEIPT_ID,
  lossReport,
  startLoad,
  startVeil,
  storedSeqs,
  type VeilProcess,
  veilEnv,
} from '../../support/veilProcess.js';

const KILLS = 20;
const SESSIONS = 8;
const temp = makeTempDir('veil-crash-');
let veil: VeilProcess | undefined;
afterAll(() => {
  veil?.child.kill('SIGKILL');
  temp.remove();
});

/** Deterministic per run of the test is not the point: each run kills at other moments. */
const randomMs = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

it(`keeps every acknowledged batch exactly once through ${KILLS} kill -9 and restarts`, async () => {
  const env = veilEnv(temp.dir, await freePort());
  const siteKey = await addLoadSite(env);
  veil = await startVeil(env);
  await grantLoadConsent(veil.url, siteKey);
  const load = startLoad({
    url: veil.url,
    siteKey,
    consentReceiptId: LOAD_RECEIPT_ID,
    origin: LOAD_ORIGIN,
    sessions: SESSIONS,
    connections: SESSIONS,
    seconds: 0,
    sessionPrefix: 'crash',
    // Small batches: many commits per second, so kills land in the middle of them.
    events: { syntheticJsonBytes: 16 * 1024 },
    retryDelayMs: 50,
  });

  const started = Date.now();
  for (let kill = 1; kill <= KILLS; kill++) {
    await new Promise((r) => setTimeout(r, randomMs(200, 900)));
    veil.child.kill('SIGKILL');
    expect(await veil.exited).toBe('SIGKILL');
    veil = await startVeil(env);
    process.stderr.write(
      `crash test: kill ${kill} done at ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
  }
  await new Promise((r) => setTimeout(r, 500));
  const report = await load.stop();
  veil.child.kill('SIGTERM');
  expect(await veil.exited).toBe(0);

  const problems = lossReport(report.lastAck, storedSeqs(temp.dir, 'crash_'));
  process.stderr.write(
    `crash test: ${KILLS} kills in ${((Date.now() - started) / 1000).toFixed(1)} s, ${report.acknowledged} acknowledged ` +
      `(${report.duplicates} as already stored), ${report.requests} requests, ${report.networkErrors} without answer, ` +
      `statuses ${JSON.stringify(report.statuses)}\n`,
  );
  expect(problems).toEqual([]);
  expect(Object.keys(report.lastAck)).toHaveLength(SESSIONS);
  // The load went on between the kills: every session got batches through.
  for (const last of Object.values(report.lastAck)) expect(last).toBeGreaterThan(0);
}, 600_000);
