import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '@veil/core';
import { describe, expect, it } from 'vitest';

const docs = readFileSync(new URL('../../../../docs/errors.md', import.meta.url), 'utf8');

/** The rows of docs/errors.md's table: code → status. */
function documentedCodes(): Map<string, number> {
  const rows = new Map<string, number>();
  for (const match of docs.matchAll(/^\|\s*`(\w+)`\s*\|\s*(\d{3})\s*\|/gm)) {
    rows.set(match[1] ?? '', Number(match[2]));
  }
  return rows;
}

describe('docs/errors.md', () => {
  it("lists every code of core's registry with its status, and nothing else", () => {
    const documented = documentedCodes();
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      expect(documented.get(code), `${code} in docs/errors.md`).toBe(status);
    }
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
  });
});
