import { createSocket } from 'node:dgram';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { type AuditCheckpoint, auditCheckpointPayload, parseAuditAnchor, sealAuditEntry } from '@veil/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, nodeSha256 } from '../../src/audit/AuditLog.js';
import type { CheckpointAnchor } from '../../src/audit/anchor/CheckpointAnchor.js';
import { syslogAnchor } from '../../src/audit/anchor/syslogAnchor.js';
import { webhookAnchor } from '../../src/audit/anchor/webhookAnchor.js';
import { auditSigningKeyFromSeed } from '../../src/audit/auditSigningKey.js';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/createApp.js';
import { startServer } from '../../src/startServer.js';
import { auditEntryFromRow } from '../../src/storage/audit/createAuditRepository.js';
import { openStore } from '../../src/storage/openStore.js';
import { makeTempDir } from '../support/tempDir.js';
import { FAST_HASHING } from '../support/testApp.js';

/**
 * The external anchor against a database administrator: the key lives outside the data directory,
 * checkpoints go to an anchor file as they are signed, and `veil audit verify --anchor` catches a
 * cut-off tail (entries, checkpoints and head all removed) that the database alone cannot show.
 */
const SEED = Buffer.alloc(32, 9).toString('base64');
const ENTRIES = 150;

describe('audit anchor file and `veil audit verify --anchor` (real SQLite file)', () => {
  const temp = makeTempDir();
  const pristine = path.join(temp.dir, 'pristine');
  const secrets = path.join(temp.dir, 'secrets');
  const keyFile = path.join(secrets, 'audit-signing.key');
  const anchorFile = path.join(temp.dir, 'other-storage', 'anchor.jsonl');
  let copies = 0;
  const env = (dataDir: string, anchor = anchorFile) => ({
    VEIL_DATA_DIR: dataDir,
    VEIL_DEMO: 'false',
    VEIL_AUDIT_SIGNING_KEY_FILE: keyFile,
    VEIL_AUDIT_ANCHOR: anchor,
  });

  beforeAll(async () => {
    mkdirSync(secrets, { mode: 0o700 });
    writeFileSync(keyFile, `${SEED}\n`, { mode: 0o600 });
    const app = await createApp(
      {
        ...loadConfig({ ...env(pristine), VEIL_ADMIN_PASSWORD: 'bootstrap-password' }, temp.dir),
        passwordHashing: FAST_HASHING,
      },
      { logStream: { write: () => {} }, print: () => {} },
    );
    for (let i = 2; i <= 120; i++) {
      await app.veil.audit.record({
        action: 'replay.viewed',
        actor: { type: 'user', id: `user-${i % 5}`, label: null },
        target: { type: 'session', id: `session-${i}` },
        details: { purpose: `ticket ${i}` },
      });
    }
    // The minute job: the head (seq 120) is signed and anchored.
    expect((await app.veil.audit.checkpointHead())?.seq).toBe(120);
    for (let i = 121; i <= ENTRIES; i++) {
      await app.veil.audit.record({
        action: 'auth.login_succeeded',
        actor: { type: 'user', id: 'u', label: null },
      });
    }
    await app.close();
  });
  afterAll(() => temp.remove());

  function tampered(change: (db: BetterSqlite3.Database) => void): string {
    const dir = path.join(temp.dir, `copy-${++copies}`);
    cpSync(pristine, dir, { recursive: true });
    const db = new BetterSqlite3(path.join(dir, 'veil.sqlite'));
    try {
      for (const t of [
        'audit_log_no_update',
        'audit_log_no_delete',
        'audit_checkpoints_no_update',
        'audit_checkpoints_no_delete',
      ])
        db.exec(`DROP TRIGGER IF EXISTS ${t}`);
      change(db);
    } finally {
      db.close();
    }
    return dir;
  }

  async function verify(dataDir: string, ...extra: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { out: (s) => out.push(s), err: (s) => err.push(s), env: env(dataDir), cwd: temp.dir };
    const code = await runCli(['audit', 'verify', ...extra], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('keeps the key outside the data directory and anchors the 100th entry and the head checkpoint', async () => {
    const parsed = parseAuditAnchor(readFileSync(anchorFile, 'utf8'));
    expect(parsed.ok && parsed.checkpoints.map((c) => c.seq)).toEqual([100, 120]);
    expect(() => readFileSync(path.join(pristine, 'audit-signing.key'))).toThrow();
    const result = await verify(
      tampered(() => {}),
      '--anchor',
      anchorFile,
    );
    expect(result.code).toBe(0);
    expect(result.out).toContain(`OK: ${ENTRIES} entries intact`);
    expect(result.out).toContain('anchored up to seq 120');
    expect(result.out).toContain(`${ENTRIES - 120} entries after it`);
  });

  it('catches a cut-off tail that the database alone cannot show (entries, checkpoint and head removed)', async () => {
    const dir = tampered((db) => {
      db.prepare('DELETE FROM audit_log WHERE seq > 110').run();
      db.prepare('DELETE FROM audit_checkpoints WHERE seq > 110').run();
      const last = auditEntryFromRow(db.prepare('SELECT * FROM audit_log WHERE seq = 110').get() as never);
      db.prepare('UPDATE audit_head SET seq = 110, hash = ?').run(last.hash);
    });
    const alone = await verify(dir);
    expect(alone.code).toBe(0);
    const anchored = await verify(dir, '--anchor', anchorFile);
    expect(anchored.code).toBe(1);
    expect(anchored.out).toContain('FAILED: truncated at seq 111');
    const json = await verify(dir, '--anchor', anchorFile, '--json');
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, problem: { kind: 'truncated', seq: 111 } });
  });

  it('catches entries rewritten (chain recomputed, head moved) before an anchored checkpoint', async () => {
    const dir = tampered((db) => {
      const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= 105 ORDER BY seq').all() as never[];
      let prev = auditEntryFromRow(db.prepare('SELECT * FROM audit_log WHERE seq = 104').get() as never) as {
        seq: number;
        hash: string;
      };
      const update = db.prepare(
        'UPDATE audit_log SET details_json = ?, prev_hash = ?, hash = ? WHERE seq = ?',
      );
      for (const r of rows) {
        const entry = auditEntryFromRow(r);
        const details = entry.seq === 105 ? { purpose: 'nothing to see' } : entry.details;
        const sealed = sealAuditEntry(prev, { ...entry, details }, nodeSha256);
        update.run(JSON.stringify(sealed.details), sealed.prevHash, sealed.hash, sealed.seq);
        prev = sealed;
      }
      db.prepare('DELETE FROM audit_checkpoints WHERE seq > 100').run();
      db.prepare('UPDATE audit_head SET hash = ?').run(prev.hash);
    });
    expect((await verify(dir)).code).toBe(0);
    const anchored = await verify(dir, '--anchor', anchorFile);
    expect(anchored.code).toBe(1);
    expect(anchored.out).toContain('FAILED: rewritten at seq 101');
  });

  it('fails an anchor line that was edited, and cannot verify without checkpoints (exit 2)', async () => {
    const edited = path.join(temp.dir, 'edited.jsonl');
    writeFileSync(edited, readFileSync(anchorFile, 'utf8').replace('"seq":120', '"seq":119'));
    const bad = await verify(
      tampered(() => {}),
      '--anchor',
      edited,
    );
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('FAILED: bad_checkpoint at seq 119');
    const empty = path.join(temp.dir, 'empty.jsonl');
    writeFileSync(empty, 'nothing here\n');
    const none = await verify(
      tampered(() => {}),
      '--anchor',
      empty,
    );
    expect(none.code).toBe(2);
    expect(none.err).toContain('holds no signed audit checkpoint');
    const missing = await verify(
      tampered(() => {}),
      '--anchor',
      path.join(temp.dir, 'missing.jsonl'),
    );
    expect(missing.code).toBe(2);
  });

  it('signs and anchors the head at least every minute (the unanchored tail is at most a minute old)', async () => {
    const servedAnchor = path.join(temp.dir, 'other-storage', 'served.jsonl');
    const server = await startServer(
      {
        ...loadConfig(
          {
            ...env(path.join(temp.dir, 'served'), servedAnchor),
            PORT: '0',
            VEIL_ADMIN_PASSWORD: 'bootstrap-password',
          },
          temp.dir,
        ),
        passwordHashing: FAST_HASHING,
      },
      { logStream: { write: () => {} }, print: () => {} },
    );
    try {
      // The job the running server scheduled, not a constant beside it.
      const job = server.jobs.find((j) => j.name === 'audit-checkpoint');
      if (!job) throw new Error('the server schedules no audit-checkpoint job');
      expect(job.intervalMs).toBeLessThanOrEqual(60_000);
      const { audit } = server.app.veil;
      await audit.record({
        action: 'replay.viewed',
        actor: { type: 'user', id: 'u', label: null },
        target: { type: 'session', id: 'served-session' },
        details: { purpose: 'one tick of the minute job' },
      });
      const head = await server.store.audit.head();
      const anchoredBefore = (await server.store.audit.checkpoints()).at(-1)?.seq ?? 0;
      expect(anchoredBefore).toBeLessThan(head.seq);
      // One tick: the head is signed and written to the anchor file.
      await job.run();
      await audit.anchored();
      const parsed = parseAuditAnchor(readFileSync(servedAnchor, 'utf8'));
      if (!parsed.ok) throw new Error('the anchor file does not parse');
      const last = parsed.checkpoints.at(-1);
      expect(last).toMatchObject({ seq: head.seq, hash: head.hash });
      const key = auditSigningKeyFromSeed(Buffer.from(SEED, 'base64'), 'key-file', false, []);
      expect(last && key.checkSignature(last, auditCheckpointPayload(last))).toBe(true);
    } finally {
      await server.close();
    }
  });

  it('documents --anchor and the exit codes in --help', async () => {
    const out: string[] = [];
    const io: CliIo = { out: (s) => out.push(s), err: (s) => out.push(s), env: env(pristine), cwd: temp.dir };
    await runCli(['audit', 'verify', '--help'], io);
    const help = out.join('\n');
    expect(help).toContain('--anchor <file>');
    expect(help).toMatch(/0 intact, 1 tampering found.*2 could not verify/s);
  });

  it('refuses to start when the configured key file is missing (no silent new key)', async () => {
    await expect(
      createApp(
        {
          ...loadConfig(
            {
              ...env(path.join(temp.dir, 'fresh')),
              VEIL_AUDIT_SIGNING_KEY_FILE: path.join(secrets, 'nope.key'),
            },
            temp.dir,
          ),
          passwordHashing: FAST_HASHING,
        },
        { logStream: { write: () => {} }, print: () => {} },
      ),
    ).rejects.toThrow(/nope\.key does not exist/);
  });
});

