import { describe, expect, it } from 'vitest';
import { redactText } from '../../../src/detectors/redactText.js';
import { scanInventory } from '../../../src/inventory/scanInventory.js';
import { sensitiveFieldLabel } from '../../../src/inventory/sensitiveFields.js';
import { RedactionContext } from '../../../src/redaction/RedactionContext.js';
import { redactEvents } from '../../../src/redaction/redactEvents.js';
import type { RecordedEvent } from '../../../src/wire/batch.js';
import { EventType, IncrementalSource, NodeType } from '../../../src/wire/rrwebEvents.js';

const el = (id: number, tagName: string, attributes: Record<string, string>, childNodes: unknown[] = []) => ({
  type: NodeType.Element,
  id,
  tagName,
  attributes,
  childNodes,
});
const text = (id: number, textContent: string) => ({ type: NodeType.Text, id, textContent });

function page(href: string, body: unknown[]): RecordedEvent[] {
  return [
    { type: EventType.Meta, timestamp: 1, data: { href, width: 800, height: 600 } },
    {
      type: EventType.FullSnapshot,
      timestamp: 2,
      data: {
        node: { type: NodeType.Document, id: 1, childNodes: [el(2, 'html', {}, [el(3, 'body', {}, body)])] },
      },
    },
  ];
}

function scan(events: RecordedEvent[], context = new RedactionContext(), maskAllText = false) {
  redactEvents(events, { inPlace: true, context });
  return scanInventory(events, {
    context,
    page: undefined,
    pagePatterns: [],
    maskAllText,
    redactLabel: (t) => redactText(t).text,
  });
}

