/**
 * A separate load process for ingest: run as `node --import tsx test/support/ingestLoad.ts` with
 * its configuration as JSON in `VEIL_LOAD_CONFIG` (see `LoadConfig`). It sends batches over
 * keep-alive HTTP connections the way recorders do: each session one batch at a time, `seq`
 * increasing from 0, an unacknowledged batch sent again (same seq, same bytes) after a short
 * back-off until a 202 acknowledges it, also across a server that is down or restarting. It stops
 * after `seconds` or on SIGTERM (finishing the requests in flight) and prints one JSON line,
 * `LoadReport`, on stdout; progress goes to stderr.
 *
 * Bodies are gzip as the recorder sends them. To keep the client's own CPU out of the server's
 * way, each body is two gzip members: a small per-request header member (site, session, seq) and
 * the events member compressed once at start; gunzip yields the concatenation, one JSON batch.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { syntheticStream } from '../../bench/fixtures.js';

export interface LoadConfig {
  url: string;
  /**
   * Several servers (processes on one database): a session's batches go to them in turn, so
   * consecutive batches of one session land on different processes. @default [url]
   */
  urls?: string[];
  siteKey: string;
  consentReceiptId: string;
  origin: string;
  /** Sessions sent at once; each one is one connection's worth of sequential batches. */
  sessions: number;
  /** Keep-alive connections (at most one request in flight per session). */
  connections: number;
  /** How long to send; 0 = until SIGTERM. */
  seconds: number;
  /** Prefix of session ids, so runs against one database do not collide. */
  sessionPrefix: string;
  /** Where batches' events come from: a JSON file of event arrays, or synthetic ones of this size. */
  events: { file: string } | { syntheticJsonBytes: number };
  /** Back-off before a failed batch is sent again. @default 100 */
  retryDelayMs?: number;
  /**
   * Wait as long as a refusal's `Retry-After` asks (when longer than `retryDelayMs`), as the
   * recorder does, instead of retrying after `retryDelayMs` regardless. @default false
   */
  honourRetryAfter?: boolean;
  /**
   * Batches a second offered over all sessions (each session sends at `rate / sessions` a second,
   * its sends spread evenly): an open pace like real visitors, instead of each session sending its
   * next batch as soon as the last is answered. A session that falls behind sends at once.
   * @default as fast as answered
   */
  rate?: number;
}

export interface LoadReport {
  /** Requests sent, including retries. */
  requests: number;
  /** Batches acknowledged (202), and of those acknowledged as already stored. */
  acknowledged: number;
  duplicates: number;
  /** Non-202 answers by status, and requests that got no answer (connection refused, reset). */
  statuses: Record<string, number>;
  networkErrors: number;
  /** Per session id: the highest acknowledged seq (batches are acknowledged in order), or -1. */
  lastAck: Record<string, number>;
  /** Decompressed JSON bytes and wire bytes of the acknowledged batches. */
  jsonBytes: number;
  wireBytes: number;
  seconds: number;
  latencyMs: { p50: number; p99: number; max: number };
  /**
   * CPU seconds this load process used while sending (user + system): on a machine whose cores it
   * shares with the server, CPU the server could not use.
   */
  cpuSeconds: number;
}