describe('syslog and webhook anchors (real loopback receivers)', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  async function auditLogWith(anchor: readonly CheckpointAnchor[]) {
    const store = await openStore({ kind: 'sqlite', file: path.join(temp.dir, `a-${Math.random()}.sqlite`) });
    const signingKey = auditSigningKeyFromSeed(Buffer.alloc(32, 3), 'env', false, []);
    const errors: string[] = [];
    const log = new AuditLog({
      store,
      clock: { now: () => 1_700_000_000_000 },
      signingKey,
      anchors: anchor,
      onAnchorError: (error) => errors.push(String(error)),
    });
    return { log, store, signingKey, errors };
  }

  it('sends each checkpoint as an RFC 5424 datagram to a UDP syslog receiver', async () => {
    const receiver = createSocket('udp4');
    const received: string[] = [];
    receiver.on('message', (m) => received.push(m.toString('utf8')));
    await new Promise<void>((resolve) => receiver.bind(0, '127.0.0.1', resolve));
    const anchor = syslogAnchor('127.0.0.1', (receiver.address() as AddressInfo).port);
    const { log, store, signingKey } = await auditLogWith([anchor]);
    try {
      await log.record({ action: 'auth.login_succeeded', actor: { type: 'user', id: 'u', label: null } });
      const checkpoint = await log.checkpointHead();
      for (let i = 0; i < 50 && received.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(received).toHaveLength(1);
      expect(received[0]).toMatch(/^<109>1 \S+ \S+ veil \d+ audit-checkpoint - \{/);
      const parsed = parseAuditAnchor(received[0]!);
      expect(parsed.ok && parsed.checkpoints).toEqual([checkpoint]);
      const report = await log.verify(parsed.ok ? parsed.checkpoints : []);
      expect(report.ok).toBe(true);
      expect(signingKey.keyId).toBe(checkpoint?.keyId);
    } finally {
      await anchor.close();
      receiver.close();
      await store.close();
    }
  });

  it('POSTs checkpoints to a webhook and retries one the receiver refused at the next head checkpoint', async () => {
    const bodies: string[] = [];
    let refuse = true;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        if (refuse) {
          res.writeHead(503).end();
          return;
        }
        expect(req.headers['content-type']).toBe('application/json');
        bodies.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/anchor`);
    const { log, store, errors } = await auditLogWith([webhookAnchor(url)]);
    try {
      await log.record({ action: 'auth.login_succeeded', actor: { type: 'user', id: 'u', label: null } });
      const first = (await log.checkpointHead()) as AuditCheckpoint;
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain('503');
      expect(bodies).toEqual([]);
      refuse = false;
      // Nothing new in the log: the job still delivers the checkpoint the anchor missed.
      expect(await log.checkpointHead()).toBeUndefined();
      expect(bodies).toHaveLength(1);
      const parsed = parseAuditAnchor(bodies[0]!);
      expect(parsed.ok && parsed.checkpoints).toEqual([first]);
      await log.record({ action: 'auth.logged_out', actor: { type: 'user', id: 'u', label: null } });
      await log.checkpointHead();
      expect(bodies).toHaveLength(2);
    } finally {
      server.close();
      await store.close();
    }
  });
});
