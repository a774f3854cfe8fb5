/**
 * The screen in front of the built-in detectors (`mayHoldBuiltinPii`, `PiiScreen`) only ever
 * rules out text no detector matches: checked against every built-in detector run without any
 * screen, on single strings and on runs of pieces joined as they read on screen.
 */
import {
  BUILTIN_DETECTORS,
  hasDigitOrMarker,
  mayHoldBuiltinPii,
  PiiScreen,
  profileText,
  RedactionContext,
  type RunFinding,
  redactEvents,
  redactRun,
} from '@veil/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/** True when any built-in detector (candidate and validator, no screen at all) matches `text`. */
function anyDetectorMatches(text: string): boolean {
  for (const d of BUILTIN_DETECTORS) {
    const re = new RegExp(d.candidate.source, d.candidate.flags);
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      let valid = true;
      try {
        valid = d.validate ? d.validate(m) : true;
      } catch {
        valid = true;
      }
      if (valid) return true;
    }
  }
  return false;
}

const PLANTED = [
  'jane.doe@example.org',
  '4111 1111 1111 1111',
  '4111-1111-1111-1111',
  'GB82 WEST 1234 5698 7654 32',
  '078-05-1120',
  '+44 20 7946 0958',
  '1HGCM82633A004352',
  'WVWZZZ1JZXW000001',
  '192.168.10.20',
  '2001:db8::8a2e:370:7334',
];
/** Characters every detector and the screen care about, and the white space a run collapses. */
const chars = fc.constantFrom(...'0123456789abcXYZ@:.-/()+ \n\t\u00a0'.split(''));
const noise = fc.array(chars, { maxLength: 30 }).map((cs) => cs.join(''));
const text = fc.oneof(
  noise,
  fc.tuple(noise, fc.constantFrom(...PLANTED), noise).map(([a, v, b]) => `${a}${v}${b}`),
);

describe('PII screen', () => {
  it('never rules out a string a built-in detector matches', () => {
    fc.assert(
      fc.property(text, (s) => {
        if (anyDetectorMatches(s)) {
          expect(mayHoldBuiltinPii(s)).toBe(true);
          // The first stage alone, which a run's pieces are also screened by one at a time.
          expect(hasDigitOrMarker(s)).toBe(true);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('never rules out a run whose joined text a detector matches, wherever it is split', () => {
    fc.assert(
      fc.property(
        text,
        fc.array(fc.nat(), { maxLength: 5 }),
        fc.array(fc.constantFrom('', ' ', '\n  ', '\u00a0'), { maxLength: 5 }),
        (s, cuts, gaps) => {
          // Split `s` at the cuts, white space the page's markup adds between some pieces.
          const at = [...new Set(cuts.map((c) => c % (s.length + 1)))].sort((a, b) => a - b);
          const pieces: string[] = [];
          let from = 0;
          at.forEach((to, i) => {
            pieces.push(s.slice(from, to) + (gaps[i] ?? ''));
            from = to;
          });
          pieces.push(s.slice(from));
          const screen = new PiiScreen();
          for (const p of pieces) screen.add(p);
          for (const p of pieces) screen.refine(p);
          // The run as `redactRun` reads it, and as detectors with no screen read it.
          const found: RunFinding[] = [];
          const joined = pieces.join('');
          const onScreen = joined.replace(/[ \t\n\r\f]+/g, ' ').replace(/\u00a0/g, ' ');
          if (redactRun(pieces, [], found) !== undefined || anyDetectorMatches(onScreen)) {
            expect(screen.mayMatch()).toBe(true);
            expect(screen.mayMatchJoined()).toBe(true);
          }
          if (anyDetectorMatches(joined)) expect(screen.mayMatch()).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('profiles a run piece by piece exactly as the text redactRun joins (white space collapsed)', () => {
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 6 }), (pieces) => {
        const screen = new PiiScreen();
        for (const p of pieces) screen.refine(p);
        const onScreen = pieces
          .join('')
          .replace(/[ \t\n\r\f]+/g, ' ')
          .replace(/\u00a0/g, ' ');
        const joined = (screen as unknown as { joined: Record<string, unknown> }).joined;
        const profile = profileText(onScreen);
        for (const k of Object.keys(profile) as (keyof typeof profile)[])
          expect(joined[k], k).toBe(profile[k]);
      }),
      { numRuns: 3000 },
    );
  });

  it('still joins a run when only the joined text can match (no piece could alone)', () => {
    // `jane.doe@` + `example.org`, and a card in four groups of four digits: no piece alone has
    // seven digits, the run does.
    const events = [
      {
        type: 2,
        timestamp: 1,
        data: {
          node: {
            type: 0,
            id: 1,
            childNodes: [
              {
                type: 2,
                id: 2,
                tagName: 'p',
                attributes: {},
                childNodes: [1, 2, 3, 4].map((g) => ({
                  type: 2,
                  id: 10 + g,
                  tagName: 'span',
                  attributes: {},
                  childNodes: [
                    { type: 3, id: 20 + g, textContent: ['4111 ', '1111 ', '1111 ', '1111'][g - 1] },
                  ],
                })),
              },
            ],
          },
          initialOffset: { top: 0, left: 0 },
        },
      },
    ];
    const { events: out, findings } = redactEvents(events as never, { context: new RedactionContext() });
    const stored = JSON.stringify(out);
    expect(stored).not.toMatch(/4111|1111/);
    expect(findings.some((f) => f.label === 'card' && f.location === 'text')).toBe(true);
  });
});
