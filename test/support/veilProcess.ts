/**
 * The real server as a child process (`node packages/server/bin/veil.js start`, built first), and
 * the load process beside it: what the no-loss tests and the ingest benchmark kill, restart and
 * measure. Everything the server needs is set up through its own CLI and HTTP API.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { LoadConfig, LoadReport } from './ingestLoad.js';

const execFileAsync = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/**
 * The `veil` command the processes run; `VEIL_BENCH_BIN` points the benchmark at another build (a
 * copy of an earlier `dist/` behind its own shim) to compare before and after in one session.
 */
const VEIL_BIN =
  process.env.VEIL_BENCH_BIN ?? fileURLToPath(new URL('../../packages/server/bin/veil.js', import.meta.url));
const LOAD_SCRIPT = fileURLToPath(new URL('./ingestLoad.ts', import.meta.url));

export const LOAD_ORIGIN = 'http://load.example';
export const LOAD_RECEIPT_ID = 'load_consent_receipt_0001';

/** A port that was free a moment ago (the server is restarted on the same one). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** The environment of a server on `dataDir` (SQLite) or `databaseUrl` (PostgreSQL). */
export function veilEnv(dataDir: string, port: number, databaseUrl?: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    VEIL_DATA_DIR: dataDir,
    PORT: String(port),
    HOST: '127.0.0.1',
    VEIL_DEMO: 'false',
    VEIL_LOG_LEVEL: 'warn',
    VEIL_ADMIN_PASSWORD: 'load-test-owner-password',
    // Fixed keys: a restarted process must open what the killed one wrote.
    VEIL_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    VEIL_IDENTITY_SECRET: Buffer.alloc(32, 8).toString('base64'),
    ...(databaseUrl ? { VEIL_DATABASE_URL: databaseUrl } : {}),
  };
}

/**
 * For a server under a closed-loop load (each session sends its next batch as soon as the last is
 * answered, 32 at once): such a load keeps the server at its maximum by construction, where
 * batches wait behind each other longer than the default `VEIL_INGEST_MAX_QUEUE_MS` and would be
 * shed. Tests of loss under load, and throughput runs, raise the limit to its maximum (10 min;
 * with 60 s the load test saw four batches shed at load 14); shedding by queueing delay has its own
 * test (ingestQueueShedding.test.ts) and the benchmark's paced sustained run keeps it.
 */
export const CLOSED_LOOP_ENV = { VEIL_INGEST_MAX_QUEUE_MS: '600000' } as const;

/** Registers the load site through the CLI; returns its site key. */
export async function addLoadSite(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await execFileAsync(
    process.execPath,
    [VEIL_BIN, 'sites', 'add', '--name', 'Load', '--origin', LOAD_ORIGIN, '--sampling', '100', '--json'],
    { env, cwd: ROOT },
  );
  return (JSON.parse(stdout) as { siteKey: string }).siteKey;
}

/** Registers the consent grant every load batch carries, the way the browser SDK does. */
export async function grantLoadConsent(url: string, siteKey: string): Promise<void> {
  const res = await fetch(`${url}/r/v1/sites/${siteKey}/consent`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: LOAD_ORIGIN },
    body: JSON.stringify({
      v: 1,
      decision: 'granted',
      receiptId: LOAD_RECEIPT_ID,
      granted: ['analytics'],
      denied: [],
      source: 'api',
    }),
  });
  if (res.status !== 201) throw new Error(`consent registration: ${res.status} ${await res.text()}`);
}

export interface VeilProcess {
  child: ChildProcess;
  url: string;
  /** stderr and stdout of the process so far. */
  output(): string;
  /** Resolves with the exit code (or signal) once the process has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
  /** Resident memory of the server process in bytes (from /proc). */
  rss(): number;
}

/**
 * Starts the server and waits until `/healthz` answers. `nodeArgs` go to node before the script
 * (`--cpu-prof` is refused in `NODE_OPTIONS`).
 */
