import { EventType, IncrementalSource, NodeType, type RecordedEvent } from '../packages/core/src/index.js';

/** Deterministic pseudo-random numbers, so every run measures the same stream. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const WORDS = [
  'order',
  'status',
  'shipped',
  'patient',
  'intake',
  'total',
  'price',
  'version',
  'student',
  'course',
  'grade',
  'supplier',
  'invoice',
  'delivery',
  'tracking',
  'the',
  'and',
  'for',
  'with',
];

/** A realistic rrweb stream: page snapshots with prose and numbers, typing, mutations, moves. */
export function syntheticStream(targetBytes: number, seed = 1): RecordedEvent[] {
  const rand = rng(seed);
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!;
  const sentence = (): string => {
    const n = 4 + Math.floor(rand() * 12);
    const words: string[] = [];
    for (let i = 0; i < n; i++) {
      const r = rand();
      if (r < 0.05) words.push(`#${Math.floor(rand() * 1e6)}`);
      else if (r < 0.08) words.push(`$${(rand() * 1000).toFixed(2)}`);
      else words.push(pick(WORDS));
    }
    return words.join(' ');
  };
  const events: RecordedEvent[] = [];
  let bytes = 0;
  let id = 1;
  let ts = 1_700_000_000_000;
  while (bytes < targetBytes) {
    // A structure-heavy page like real ones: nested layout elements with classes, links and
    // styles around short texts; about one text in fifty carries PII.
    const rows = [];
    for (let i = 0; i < 60; i++) {
      const pii = rand() < 0.02 ? (rand() < 0.5 ? ' jane.doe@example.org' : ' 4111 1111 1111 1111') : '';
      rows.push({
        type: NodeType.Element,
        id: id++,
        tagName: 'div',
        attributes: {
          class: 'row card-body d-flex align-items-center justify-content-between',
          'data-row': String(i),
        },
        childNodes: [
          {
            type: NodeType.Element,
            id: id++,
            tagName: 'a',
            attributes: {
              href: `/orders/${Math.floor(rand() * 1e5)}`,
              class: 'link-primary text-decoration-none',
            },
            childNodes: [{ type: NodeType.Text, id: id++, textContent: `${pick(WORDS)} ${pick(WORDS)}` }],
          },
          {
            type: NodeType.Element,
            id: id++,
            tagName: 'span',
            attributes: {
              class: 'badge rounded-pill text-bg-light',
              style: 'margin-left: 4px; padding: 2px 6px;',
            },
            childNodes: [{ type: NodeType.Text, id: id++, textContent: sentence() + pii }],
          },
        ],
      });
    }
    const snap: RecordedEvent = {
      type: EventType.FullSnapshot,
      timestamp: ts++,
      data: {
        node: { type: NodeType.Document, id: id++, childNodes: rows },
        initialOffset: { top: 0, left: 0 },
      },
    };
    events.push(snap);
    bytes += JSON.stringify(snap).length;
    for (let i = 0; i < 200; i++) {
      const r = rand();
      const e: RecordedEvent =
        r < 0.5
          ? {
              type: EventType.IncrementalSnapshot,
              timestamp: ts++,
              data: {
                source: IncrementalSource.MouseMove,
                positions: [
                  { x: Math.floor(rand() * 1280), y: Math.floor(rand() * 800), id: 5, timeOffset: -20 },
                ],
              },
            }
          : r < 0.8
            ? {
                type: EventType.IncrementalSnapshot,
                timestamp: ts++,
                data: { source: IncrementalSource.Input, id: 7, text: '********', isChecked: false },
              }
            : {
                type: EventType.IncrementalSnapshot,
                timestamp: ts++,
                data: {
                  source: IncrementalSource.Mutation,
                  texts: [{ id: 9, value: sentence() }],
                  attributes: [],
                  removes: [],
                  adds: [],
                },
              };
      events.push(e);
      bytes += JSON.stringify(e).length;
    }
  }
  return events;
}