describe('scanInventory', () => {
  it('finds fields with labels, blocked and masked regions, iframes; never a value', () => {
    const events = page('https://s.example/orders/12345/pay', [
      el(10, 'label', {}, [
        text(11, 'Card number '),
        el(12, 'input', { name: 'cc', autocomplete: 'cc-number', value: '********' }),
      ]),
      el(13, 'label', { for: 'dob' }, [text(14, 'Birth date')]),
      el(15, 'input', { id: 'dob', type: 'date' }),
      el(16, 'input', { type: 'submit', value: 'Pay' }),
      el(17, 'textarea', { name: 'notes', class: 'veil-unmask', value: 'Planted typed text' }),
      el(18, 'div', { class: 'veil-block', rr_width: '10px', rr_height: '10px' }),
      el(19, 'div', { class: 'veil-mask' }, [el(20, 'input', { name: 'inside', value: 'x' })]),
      el(21, 'iframe', { rr_width: '1px', rr_height: '1px' }),
      el(22, 'span', { id: 'patient-ssn' }, [text(23, 'see file')]),
      el(24, 'input', { type: 'password', name: 'pw' }),
      el(25, 'video', { rr_width: '1px', rr_height: '1px' }),
    ]);
    const result = scan(events);
    expect(result.pages).toEqual([{ pattern: '/orders/:id/pay', networkPayloadEvents: 0 }]);
    const rows = result.elements.map((e) => [
      e.kind,
      e.path,
      e.name,
      e.label,
      e.capture,
      e.certain,
      e.sensitive,
    ]);
    expect(rows).toEqual([
      [
        'field',
        'html>body>label:nth-of-type(1)>input:nth-of-type(1)',
        'cc',
        'Card number',
        'masked',
        true,
        'card',
      ],
      ['field', 'html>body>input:nth-of-type(1)', null, 'Birth date', 'masked', false, 'dob'],
      ['field', 'html>body>textarea:nth-of-type(1)', 'notes', null, 'captured', true, null],
      ['element', 'html>body>div:nth-of-type(1)', null, null, 'blocked', true, null],
      ['element', 'html>body>div:nth-of-type(2)', null, null, 'masked', true, null],
      ['field', 'html>body>div:nth-of-type(2)>input:nth-of-type(1)', 'inside', null, 'masked', true, null],
      ['iframe', 'html>body>iframe:nth-of-type(1)', null, null, 'blocked', true, null],
      ['element', 'html>body>span:nth-of-type(1)', null, null, 'captured', true, 'ssn'],
      ['field', 'html>body>input:nth-of-type(3)', 'pw', null, 'masked', true, null],
    ]);
    expect(JSON.stringify(result)).not.toContain('Planted typed text');
  });

  it('files mutations under the page, reads input events, and leaves out what it cannot place', () => {
    const context = new RedactionContext();
    scan(page('https://s.example/a', [el(10, 'form', { id: 'f' }, [])]), context);
    const mutation = (id: number, parentId: number): RecordedEvent => ({
      type: EventType.IncrementalSnapshot,
      timestamp: 3,
      data: {
        source: IncrementalSource.Mutation,
        adds: [{ parentId, nextId: null, node: el(id, 'input', { name: 'vin', value: '' }) }],
        removes: [],
        texts: [],
        attributes: [],
      },
    });
    const options = { context, pagePatterns: [], maskAllText: false, redactLabel: (t: string) => t };
    const second: RecordedEvent[] = [
      mutation(30, 10),
      {
        type: EventType.IncrementalSnapshot,
        timestamp: 4,
        data: { source: IncrementalSource.Input, id: 30, text: 'abc' },
      },
    ];
    redactEvents(second, { inPlace: true, context });
    const found = scanInventory(second, { ...options, page: 'https://s.example/a' });
    expect(found.elements.map((e) => [e.pagePattern, e.path, e.sensitive])).toEqual([
      ['/a', 'form#f>input:nth-of-type(1)', 'vin'],
    ]);
    expect(found.captures).toEqual([
      { pagePattern: '/a', path: 'form#f>input:nth-of-type(1)', capture: 'captured' },
    ]);

    // A mutation of the old page, then a new page in the same batch: the old tree is gone.
    const third: RecordedEvent[] = [
      mutation(31, 10),
      ...page('https://s.example/b', [el(40, 'select', { name: 'term', value: '********' })]),
    ];
    redactEvents(third, { inPlace: true, context });
    const next = scanInventory(third, { ...options, page: 'https://s.example/a' });
    expect(next.page).toBe('https://s.example/b');
    expect(next.pages.map((p) => p.pattern)).toEqual(['/a', '/b']);
    expect(next.elements.map((e) => [e.pagePattern, e.path, e.capture])).toEqual([
      ['/b', 'html>body>select:nth-of-type(1)', 'masked'],
    ]);
  });

  it('keeps a label masked whole as none, and redacts PII in labels', () => {
    const events = page('https://s.example/', [
      el(10, 'label', { for: 'a' }, [text(11, '*****')]),
      el(12, 'input', { id: 'a' }),
      el(13, 'input', { id: 'b', 'aria-label': 'Mail ann.planted@example.org' }),
    ]);
    const labels = scan(events).elements.map((e) => e.label);
    expect(labels[0]).toBeNull();
    expect(labels[1]).toMatch(/^Mail \*+$/);
  });
});

describe('sensitiveFieldLabel', () => {
  it.each([
    [{ name: 'studentId' }, 'student-id'],
    [{ label: 'Diagnosis' }, 'diagnosis'],
    [{ name: 'vehicle_vin' }, 'vin'],
    [{ autocomplete: 'cc-exp' }, 'card'],
    [{ autocomplete: 'bday-day' }, 'dob'],
    [{ elementId: 'iban' }, 'iban'],
    [{ label: 'Social Security Number' }, 'ssn'],
    [{ name: 'company', label: 'Company' }, null],
    [{ name: 'environment' }, null],
  ])('%j → %s', (markup, label) => {
    expect(sensitiveFieldLabel(markup)).toBe(label);
  });

  it("answers a remembered markup as before, and never one markup with another's answer", () => {
    // Same strings, other fields: a key that only joined them would answer one with the other's.
    const pairs = [
      [{ name: 'student', elementId: 'id' }, null],
      [{ name: 'student id' }, 'student-id'],
      [{ label: 'dob', placeholder: '' }, 'dob'],
      [{ label: '', placeholder: 'dob' }, 'dob'],
      [{ name: 'cc-', autocomplete: '' }, null],
      [{ autocomplete: 'cc-' }, 'card'],
    ] as const;
    for (let round = 0; round < 2; round++)
      for (const [markup, label] of pairs)
        expect(sensitiveFieldLabel(markup), JSON.stringify(markup)).toBe(label);
  });
});
