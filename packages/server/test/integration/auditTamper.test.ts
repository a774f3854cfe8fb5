import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { sealAuditEntry } from '@veil/core';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../src/audit/AuditLog.js';
import type { CliIo } from '../../src/cli/commands/shared.js';
import { runCli } from '../../src/cli/main.js';
import { loadConfig } from '../../src/config/config.js';
import { createApp } from '../../src/createApp.js';
import { auditEntryFromRow } from '../../src/storage/audit/createAuditRepository.js';
import { makeTempDir } from '../support/tempDir.js';
import { FAST_HASHING } from '../support/testApp.js';

/**
 * Tamper tests on a real SQLite file, as a database administrator could do them: triggers dropped,
 * rows edited, deleted, swapped or inserted with sqlite3 directly. `veil audit verify` must fail
 * naming the entry, and pass the untouched copy.
 */
const ENTRIES = 230;
const REPO = fileURLToPath(new URL('../../../../', import.meta.url));

describe('audit log tamper evidence (real SQLite file, `veil audit verify`)', () => {
  const temp = makeTempDir();
  const pristine = path.join(temp.dir, 'pristine');
  let copies = 0;

  beforeAll(async () => {
    const env = { VEIL_DATA_DIR: pristine, VEIL_DEMO: 'false', VEIL_ADMIN_PASSWORD: 'bootstrap-password' };
    const app = await createApp(
      { ...loadConfig(env, temp.dir), passwordHashing: FAST_HASHING },
      { logStream: { write: () => {} }, print: () => {} },
    );
    // The bootstrap wrote entry 1; fill the log past two signed checkpoints (100, 200).
    for (let i = 2; i <= ENTRIES; i++) {
      await app.veil.audit.record({
        action: i % 3 ? 'replay.viewed' : 'auth.login_succeeded',
        actor: { type: 'user', id: `user-${i % 7}`, label: `u${i % 7}@example.test` },
        siteKey: 'site_a',
        target: { type: 'session', id: `session-${i}` },
        details: { purpose: `ticket ${i}`, ticket: `T-${i}` },
      });
    }
    await app.close();
  });
  afterAll(() => temp.remove());

  /** A fresh copy of the data directory, its database opened as an administrator would (no triggers). */
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
    const io: CliIo = {
      out: (s) => out.push(s),
      err: (s) => err.push(s),
      env: { VEIL_DATA_DIR: dataDir, VEIL_DEMO: 'false' },
      cwd: temp.dir,
    };
    const code = await runCli(['audit', 'verify', ...extra], io);
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  const row = (db: BetterSqlite3.Database, seq: number) =>
    db.prepare('SELECT * FROM audit_log WHERE seq = ?').get(seq) as Record<string, unknown>;

  it('passes the untouched chain (exit 0)', async () => {
    const result = await verify(tampered(() => {}));
    expect(result.code).toBe(0);
    expect(result.out).toMatch(
      new RegExp(`^OK: ${ENTRIES} entries intact \\(seq 1–${ENTRIES}\\), 2 signed checkpoints`),
    );
    const json = await verify(
      tampered(() => {}),
      '--json',
    );
    expect(JSON.parse(json.out)).toMatchObject({
      ok: true,
      headSeq: ENTRIES,
      checkpoints: 2,
      uncheckpointed: 30,
    });
  });

  it('names an edited entry', async () => {
    const dir = tampered((db) =>
      db
        .prepare(
          `UPDATE audit_log SET details_json = '{"purpose":"nothing to see","ticket":"T-42"}' WHERE seq = 42`,
        )
        .run(),
    );
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED: modified at seq 42');
  });

  it('names an edited entry whose hash was recomputed too', async () => {
    const dir = tampered((db) => {
      const original = auditEntryFromRow(row(db, 42) as never);
      const forged = sealAuditEntry(
        { seq: 41, hash: original.prevHash },
        { ...original, actor: { type: 'user', id: 'someone-else', label: 'innocent@example.test' } },
        nodeSha256,
      );
      db.prepare('UPDATE audit_log SET actor_id = ?, actor_label = ?, hash = ? WHERE seq = 42').run(
        forged.actor.id,
        forged.actor.label,
        forged.hash,
      );
    });
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED: modified at seq 42');
  });

  it('names a deleted entry', async () => {
    const result = await verify(tampered((db) => db.prepare('DELETE FROM audit_log WHERE seq = 42').run()));
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED: deleted at seq 42');
  });

  it('names the newest entries when they were deleted (the head remembers)', async () => {
    const result = await verify(
      tampered((db) => db.prepare(`DELETE FROM audit_log WHERE seq >= ${ENTRIES - 1}`).run()),
    );
    expect(result.code).toBe(1);
    expect(result.out).toContain(`FAILED: truncated at seq ${ENTRIES - 1}`);
  });

  it('names reordered entries (contents swapped, seq kept)', async () => {
    const dir = tampered((db) => {
      const a = row(db, 42);
      const b = row(db, 43);
      const columns = Object.keys(a).filter((c) => c !== 'seq');
      const set = columns.map((c) => `${c} = @${c}`).join(', ');
      db.prepare(`UPDATE audit_log SET seq = -1 WHERE seq = 42`).run();
      db.prepare(`UPDATE audit_log SET ${set} WHERE seq = 43`).run(a);
      db.prepare(`UPDATE audit_log SET ${set}, seq = 42 WHERE seq = -1`).run(b);
    });
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED: reordered at seq 42');
  });

  it('names an inserted entry (later entries renumbered to make room)', async () => {
    const dir = tampered((db) => {
      const prev = auditEntryFromRow(row(db, 41) as never);
      const forged = sealAuditEntry(
        prev,
        {
          at: prev.at + 1,
          actor: { type: 'user', id: 'ghost', label: 'ghost@example.test' },
          action: 'auth.logged_out',
          siteKey: null,
          target: null,
          details: {},
        },
        nodeSha256,
      );
      db.exec('UPDATE audit_log SET seq = seq + 1000000 WHERE seq >= 42');
      db.exec('UPDATE audit_log SET seq = seq - 999999 WHERE seq >= 1000000');
      db.prepare(
        `INSERT INTO audit_log (seq, at, actor_type, actor_id, actor_label, action, site_key, target_type, target_id, details_json, prev_hash, hash)
         VALUES (42, ?, 'user', 'ghost', 'ghost@example.test', 'auth.logged_out', NULL, NULL, NULL, '{}', ?, ?)`,
      ).run(forged.at, forged.prevHash, forged.hash);
      db.exec('UPDATE audit_head SET seq = seq + 1');
    });
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED: inserted at seq 42');
  });

  it('catches a chain recomputed from an edit onwards, by the signed checkpoints', async () => {
    const dir = tampered((db) => {
      const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= 42 ORDER BY seq').all() as never[];
      let prev = auditEntryFromRow(row(db, 41) as never) as { seq: number; hash: string };
      const update = db.prepare(
        'UPDATE audit_log SET details_json = ?, prev_hash = ?, hash = ? WHERE seq = ?',
      );
      for (const r of rows) {
        const entry = auditEntryFromRow(r);
        const details = entry.seq === 42 ? { purpose: 'nothing to see' } : entry.details;
        const sealed = sealAuditEntry(prev, { ...entry, details }, nodeSha256);
        update.run(JSON.stringify(sealed.details), sealed.prevHash, sealed.hash, sealed.seq);
        prev = sealed;
      }
      db.prepare('UPDATE audit_head SET hash = ?').run(prev.hash);
    });
    const result = await verify(dir);
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED: rewritten at seq 1');
    expect(result.out).toContain('entries 1–100 were rewritten');
  });

  it('names a deleted checkpoint', async () => {
    const result = await verify(
      tampered((db) => db.prepare('DELETE FROM audit_checkpoints WHERE seq = 200').run()),
    );
    expect(result.code).toBe(1);
    expect(result.out).toContain('FAILED: bad_checkpoint at seq 200');
  });

  it('runs as `npx veil audit verify` with the exit status of the result', async () => {
    const bin = path.join(REPO, 'packages/server/bin/veil.js');
    const dist = path.join(REPO, 'packages/server/dist/cli/main.js');
    // The unit of this check is the built CLI: a missing build fails it (`npm test` builds first).
    expect(existsSync(dist), `${dist} is missing: run npm run build`).toBe(true);
    const run = promisify(execFile);
    const ok = await run(process.execPath, [bin, 'audit', 'verify'], {
      env: { ...process.env, VEIL_DATA_DIR: tampered(() => {}) },
    });
    expect(ok.stdout).toContain('OK:');
    const bad = tampered((db) => db.prepare('DELETE FROM audit_log WHERE seq = 7').run());
    await expect(
      run(process.execPath, [bin, 'audit', 'verify'], { env: { ...process.env, VEIL_DATA_DIR: bad } }),
    ).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringContaining('FAILED: deleted at seq 7'),
    });
  });

  it('exports JSON Lines that verify offline, filtered or not, and fail when edited', async () => {
    const dir = tampered(() => {});
    const io = (out: string[]): CliIo => ({
      out: (s) => out.push(s),
      err: () => {},
      env: { VEIL_DATA_DIR: dir, VEIL_DEMO: 'false' },
      cwd: temp.dir,
    });
    const keyOut: string[] = [];
    expect(await runCli(['audit', 'key', '--json'], io(keyOut))).toBe(0);
    const publicKey = JSON.parse(keyOut.join('')).publicKey as string;

    const full = path.join(temp.dir, 'full.jsonl');
    const filtered = path.join(temp.dir, 'filtered.jsonl');
    expect(await runCli(['audit', 'export', '--output', full], io([]))).toBe(0);
    expect(
      await runCli(
        ['audit', 'export', '--actor', 'user-3', '--text', 'ticket 1', '--output', filtered],
        io([]),
      ),
    ).toBe(0);
    const lines = readFileSync(filtered, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ type: 'veil.audit.export', checkpointEvery: 100 });
    const shown = lines.filter((l) => l.type === 'entry');
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.every((e) => e.actor.id === 'user-3')).toBe(true);
    expect(lines.filter((l) => l.type === 'link').every((l) => !('details' in l))).toBe(true);

    const script = path.join(REPO, 'docs/verify-audit-export.mjs');
    const run = promisify(execFile);
    for (const file of [full, filtered]) {
      expect(await runCli(['audit', 'verify', '--file', file, '--public-key', publicKey], io([]))).toBe(0);
      const offline = await run(process.execPath, [script, file, '--public-key', publicKey]);
      expect(offline.stdout).toMatch(/^OK: /);
    }

    const edited = path.join(temp.dir, 'edited.jsonl');
    writeFileSync(
      edited,
      readFileSync(full, 'utf8').replace('"purpose":"ticket 50"', '"purpose":"ticket 5O"'),
    );
    const out: string[] = [];
    expect(await runCli(['audit', 'verify', '--file', edited, '--public-key', publicKey], io(out))).toBe(1);
    expect(out.join('')).toContain('modified at seq 50');
    await expect(run(process.execPath, [script, edited, '--public-key', publicKey])).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('entry 50 was modified'),
    });
    const otherKey = Buffer.alloc(32, 1).toString('base64');
    expect(await runCli(['audit', 'verify', '--file', full, '--public-key', otherKey], io([]))).toBe(1);
  });
});
