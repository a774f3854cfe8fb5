import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { auditAnchorLine, parseAuditAnchor } from '@veil/core';
import { afterAll, describe, expect, it } from 'vitest';
import { describeAuditAnchor, parseAuditAnchorSetting } from '../../src/audit/anchor/auditAnchorSetting.js';
import { loadAuditSigningKey } from '../../src/audit/auditSigningKey.js';
import { ConfigError, describeConfig, loadConfig } from '../../src/config/config.js';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('VEIL_AUDIT_ANCHOR', () => {
  it('tells a file, syslog and a webhook apart', () => {
    expect(parseAuditAnchorSetting('anchor/cp.jsonl', '/srv')).toEqual({
      kind: 'file',
      file: '/srv/anchor/cp.jsonl',
    });
    expect(parseAuditAnchorSetting('syslog', '/srv')).toEqual({
      kind: 'syslog',
      host: '127.0.0.1',
      port: 514,
    });
    expect(parseAuditAnchorSetting('syslog://logs.internal:5514', '/srv')).toEqual({
      kind: 'syslog',
      host: 'logs.internal',
      port: 5514,
    });
    const hook = parseAuditAnchorSetting('https://siem.example/hook?token=secret', '/srv');
    expect(hook.kind).toBe('webhook');
    expect(describeAuditAnchor(hook)).toBe('webhook https://siem.example');
    expect(() => parseAuditAnchorSetting('ftp://x/y', '/srv')).toThrow(/expected a file path/);
    expect(() => parseAuditAnchorSetting('syslog://h/path', '/srv')).toThrow(/syslog:\/\/HOST/);
  });

  it('is parsed at boot, never logged with its token, and refuses both key variables at once', () => {
    const config = loadConfig({ VEIL_AUDIT_ANCHOR: 'https://siem.example/hook?token=secret' }, '/srv');
    expect(JSON.stringify(describeConfig(config))).not.toContain('secret');
    expect(() =>
      loadConfig(
        { VEIL_AUDIT_SIGNING_KEY: Buffer.alloc(32, 1).toString('base64'), VEIL_AUDIT_SIGNING_KEY_FILE: '/k' },
        '/srv',
      ),
    ).toThrow(ConfigError);
    expect(() => loadConfig({ VEIL_AUDIT_ANCHOR: 'gopher://x/' }, '/srv')).toThrow(/VEIL_AUDIT_ANCHOR/);
    expect(loadConfig({ VEIL_AUDIT_SIGNING_KEY_FILE: 'keys/a.key' }, '/srv').audit.signingKeyFile).toBe(
      '/srv/keys/a.key',
    );
  });
});

describe('anchor lines', () => {
  const checkpoint = { seq: 200, hash: 'a'.repeat(64), at: 1, keyId: '0123456789abcdef', signature: 'c2ln' };

  it('reads its own lines, syslog-prefixed lines and application-log lines, skipping others', () => {
    const text = [
      auditAnchorLine(checkpoint),
      'Dec  6 16:00:00 host sshd[1]: unrelated {"json":true}',
      `<109>1 2026-12-06T16:00:00Z host veil 7 audit-checkpoint - ${auditAnchorLine({ ...checkpoint, seq: 300 })}`,
      JSON.stringify({
        level: 30,
        auditCheckpoint: { ...checkpoint, seq: 400 },
        msg: 'audit checkpoint signed',
      }),
    ].join('\n');
    const parsed = parseAuditAnchor(text);
    expect(parsed.ok && parsed.checkpoints.map((c) => c.seq)).toEqual([200, 300, 400]);
  });

  it('fails a line that names a checkpoint but is damaged instead of skipping it', () => {
    const parsed = parseAuditAnchor(
      `${auditAnchorLine(checkpoint)}\n{"type":"veil.audit.checkpoint","seq":"x"}`,
    );
    expect(parsed).toMatchObject({ ok: false, line: 2 });
  });
});

describe('the signing key outside the data directory', () => {
  it('loads VEIL_AUDIT_SIGNING_KEY_FILE, warns when it lies in the data directory, and when none is configured', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'veil-anchor-key-'));
    dirs.push(dir);
    const outside = path.join(dir, 'outside.key');
    await writeFile(outside, `${Buffer.alloc(32, 5).toString('base64')}\n`, { mode: 0o600 });
    const key = await loadAuditSigningKey({ file: outside }, path.join(dir, 'data'));
    expect(key).toMatchObject({ origin: 'key-file', warnings: [] });
    const same = await loadAuditSigningKey(Buffer.alloc(32, 5), path.join(dir, 'data'));
    expect(same.keyId).toBe(key.keyId);
    const inside = await loadAuditSigningKey({ file: outside }, dir);
    expect(inside.warnings.join(' ')).toContain('inside the data directory');
    const fallback = await loadAuditSigningKey(undefined, path.join(dir, 'data'));
    expect(fallback.warnings.join(' ')).toContain('VEIL_AUDIT_SIGNING_KEY_FILE');
    await expect(loadAuditSigningKey({ file: path.join(dir, 'missing.key') }, dir)).rejects.toThrow(
      /does not exist/,
    );
  });
});
