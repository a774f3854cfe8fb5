import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type AuditEntry, sealAuditEntry } from '@veil/core';
import { afterAll, describe, expect, it } from 'vitest';
import { nodeSha256 } from '../../src/audit/AuditLog.js';
import { verifyExportFile } from '../../src/cli/commands/auditCommand.js';
import { makeTempDir } from '../support/tempDir.js';

/** Two sealed entries and the lines of their export (no checkpoints: none is demanded without `checkpointEvery`). */
function exportLines(): Record<string, unknown>[] {
  const body = {
    actor: { type: 'user', id: 'u1', label: 'ada@example.test' },
    action: 'replay.viewed',
    siteKey: 'site_a',
    target: { type: 'session', id: 's1' },
    details: { purpose: 'ticket 1' },
  } as const;
  const first: AuditEntry = sealAuditEntry(undefined, { ...body, at: 1_000 }, nodeSha256);
  const second: AuditEntry = sealAuditEntry(first, { ...body, at: 2_000 }, nodeSha256);
  return [
    { type: 'veil.audit.export', v: 1, exportedAt: 3_000, filters: {} },
    { type: 'entry', ...first },
    { type: 'entry', ...second },
    { type: 'end', entries: 2, links: 0, checkpoints: 0 },
  ];
}

describe('verifyExportFile (veil audit verify --file)', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());
  let files = 0;
  const write = (lines: unknown[]): string => {
    const file = path.join(temp.dir, `export-${++files}.jsonl`);
    writeFileSync(file, lines.map((l) => `${JSON.stringify(l)}\n`).join(''));
    return file;
  };

  it('passes an intact export', async () => {
    expect(await verifyExportFile(write(exportLines()), [])).toMatchObject({ ok: true, entries: 2 });
  });

  it('names the line and field of an entry that is not one', async () => {
    const lines = exportLines();
    lines[2] = { ...lines[2], actor: 'ada' };
    const report = await verifyExportFile(write(lines), []);
    expect(report).toMatchObject({ ok: false, problem: { kind: 'malformed', seq: 2 } });
    expect(report.ok ? '' : report.problem.message).toMatch(/^line 3 is not a valid entry line: actor/);
  });

  it('refuses a header whose checkpoint interval is not a number (it would silently demand none)', async () => {
    const lines = exportLines();
    lines[0] = { ...lines[0], checkpointEvery: '100' };
    expect(await verifyExportFile(write(lines), [])).toMatchObject({
      ok: false,
      problem: { kind: 'malformed', message: 'line 1 is not a Veil audit export header' },
    });
  });

  it('refuses an end line without numeric counts', async () => {
    const lines = exportLines();
    lines[3] = { type: 'end', entries: '2', links: 0, checkpoints: 0 };
    const report = await verifyExportFile(write(lines), []);
    expect(report.ok ? '' : report.problem.message).toMatch(/^the end line is malformed: entries/);
  });
});
