import {
  canaryDetectors,
  EventType,
  IncrementalSource,
  isNetworkPayloadEvent,
  MASKED_INPUT_VALUE,
  maskCanariesInJson,
  maskingFailuresFrom,
  mergeCanaryHits,
  NodeType,
  type RecordedEvent,
  RedactionContext,
  redactEvents,
  splitCanaryFindings,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

const el = (
  id: number,
  tagName: string,
  attributes: Record<string, unknown>,
  childNodes: unknown[] = [],
) => ({
  type: NodeType.Element,
  id,
  tagName,
  attributes,
  childNodes,
});
const text = (id: number, textContent: string) => ({ type: NodeType.Text, id, textContent });
const snapshot = (node: unknown): RecordedEvent => ({
  type: EventType.FullSnapshot,
  timestamp: 1,
  data: { node },
});
const mutation = (data: Record<string, unknown>): RecordedEvent => ({
  type: EventType.IncrementalSnapshot,
  timestamp: 2,
  data: { source: IncrementalSource.Mutation, texts: [], attributes: [], removes: [], adds: [], ...data },
});

// rrweb ids keep counting across snapshots: this page starts at 1000.
const page = () =>
  snapshot({
    type: NodeType.Document,
    id: 1000,
    childNodes: [
      el(1001, 'html', {}, [
        el(1002, 'body', {}, [
          el(1003, 'main', { id: 'content' }, [
            el(1004, 'p', {}, [text(1005, 'first')]),
            el(1006, 'p', {}, [text(1007, 'write to jane@example.org')]),
            el(1008, 'ul', { id: 'user-42817' }, [el(1009, 'li', {}, [text(1010, 'x')])]),
          ]),
          el(1011, 'x-card', {}, [
            { ...el(1012, 'span', {}, [text(1013, 'card 4111 1111 1111 1111')]), isShadow: true },
          ]),
        ]),
      ]),
    ],
  });

describe('element paths of findings', () => {
  it('names the element to fix: text-free, from the nearest stable id, through shadow roots', () => {
    const context = new RedactionContext();
    const { findings } = redactEvents(
      [{ type: EventType.Meta, timestamp: 0, data: { href: 'https://shop.example/orders/123?x=1' } }, page()],
      { context },
    );
    const byLabel = Object.fromEntries(findings.map((f) => [f.label, f]));
    expect(byLabel.email).toMatchObject({
      elementPath: 'main#content>p:nth-of-type(2)',
      page: 'https://shop.example/orders/123',
      nodeId: 1007,
    });
    expect(byLabel.card?.elementPath).toBe('html>body>x-card:nth-of-type(1) >>> span:nth-of-type(1)');
    // Unstable ids (`user-42817`) are data, never part of a path.
    expect(context.pathOf(1010)).toBe('main#content>ul:nth-of-type(1)>li:nth-of-type(1)');
  });

  it('follows mutations across batches: added, inserted before a sibling, removed', () => {
    const context = new RedactionContext();
    redactEvents([page()], { context });
    const second = redactEvents(
      [
        mutation({
          adds: [
            { parentId: 1003, nextId: 1004, node: el(2000, 'p', {}, []) },
            { parentId: 2000, nextId: null, node: text(2001, 'call +49 30 90182034') },
          ],
        }),
        mutation({ texts: [{ id: 1005, value: 'SSN 123-45-6789' }] }),
        mutation({ removes: [{ parentId: 1003, id: 1004 }] }),
        mutation({ texts: [{ id: 1007, value: 'jane@example.org again' }] }),
      ],
      { context },
    );
    const paths = Object.fromEntries(second.findings.map((f) => [f.label, f.elementPath]));
    expect(paths.phone).toBe('main#content>p:nth-of-type(1)'); // the new first paragraph
    expect(paths.ssn).toBe('main#content>p:nth-of-type(2)'); // before the removal
    expect(paths.email).toBe('main#content>p:nth-of-type(2)'); // after it
  });

  it('keeps remembered text when a snapshot numbers its document after its nodes (slots shift)', () => {
    // The document's id is the highest (as in the bench stream): every node after it has a lower
    // id, and the remembered texts move to new slots. A second snapshot does it again, larger.
    const shifted = (base: number, first: string) =>
      snapshot({
        type: NodeType.Document,
        id: base + 50,
        childNodes: [
          el(base, 'p', {}, [el(base + 1, 'span', {}, [text(base + 2, first)])]),
          el(base + 3, 'p', {}, [text(base + 4, 'nothing here')]),
        ],
      });
    for (const [base, add] of [
      [10, 'example.org'],
      [200, 'example.org'],
    ] as const) {
      const context = new RedactionContext();
      redactEvents([shifted(100, 'write to jane.doe@'), shifted(base, 'write to jane.doe@')], { context });
      const { events, findings } = redactEvents(
        [mutation({ adds: [{ parentId: base, nextId: null, node: text(base + 5, add) }] })],
        { context },
      );
      const stored = JSON.stringify(events);
      expect(stored).not.toContain('jane.doe');
      expect(stored).not.toContain('example.org');
      expect(findings.map((f) => [f.label, f.elementPath])).toEqual([
        ['email', 'p:nth-of-type(1)>span:nth-of-type(1)'],
      ]);
      // The second paragraph's text is still the one remembered for its own node.
      expect(context.textOf(base + 4)).toBe('nothing here');
      expect(context.textOf(base + 2)).toBe('write to *********');
    }
  });

  it('without a tracking context there are no paths (the browser)', () => {
    const { findings } = redactEvents([page()]);
    expect(findings.every((f) => f.elementPath === undefined)).toBe(true);
  });
});

describe('stream positions', () => {
  it('masks password values set by mutation and typed into inputs that became password inputs', () => {
    const context = new RedactionContext();
    const r = redactEvents(
      [
        snapshot({ type: NodeType.Document, id: 1, childNodes: [el(2, 'input', { type: 'text' })] }),
        mutation({ attributes: [{ id: 2, attributes: { type: 'password', value: 'hunter2!' } }] }),
        {
          type: EventType.IncrementalSnapshot,
          timestamp: 3,
          data: { source: IncrementalSource.Input, id: 2, text: 'hunter2!x' },
        },
      ],
      { context },
    );
    expect(JSON.stringify(r.events)).not.toContain('hunter2');
    expect(JSON.stringify(r.events)).toContain(MASKED_INPUT_VALUE);
    expect(r.passwordValuesReplaced).toBe(2);
  });

  it('redacts srcset, percent-encoded URL paths, custom and plugin payloads; drops console logs', () => {
    const r = redactEvents([
      snapshot({
        type: NodeType.Document,
        id: 1,
        childNodes: [
          el(2, 'img', { srcset: '/a.png?u=jane@example.org 1x, /people/jane%40example.org.png 2x' }),
          el(3, 'a', { href: 'https://x.example/u/4111%201111%201111%201111/edit' }),
        ],
      }),
      {
        type: EventType.Custom,
        timestamp: 2,
        data: {
          tag: 'app.checkout',
          payload: { step: { note: 'IBAN DE89370400440532013000' }, url: 'https://x.example/?t=secret' },
        },
      },
      {
        type: EventType.Plugin,
        timestamp: 3,
        data: { plugin: 'some/plugin@1', payload: { lines: ['SSN 123-45-6789'] } },
      },
      {
        type: EventType.IncrementalSnapshot,
        timestamp: 4,
        data: { source: IncrementalSource.Log, level: 'log', payload: ['jane@example.org'], trace: ['at x'] },
      },
    ]);
    const json = JSON.stringify(r.events);
    for (const planted of ['jane', '4111', 'DE89', '123-45-6789', 'secret'])
      expect(json).not.toContain(planted);
    expect(json).toContain('/a.png 1x');
  });

  it('recognises network payload events', () => {
    expect(
      isNetworkPayloadEvent({
        type: EventType.Plugin,
        timestamp: 1,
        data: { plugin: 'rrweb/network@1', payload: {} },
      }),
    ).toBe(true);
    expect(
      isNetworkPayloadEvent({
        type: EventType.Plugin,
        timestamp: 1,
        data: { plugin: 'rrweb/console@1', payload: {} },
      }),
    ).toBe(false);
    expect(isNetworkPayloadEvent({ type: EventType.Custom, timestamp: 1, data: { tag: 'network' } })).toBe(
      false,
    );
  });
});

describe('privacy canaries', () => {
  const canaries = [
    { label: 'intake-form', value: 'CANARY-7f3a-Zelda Testperson' },
    { label: 'card-widget', value: '4000 0566 5566 5556' },
  ];

  it('finds and masks canary values in a raw batch, in plain and JSON-escaped spelling, keeping valid JSON', () => {
    const body = JSON.stringify({
      events: [{ a: canaries[0]!.value, b: `x"${canaries[1]!.value}` }],
      c: 'CANARY-7f3a-Zelda Testperson',
    });
    const { json, hits } = maskCanariesInJson(body, canaries);
    expect(hits).toEqual([
      { label: 'intake-form', count: 2 },
      { label: 'card-widget', count: 1 },
    ]);
    expect(json).toHaveLength(body.length);
    expect(json).not.toContain('Zelda');
    expect(() => JSON.parse(json)).not.toThrow();
    expect(maskCanariesInJson('{"a":"nothing"}', canaries).hits).toEqual([]);
  });

  it('never treats an escape sequence as the start of a value', () => {
    const body = JSON.stringify({ a: '\n12345678' });
    expect(maskCanariesInJson(body, [{ label: 'x', value: 'n12345678' }]).hits).toEqual([]);
  });

  it('catches a canary split across text nodes through redactEvents, reported apart from PII findings', () => {
    const events = [
      snapshot({
        type: NodeType.Document,
        id: 1,
        childNodes: [
          el(2, 'p', {}, [
            text(3, 'CANARY-7f3a-'),
            text(4, 'Zelda Testperson'),
            text(5, ' jane@example.org'),
          ]),
        ],
      }),
    ];
    const r = redactEvents(events, { detectors: canaryDetectors(canaries) });
    const { hits, findings } = splitCanaryFindings(r.findings);
    expect(hits).toEqual([{ label: 'intake-form', count: 1 }]);
    expect(findings.map((f) => f.label)).toEqual(['email']);
    expect(JSON.stringify(r.events)).not.toContain('Zelda');
    expect(mergeCanaryHits(hits, [{ label: 'intake-form', count: 2 }])).toEqual([
      { label: 'intake-form', count: 3 },
    ]);
    expect(maskingFailuresFrom(r.findings).map((f) => f.label)).toEqual(['email']);
  });
});

describe('masking failures', () => {
  it('aggregate per page pattern, element and label, with password replacements', () => {
    const failures = maskingFailuresFrom(
      [
        {
          label: 'email',
          location: 'text',
          elementPath: 'form#intake>p:nth-of-type(1)',
          page: 'https://s.example/orders/123',
          count: 2,
        },
        {
          label: 'email',
          location: 'text',
          elementPath: 'form#intake>p:nth-of-type(1)',
          page: 'https://s.example/orders/456',
          count: 1,
        },
        { label: 'card', location: 'input', page: 'https://s.example/checkout', count: 1 },
      ],
      [],
      3,
    );
    expect(failures).toEqual([
      {
        pagePattern: '/orders/:id',
        elementPath: 'form#intake>p:nth-of-type(1)',
        label: 'email',
        location: 'text',
        count: 3,
      },
      { pagePattern: '/checkout', elementPath: null, label: 'card', location: 'input', count: 1 },
      { pagePattern: '', elementPath: null, label: 'password', location: 'input', count: 3 },
    ]);
  });
});

describe('identify events', () => {
  it('keep the user id for the server to hash (it never reaches storage)', () => {
    const r = redactEvents([
      {
        type: EventType.Custom,
        timestamp: 1,
        data: { tag: 'veil.identify', payload: { userId: 'jane@example.org' } },
      },
      {
        type: EventType.Custom,
        timestamp: 2,
        data: { tag: 'veil.tag', payload: { key: 'k', value: 'jane@example.org' } },
      },
    ]);
    expect((r.events[0]!.data as { payload: { userId: string } }).payload.userId).toBe('jane@example.org');
    expect(JSON.stringify(r.events[1])).not.toContain('jane@');
  });
});