export async function startVeil(
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
  nodeArgs: readonly string[] = [],
): Promise<VeilProcess> {
  const child = spawn(process.execPath, [...nodeArgs, VEIL_BIN, 'start'], {
    env,
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal)),
  );
  const url = `http://127.0.0.1:${env.PORT}`;
  const deadline = Date.now() + timeoutMs;
  let done = false;
  void exited.then(() => {
    done = true;
  });
  while (!done) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) break;
    } catch {
      // Not listening yet: try again below.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not start in ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  if (done) throw new Error(`server exited during start:\n${output}`);
  return {
    child,
    url,
    output: () => output,
    exited,
    rss: () => {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
      return kb === undefined ? 0 : Number(kb) * 1024;
    },
  };
}

export interface LoadProcess {
  child: ChildProcess;
  /** Asks the load process to stop (SIGTERM) and resolves with its report. */
  stop(): Promise<LoadReport>;
  /** Resolves with its report when it stops by itself (after `seconds`). */
  report: Promise<LoadReport>;
}

/** Starts the load process (`ingestLoad.ts`) with `config`. */
export function startLoad(config: LoadConfig, onProgress?: (line: string) => void): LoadProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', LOAD_SCRIPT], {
    env: { ...process.env, VEIL_LOAD_CONFIG: JSON.stringify(config) },
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
    for (const line of d.toString().split('\n')) if (line.trim()) onProgress?.(line);
  });
  const report = new Promise<LoadReport>((resolve, reject) => {
    child.once('exit', (code) => {
      const line = stdout.trim().split('\n').pop();
      if (code !== 0 || !line) reject(new Error(`load process exited with ${code}:\n${stderr}`));
      else resolve(JSON.parse(line) as LoadReport);
    });
  });
  return {
    child,
    report,
    stop: () => {
      child.kill('SIGTERM');
      return report;
    },
  };
}

/**
 * The stored (session, seq) pairs of sessions whose id starts with `prefix`, read from the SQLite
 * file directly (the server is stopped): per session, every stored seq as often as it is stored.
 */
export function storedSeqs(dataDir: string, prefix: string): Map<string, number[]> {
  const db = new Database(`${dataDir}/veil.sqlite`, { readonly: true });
  try {
    const rows = db
      .prepare(
        'select session_id as sessionId, seq from chunks where session_id like ? order by session_id, seq',
      )
      .all(`${prefix}%`) as Array<{ sessionId: string; seq: number }>;
    const bySession = new Map<string, number[]>();
    for (const { sessionId, seq } of rows)
      bySession.set(sessionId, [...(bySession.get(sessionId) ?? []), seq]);
    return bySession;
  } finally {
    db.close();
  }
}

/** `storedSeqs` of a PostgreSQL database (the servers may still run: it reads committed rows). */
export async function storedSeqsPostgres(
  databaseUrl: string,
  prefix: string,
): Promise<Map<string, number[]>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ session_id: string; seq: number }>(
      'select session_id, seq from chunks where session_id like $1 order by session_id, seq',
      [`${prefix}%`],
    );
    const bySession = new Map<string, number[]>();
    for (const { session_id, seq } of rows)
      bySession.set(session_id, [...(bySession.get(session_id) ?? []), seq]);
    return bySession;
  } finally {
    await client.end();
  }
}

/**
 * What the no-loss tests assert, as a list of problems (empty when none): every acknowledged seq
 * of every session stored exactly once, nothing stored beyond the one batch that may have been in
 * flight when the load stopped, no gap.
 */
export function lossReport(lastAck: Record<string, number>, stored: Map<string, number[]>): string[] {
  const problems: string[] = [];
  for (const [sessionId, last] of Object.entries(lastAck)) {
    const seqs = stored.get(sessionId) ?? [];
    const counts = new Map<number, number>();
    for (const seq of seqs) counts.set(seq, (counts.get(seq) ?? 0) + 1);
    for (let seq = 0; seq <= last; seq++) {
      const n = counts.get(seq) ?? 0;
      if (n !== 1) problems.push(`${sessionId}/${seq}: acknowledged, stored ${n} times`);
    }
    for (const [seq, n] of counts) {
      if (seq > last + 1) problems.push(`${sessionId}/${seq}: stored beyond the last acknowledged ${last}`);
      else if (seq === last + 1 && n !== 1) problems.push(`${sessionId}/${seq}: stored ${n} times`);
    }
  }
  for (const sessionId of stored.keys()) {
    if (!(sessionId in lastAck)) problems.push(`${sessionId}: stored but never sent`);
  }
  return problems;
}