interface Body {
  wire: Buffer;
  jsonBytes: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Event arrays of about `bytes` JSON each, cut from the synthetic stream. */
function syntheticBatches(bytes: number, count: number): unknown[][] {
  const events = syntheticStream(bytes * count);
  const batches: unknown[][] = [];
  let current: unknown[] = [];
  let size = 0;
  for (const e of events) {
    current.push(e);
    size += JSON.stringify(e).length;
    if (size >= bytes) {
      batches.push(current);
      current = [];
      size = 0;
    }
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export async function runLoad(config: LoadConfig, log: (msg: string) => void): Promise<LoadReport> {
  const pool: unknown[][] =
    'file' in config.events
      ? (JSON.parse(readFileSync(config.events.file, 'utf8')) as unknown[][])
      : syntheticBatches(config.events.syntheticJsonBytes, 8);
  // The events member of every body, compressed once: `"events":[…]}`.
  const eventMembers = pool.map((events) => {
    const json = `"events":${JSON.stringify(events)}}`;
    return { gz: gzipSync(json), jsonBytes: Buffer.byteLength(json) };
  });
  const sentAt = Date.now();
  const bodyFor = (sessionId: string, seq: number): Body => {
    const head = `{"v":1,"siteKey":${JSON.stringify(config.siteKey)},"sessionId":${JSON.stringify(sessionId)},"seq":${seq},"sentAt":${sentAt},"consentReceiptId":${JSON.stringify(config.consentReceiptId)},`;
    const member = eventMembers[seq % eventMembers.length]!;
    const headGz = gzipSync(head, { level: 1 });
    return { wire: Buffer.concat([headGz, member.gz]), jsonBytes: head.length + member.jsonBytes };
  };

  const targets = (config.urls ?? [config.url]).map((u) => new URL('/ingest/v1/batch', u));
  const agent = new Agent({ keepAlive: true, maxSockets: config.connections });
  const report: LoadReport = {
    requests: 0,
    acknowledged: 0,
    duplicates: 0,
    statuses: {},
    networkErrors: 0,
    lastAck: {},
    jsonBytes: 0,
    wireBytes: 0,
    seconds: 0,
    latencyMs: { p50: 0, p99: 0, max: 0 },
    cpuSeconds: 0,
  };
  const latencies: number[] = [];
  let stopping = false;
  const stop = (): void => {
    stopping = true;
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  const started = performance.now();
  const cpuAtStart = process.cpuUsage();
  if (config.seconds > 0) setTimeout(stop, config.seconds * 1000).unref();

  const send = (
    target: URL,
    body: Body,
  ): Promise<{ status: number; json: unknown; retryAfterMs: number } | undefined> =>
    new Promise((resolve) => {
      const req = request(
        target,
        {
          method: 'POST',
          agent,
          headers: {
            'content-type': 'text/plain',
            'content-encoding': 'gzip',
            'content-length': body.wire.length,
            origin: config.origin,
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            let json: unknown;
            try {
              json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch (error) {
              json = { unparsable: String(error) };
            }
            const retryAfter = Number(res.headers['retry-after']);
            resolve({
              status: res.statusCode ?? 0,
              json,
              retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0,
            });
          });
          res.on('error', () => resolve(undefined));
        },
      );
      req.on('error', () => resolve(undefined));
      req.end(body.wire);
    });

  const retryDelay = config.retryDelayMs ?? 100;
  const interval = config.rate ? (config.sessions / config.rate) * 1000 : 0;
  const runSession = async (sessionId: string, index: number): Promise<void> => {
    report.lastAck[sessionId] = -1;
    let seq = 0;
    let due = started + (interval * index) / config.sessions;
    while (!stopping) {
      if (interval > 0) {
        const wait = due - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        if (stopping) break;
      }
      const body = bodyFor(sessionId, seq);
      const t = performance.now();
      report.requests += 1;
      const res = await send(targets[(index + seq) % targets.length]!, body);
      if (res === undefined) {
        report.networkErrors += 1;
        await new Promise((r) => setTimeout(r, retryDelay));
        continue;
      }
      if (res.status === 202) {
        latencies.push(performance.now() - t);
        const ack = res.json as { sessionId: string; ack: number; duplicate: boolean };
        if (ack.sessionId !== sessionId || ack.ack !== seq) {
          throw new Error(`wrong acknowledgement ${JSON.stringify(ack)} for ${sessionId}/${seq}`);
        }
        report.acknowledged += 1;
        if (ack.duplicate) report.duplicates += 1;
        report.jsonBytes += body.jsonBytes;
        report.wireBytes += body.wire.length;
        report.lastAck[sessionId] = seq;
        seq += 1;
        due += interval;
        continue;
      }
      report.statuses[res.status] = (report.statuses[res.status] ?? 0) + 1;
      // The recorder keeps the batch and sends it again after a back-off (Retry-After when given).
      const wait = config.honourRetryAfter ? Math.max(retryDelay, res.retryAfterMs) : retryDelay;
      await new Promise((r) => setTimeout(r, wait));
    }
  };

  const progress = setInterval(() => {
    const s = (performance.now() - started) / 1000;
    log(`${s.toFixed(0)} s: ${report.acknowledged} acknowledged (${(report.acknowledged / s).toFixed(0)}/s)`);
  }, 5_000);
  progress.unref();
  await Promise.all(
    Array.from({ length: config.sessions }, (_, i) =>
      runSession(`${config.sessionPrefix}_${String(i).padStart(4, '0')}`, i),
    ),
  );
  clearInterval(progress);
  agent.destroy();
  report.seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuAtStart);
  report.cpuSeconds = (cpu.user + cpu.system) / 1e6;
  latencies.sort((a, b) => a - b);
  report.latencyMs = {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
  };
  return report;
}

if (process.env.VEIL_LOAD_CONFIG) {
  const config = JSON.parse(process.env.VEIL_LOAD_CONFIG) as LoadConfig;
  const report = await runLoad(config, (m) => process.stderr.write(`load: ${m}\n`));
  process.stdout.write(`${JSON.stringify(report)}\n`);
}
