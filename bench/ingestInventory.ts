/**
 * The data inventory's cost at ingest (issue 14: ingest must not drop by more than 10 % with it):
 * the same recorded batches through the real app on SQLite (`app.inject`, ingest on the main
 * thread), in alternating rounds with the pipeline's inventory step as it is and with its tracker
 * doing nothing. The fastest round of each counts (noise only ever adds time).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { systemClock } from '../packages/server/src/clock.js';
import { loadConfig } from '../packages/server/src/config/config.js';
import type { IngestPipeline } from '../packages/server/src/ingest/IngestPipeline.js';
import { createSite } from '../packages/server/src/sites/createSite.js';
import { startServer } from '../packages/server/src/startServer.js';
import { grantTestConsent, TEST_CONSENT_RECEIPT_ID } from '../packages/server/test/support/consent.js';
import { makeTempDir } from '../packages/server/test/support/tempDir.js';
import type { BenchRow } from './heatmapQueries.js';

const ORIGIN = 'https://inventory-bench.example';
const ROUNDS = 4;
/** Sessions a round's batches are spread over (each its own pages and fields to file). */
const SESSIONS = 8;

export async function ingestInventoryBench(
  eventsFile: string,
  progress: (m: string) => void,
): Promise<BenchRow[]> {
  const pool = JSON.parse(readFileSync(eventsFile, 'utf8')) as unknown[][];
  const temp = makeTempDir('veil-bench-inventory-');
  mkdirSync(path.join(temp.dir, 'data'));
  const config = loadConfig(
    {
      VEIL_DATA_DIR: path.join(temp.dir, 'data'),
      PORT: '0',
      VEIL_LOG_LEVEL: 'warn',
      VEIL_DEMO: 'false',
      VEIL_INGEST_WORKERS: '0',
      VEIL_ADMIN_PASSWORD: 'bench-owner-password',
    },
    temp.dir,
  );
  // Its log goes to stderr with the progress: stdout carries only the table (or `--json`'s rows).
  const server = await startServer(config, { print: () => {}, logStream: process.stderr });
  try {
    const site = await createSite(server.store, systemClock, {
      name: 'Bench',
      origins: [ORIGIN],
      samplingPercent: 100,
    });
    await grantTestConsent(server.store, site);
    const pipeline = server.app.veil.ingest as IngestPipeline;
    const observe = pipeline.inventory.observe.bind(pipeline.inventory);
    const times = { with: [] as number[], without: [] as number[] };
    let bytes = 0;
    for (let round = 0; round < ROUNDS * 2; round++) {
      const withInventory = round % 2 === 0;
      pipeline.inventory.observe = withInventory ? observe : async () => undefined;
      progress(`ingest with and without inventory: round ${round + 1}/${ROUNDS * 2}`);
      const bodies = pool.map((events, i) => {
        const head = `{"v":1,"siteKey":"${site.siteKey}","sessionId":"inventory_bench_${round}_${i % SESSIONS}","seq":${Math.floor(i / SESSIONS)},"sentAt":1,"consentReceiptId":"${TEST_CONSENT_RECEIPT_ID}",`;
        return gzipSync(`${head}"events":${JSON.stringify(events)}}`);
      });
      bytes = bodies.reduce((n, b) => n + b.length, 0);
      const t = performance.now();
      for (const body of bodies) {
        const res = await server.app.inject({
          method: 'POST',
          url: '/ingest/v1/batch',
          headers: { 'content-type': 'text/plain', 'content-encoding': 'gzip', origin: ORIGIN },
          payload: body,
        });
        if (res.statusCode !== 202) throw new Error(`inventory bench: ${res.statusCode} ${res.body}`);
      }
      (withInventory ? times.with : times.without).push(performance.now() - t);
    }
    pipeline.inventory.observe = observe;
    const withMs = Math.min(...times.with);
    const withoutMs = Math.min(...times.without);
    const rate = (ms: number) => pool.length / (ms / 1000);
    const drop = 1 - withoutMs / withMs;
    return [
      {
        benchmark: `ingest with the inventory step, in process on SQLite (${pool.length} recorded batches, ${(bytes / pool.length / 1024).toFixed(0)} KB gzip each)`,
        value: `${rate(withMs).toFixed(1)} batches/s`,
        baseline: `without the inventory step ${rate(withoutMs).toFixed(1)} batches/s`,
        ratio: `${(drop * 100).toFixed(1)} % slower`,
        target: '≤ 10 % slower',
        ok: drop <= 0.1,
      },
    ];
  } finally {
    await server.close();
    temp.remove();
  }
}
