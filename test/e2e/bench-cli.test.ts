/** `npm run bench -- NAME`: a misspelt benchmark name is an error, not a silent empty table. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));

describe('bench command line', () => {
  it('refuses an unknown benchmark name with the list of known ones', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', 'redactoin'], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('unknown benchmark redactoin');
    expect(run.stderr).toMatch(/known: .*redaction.*funnels/);
    expect(run.stdout).toBe('');
  });
});
