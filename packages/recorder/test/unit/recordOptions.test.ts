import { DEFAULT_PRIVACY_POLICY, EventType, MASKED_INPUT_VALUE } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { createEventRedactor } from '../../src/recorder/eventRedactor.js';
import { buildRecordOptions, sanitizeMetaHref } from '../../src/recorder/rrwebOptions.js';
import type { ClientPolicy } from '../../src/shared/siteConfig.js';

const policy: ClientPolicy = { ...DEFAULT_PRIVACY_POLICY, allowedUrlParams: ['page'] };

/** A stand-in element honouring `closest` over a fixed set of matching selectors. */
function element(tagName: string, attrs: Record<string, string>, matches: string[] = []) {
  return {
    tagName,
    getAttribute: (name: string) => attrs[name] ?? null,
    closest: (selector: string) => (selector.split(',').some((s) => matches.includes(s.trim())) ? {} : null),
  } as unknown as HTMLElement;
}

/** A stand-in for a recorded page element outside every block selector (rrweb's mirror knows it). */
/** An element of the page matching no block selector (the capture scope asks it, then its parent). */
const knownElement = {
  nodeType: 1,
  closest: () => null,
  matches: () => false,
  parentElement: null,
  getRootNode: () => ({ defaultView: { frameElement: null } }),
} as unknown as Node;

function wired(p: ClientPolicy = policy, nodeOf: (id: number) => Node | null = () => null) {
  const emitted: unknown[] = [];
  const errors: string[] = [];
  // What `emit` hands on goes through core's walk (redact.js) by the RedactionGate in startRecorder.
  const redact = createEventRedactor(p);
  const options = buildRecordOptions(p, {
    emit: (e) => emitted.push(redact(e)),
    onError: (error, where) => errors.push(`${where}: ${(error as Error).message}`),
    nodeOf,
  });
  return { options, emitted, errors };
}

