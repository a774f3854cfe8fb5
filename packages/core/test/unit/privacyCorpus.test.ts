import {
  compileCustomPatterns,
  maskingFailuresFrom,
  RedactionContext,
  redactEvents,
  redactText,
} from '@veil/core';
import { describe, expect, it } from 'vitest';
import { corpusStream } from '../../../../test/privacy/corpusEvents.js';
import {
  CORPUS_CUSTOM_PATTERNS,
  forbiddenStrings,
  leaksIn,
  type PiiLabel,
  PLANTED_VALUES,
  plantedCases,
  SANITISED_POSITIONS,
} from '../../../../test/privacy/plantedPii.js';

// The server layer alone, on the planted-PII corpus as rrweb records it with masking off.
const cases = plantedCases();
const detectors = compileCustomPatterns(CORPUS_CUSTOM_PATTERNS);

describe('planted-PII corpus', () => {
  it('has at least 200 cases over every position and kind', () => {
    expect(cases.length).toBeGreaterThanOrEqual(200);
    expect(new Set(cases.map((c) => c.position)).size).toBeGreaterThanOrEqual(23);
    expect(new Set(cases.map((c) => c.label)).size).toBe(10);
  });

  it.each(Object.entries(PLANTED_VALUES))('every %s value is found by its detector', (label, values) => {
    for (const value of values) {
      const found = redactText(`x ${value} y`, detectors).findings.map((f) => f.label);
      expect(found, value).toContain(label as PiiLabel);
    }
  });

  const context = new RedactionContext();
  const { events, nodeOf } = corpusStream(cases);
  const result = redactEvents(events, { detectors, context });
  const stored = JSON.stringify(result.events);

  it('leaves no planted value in the redacted stream (in any spelling)', () => {
    const forbidden = forbiddenStrings(cases);
    expect(leaksIn(stored, forbidden)).toEqual([]);
    // Text split across nodes: the nodes' texts joined back together hold no value either.
    const joinedText = [...stored.matchAll(/"textContent":"((?:[^"\\]|\\.)*)"/g)].map((m) => m[1]).join('');
    expect(leaksIn(joinedText, forbidden)).toEqual([]);
    // The stream was not simply emptied: structure and harmless text survive.
    expect(stored).toContain('Contact on file: ');
    expect(stored).toContain('"tagName":"veil-card"');
    expect(JSON.stringify(events)).toContain(cases[0]!.value); // the input copy is untouched
  });

  it('keeps the layout: every redacted string has its original length', () => {
    const original = JSON.stringify(events);
    expect(stored.length).toBeLessThanOrEqual(original.length);
  });

  it('finds every case where a detector is needed, with its label and element path', () => {
    const missing: string[] = [];
    for (const c of cases) {
      if (SANITISED_POSITIONS.has(c.position)) continue;
      const nodeId = nodeOf.get(c.id);
      const hit = result.findings.some((f) => {
        if (f.label !== c.label) return false;
        if (c.position === 'title' || c.position === 'page-url')
          return f.location === 'title' || f.location === 'url' || f.location === 'text';
        if (f.elementPath?.includes(`#pii-${c.id}`)) return true;
        return nodeId !== undefined && f.nodeId === nodeId;
      });
      if (!hit) missing.push(`${c.position}/${c.label}: ${c.value}`);
    }
    expect(missing).toEqual([]);
  });

  it('reports findings without values, as masking failures per page and element', () => {
    const findingsJson = JSON.stringify(result.findings);
    expect(leaksIn(findingsJson, forbiddenStrings(cases))).toEqual([]);
    const failures = maskingFailuresFrom(result.findings);
    expect(failures.length).toBeGreaterThan(100);
    const onPage = failures.filter((f) => f.pagePattern === '/corpus/page.html');
    expect(
      onPage.some((f) => f.elementPath?.startsWith('div#pii-') && f.location === 'attribute:data-customer'),
    ).toBe(true);
    // The shadow-DOM case names its host, then the path inside the shadow root.
    const shadow = cases.find((c) => c.position === 'shadow-dom')!;
    expect(failures.map((f) => f.elementPath)).toContain(`veil-card#pii-${shadow.id} >>> p:nth-of-type(1)`);
    expect(leaksIn(JSON.stringify(failures), forbiddenStrings(cases))).toEqual([]);
  });
});
