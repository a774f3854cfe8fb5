import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { INGEST_STEPS } from '../../src/ingest/pipelineMetrics.js';

const pipelineSource = readFileSync(new URL('../../src/ingest/IngestPipeline.ts', import.meta.url), 'utf8');
const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');

/** `a → b (remark) →\n c` → `['a', 'b', 'c']`. */
function stepsOf(chain: string): string[] {
  return chain
    .replace(/\([^)]*\)/g, '')
    .split('→')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** The text inside the README diagram's middle box (the server), its rows joined by spaces. */
function serverBoxOfReadme(): string {
  const lines = readme.split('\n');
  const header = lines.findIndex((l) => l.includes('Veil server'));
  const top = lines[header + 1] ?? '';
  const left = top.indexOf('┌', top.indexOf('┐'));
  const right = top.indexOf('┐', left);
  expect(left, 'the README diagram has a server box').toBeGreaterThan(0);
  const rows: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (line.charAt(left) === '└') break;
    rows.push(line.slice(left + 1, right));
  }
  return rows.join(' ');
}

describe('the ingest pipeline as documented', () => {
  it('runs its steps in the order of INGEST_STEPS', () => {
    const run = [...pipelineSource.matchAll(/this\.step\('(\w+)'/g)].map((m) => m[1]);
    expect(run).toEqual([...INGEST_STEPS]);
  });

  it("is named step by step in IngestPipeline's own comment", () => {
    const chain = /`(validate →[^`]+)`/.exec(pipelineSource)?.[1] ?? '';
    expect(stepsOf(chain.replace(/\n\s*\*/g, ' '))).toEqual([...INGEST_STEPS]);
  });

  it('is drawn step by step in the README diagram', () => {
    const box = serverBoxOfReadme();
    const chain = /POST \/ingest\/v1\/batch:(.*?)\/api\/v1/.exec(box)?.[1] ?? '';
    expect(stepsOf(chain)).toEqual([...INGEST_STEPS]);
  });
});