describe('rrweb record() options', () => {
  it('pins the privacy options Veil passes to rrweb', () => {
    const { options } = wired();
    expect(options.maskAllInputs).toBe(true);
    // A caller's maskInputOptions replaces rrweb's own { password: true }: merged back in.
    expect(options.maskInputOptions.password).toBe(true);
    expect(Object.keys(options.maskInputOptions)).toEqual(
      expect.arrayContaining(['email', 'text', 'tel', 'textarea', 'select', 'password']),
    );
    // rrweb does not mask hidden inputs: they are blocked instead.
    expect(options.blockSelector.split(', ')).toEqual(
      expect.arrayContaining(['input[type="hidden"]', '.veil-block', '.fs-exclude', 'iframe', 'canvas']),
    );
    expect(options.maskTextSelector).toBe('*');
    expect({
      recordCanvas: options.recordCanvas,
      recordCrossOriginIframes: options.recordCrossOriginIframes,
      collectFonts: options.collectFonts,
      inlineImages: options.inlineImages,
      sampling: options.sampling,
    }).toMatchInlineSnapshot(`
      {
        "collectFonts": false,
        "inlineImages": false,
        "recordCanvas": false,
        "recordCrossOriginIframes": false,
        "sampling": {
          "input": "last",
          "mousemove": 50,
          "scroll": 150,
        },
      }
    `);
  });

  it('adds policy block selectors', () => {
    const { options } = wired({ ...policy, blockSelectors: ['#chat-widget'] });
    expect(options.blockSelector.split(', ')).toContain('#chat-widget');
  });

  it('masks every input value to a fixed length: the length does not leak', () => {
    const { options } = wired();
    const email = element('INPUT', { type: 'email' });
    expect(options.maskInputFn('a', email)).toBe(MASKED_INPUT_VALUE);
    expect(options.maskInputFn('alice@example.com', email)).toBe(MASKED_INPUT_VALUE);
    expect(
      options.maskInputFn('Hunter2-Secret!', element('INPUT', { type: 'password' }, ['.veil-unmask'])),
    ).toBe(MASKED_INPUT_VALUE);
    expect(options.maskInputFn('', email)).toBe('');
    expect(MASKED_INPUT_VALUE).toBe('********');
  });

  it('masks text in mask regions and detected PII elsewhere', () => {
    const { options } = wired();
    expect(options.maskTextFn('jane@example.org', element('SPAN', {}, ['.fs-mask']))).toBe(
      '****************',
    );
    expect(options.maskTextFn('Card 4111 1111 1111 1111', element('P', {}))).toBe('Card **** **** **** ****');
    expect(options.maskTextFn('Checkout', element('H1', {}))).toBe('Checkout');
  });

  it('sanitises the Meta event href before it is buffered', () => {
    const { options, emitted } = wired();
    options.emit({
      type: EventType.Meta,
      timestamp: 1,
      data: { href: 'https://shop.example/cart?page=2&email=a%40b.c#token=x', width: 1, height: 1 },
    });
    expect(emitted).toEqual([
      {
        type: EventType.Meta,
        timestamp: 1,
        data: { href: 'https://shop.example/cart?page=2', width: 1, height: 1 },
      },
    ]);
    expect(
      sanitizeMetaHref({ type: EventType.FullSnapshot, timestamp: 1, data: { href: 'x?y' } }, []),
    ).toEqual({
      type: EventType.FullSnapshot,
      timestamp: 1,
      data: { href: 'x?y' },
    });
  });

  it('runs the server’s redaction walk on every event: attributes, split text, URLs, custom patterns', () => {
    const { options, emitted } = wired({
      ...policy,
      customPatterns: [{ label: 'student_id', pattern: 'S-\\d{4}-\\d{5}' }],
    });
    options.emit({
      type: EventType.FullSnapshot,
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
              attributes: { title: 'jane@example.org', href: '/people/S-2024-00017?ssn=1' },
              childNodes: [
                { type: 3, id: 3, textContent: 'Card 4111 1111 ' },
                { type: 3, id: 4, textContent: '1111 1111 on file' },
              ],
            },
            {
              type: 2,
              id: 5,
              tagName: 'input',
              attributes: { type: 'password', value: 'hunter2' },
              childNodes: [],
            },
          ],
        },
      },
    });
    options.emit({
      type: EventType.IncrementalSnapshot,
      timestamp: 2,
      data: { source: 5, id: 5, text: 'hunter2!' },
    });
    const json = JSON.stringify(emitted);
    for (const planted of ['jane@', 'S-2024', 'ssn=', '4111', 'hunter2']) expect(json).not.toContain(planted);
    expect(json).toContain('Card **** **** ');
  });

  it('drops an attribute whose name holds PII before the event leaves emit (snapshot and attribute mutation)', () => {
    const { options, emitted, errors } = wired(
      { ...policy, customPatterns: [{ label: 'student_id', pattern: '\\bS-\\d{4}-\\d{5}\\b' }] },
      () => knownElement,
    );
    // rrweb serialises names as the browser holds them: lower-cased, any character but space.
    options.emit({
      type: EventType.FullSnapshot,
      timestamp: 1,
      data: {
        node: {
          type: 0,
          id: 1,
          childNodes: [
            {
              type: 2,
              id: 2,
              tagName: 'div',
              attributes: { id: 'row', 'data-jane.doe@example.com': '1', 'data-contact_s-2024-00017': 'yes' },
              childNodes: [],
            },
          ],
        },
        initialOffset: { top: 0, left: 0 },
      },
    });
    options.emit({
      type: EventType.IncrementalSnapshot,
      timestamp: 2,
      data: {
        source: 0,
        texts: [],
        adds: [],
        removes: [],
        attributes: [{ id: 2, attributes: { 'data-card_4111_1111_1111_1111': 'yes', title: 'ok' } }],
      },
    });
    const json = JSON.stringify(emitted);
    for (const planted of ['jane.doe', 'example.com', 's-2024', '4111']) expect(json).not.toContain(planted);
    expect(json).toContain('"id":"row"');
    expect(json).toContain('"title":"ok"');
    expect(emitted).toHaveLength(2);
    expect(errors).toEqual([]);
  });

  it('never throws into rrweb (or the page): errors are reported, the event dropped', () => {
    const errors: string[] = [];
    const options = buildRecordOptions(policy, {
      emit: () => {
        throw new Error('buffer broke');
      },
      onError: (error, where) => errors.push(`${where}: ${(error as Error).message}`),
      nodeOf: () => null,
    });
    expect(() => options.emit({ type: EventType.Custom, timestamp: 1, data: {} })).not.toThrow();
    expect(options.errorHandler(new Error('observer broke'))).toBe(true);
    expect(errors).toEqual(['emit: buffer broke', 'rrweb: observer broke']);
  });
});
