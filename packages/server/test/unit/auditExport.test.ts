import type { AuditEntry } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { csvCell, matchesAuditFilters } from '../../src/audit/auditExport.js';

const entry: AuditEntry = {
  seq: 7,
  at: 1_000,
  actor: { type: 'user', id: 'u1', label: 'Ada@example.test' },
  action: 'replay.viewed',
  siteKey: 'site_a',
  target: { type: 'session', id: 's1' },
  details: { purpose: 'Bug SUP-12' },
  prevHash: '0'.repeat(64),
  hash: '1'.repeat(64),
};

describe('audit export helpers', () => {
  it('selects entries by every filter, combined', () => {
    expect(matchesAuditFilters(entry, {})).toBe(true);
    expect(
      matchesAuditFilters(entry, { from: 1_000, to: 1_000, actions: ['replay.viewed'], actorId: 'u1' }),
    ).toBe(true);
    expect(matchesAuditFilters(entry, { from: 1_001 })).toBe(false);
    expect(matchesAuditFilters(entry, { actions: ['auth.login_failed'] })).toBe(false);
    expect(matchesAuditFilters(entry, { siteKey: 'site_b' })).toBe(false);
    expect(matchesAuditFilters(entry, { targetId: 's1', text: 'sup-12' })).toBe(true);
    expect(matchesAuditFilters(entry, { text: 'ada@' })).toBe(true);
    expect(matchesAuditFilters(entry, { text: 'nobody' })).toBe(false);
  });

  it('writes CSV cells that spreadsheets neither split nor evaluate', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"\n')).toBe('"say ""hi""\n"');
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    for (const lead of ['+', '-', '@', '\t'])
      expect(csvCell(`${lead}1`)).toBe(lead === '\t' ? "'\t1" : `'${lead}1`);
    expect(csvCell(-5)).toBe('-5');
    expect(csvCell(null)).toBe('');
  });
});
