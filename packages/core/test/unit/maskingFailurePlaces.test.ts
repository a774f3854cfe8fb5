/**
 * Every class of slip the server catches is recorded as a masking failure with its page and an
 * element path: text, attributes, URLs, inputs, password values, CSS (style attributes, <style>
 * text, CSSOM rules of an element's sheet or of a constructed one, style declarations, adopted
 * sheets), custom and plugin payloads, and shapes the walk does not know (with the nearest node).
 */
import {
  EventType,
  IncrementalSource,
  maskingFailuresFrom,
  NodeType,
  type RecordedEvent,
  RedactionContext,
  redactEvents,
  VeilCustomTag,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

const EMAIL = 'jane.doe@example.org';
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
const txt = (id: number, textContent: string) => ({ type: NodeType.Text, id, textContent });
const inc = (data: Record<string, unknown>): RecordedEvent =>
  ({ type: EventType.IncrementalSnapshot, timestamp: 3, data }) as RecordedEvent;

const STYLE = 4;
const P = 8;
const PASSWORD = 13;
const TEXT_INPUT = 14;
const BODY = 7;

const events = [
  {
    type: EventType.Meta,
    timestamp: 1,
    data: { href: `https://shop.example/people/${EMAIL}/orders`, width: 800, height: 600 },
  },
  {
    type: EventType.FullSnapshot,
    timestamp: 2,
    data: {
      node: {
        type: NodeType.Document,
        id: 1,
        childNodes: [
          el(2, 'html', {}, [
            el(3, 'head', {}, [
              el(STYLE, 'style', {}, [txt(5, `.card::after { content: "${EMAIL}" }`)]),
              el(6, 'link', { rel: 'stylesheet', href: '/site.css' }),
            ]),
            el(BODY, 'body', {}, [
              el(P, 'p', {}, [txt(9, `Contact ${EMAIL} today`)]),
              el(10, 'a', { href: `/u/${encodeURIComponent(EMAIL)}` }, [txt(11, 'profile')]),
              el(12, 'div', { title: EMAIL, style: `background: url("/a.png"); content: "${EMAIL}"` }),
              el(PASSWORD, 'input', { type: 'password', value: 'hunter2' }),
              el(TEXT_INPUT, 'input', { type: 'text' }),
              { type: NodeType.Comment, id: 15, textContent: `owner ${EMAIL}` },
            ]),
          ]),
        ],
      },
      initialOffset: { top: 0, left: 0 },
    },
  },
  inc({ source: IncrementalSource.Input, id: TEXT_INPUT, text: EMAIL, isChecked: false }),
  inc({ source: IncrementalSource.Input, id: PASSWORD, text: 'hunter2', isChecked: false }),
  // A rule inserted into the <style> element's sheet, and into a constructed sheet (no element).
  inc({
    source: IncrementalSource.StyleSheetRule,
    id: STYLE,
    adds: [{ rule: `.x::after{content:"${EMAIL}"}`, index: 0 }],
  }),
  inc({
    source: IncrementalSource.StyleSheetRule,
    styleId: 1,
    adds: [{ rule: `.y::after{content:"${EMAIL}"}` }],
  }),
  inc({
    source: IncrementalSource.StyleDeclaration,
    id: STYLE,
    index: [0],
    set: { property: 'content', value: `"${EMAIL}"` },
  }),
  inc({
    source: IncrementalSource.AdoptedStyleSheet,
    id: 1,
    styleIds: [2],
    styles: [{ styleId: 2, rules: [{ rule: `.z::after{content:"${EMAIL}"}`, index: 0 }] }],
  }),
  // A mutation whose add carries a key rrweb does not write; a source rrweb may add some day.
  inc({
    source: IncrementalSource.Mutation,
    texts: [],
    attributes: [],
    removes: [],
    adds: [{ parentId: BODY, nextId: null, node: txt(20, 'late'), note: EMAIL }],
  }),
  inc({ source: 42, id: P, extra: EMAIL }),
  { type: EventType.Custom, timestamp: 4, data: { tag: 'checkout', payload: { contact: EMAIL } } },
  { type: EventType.Plugin, timestamp: 5, data: { plugin: 'vendor/thing', payload: { who: EMAIL } } },
  { type: 99, timestamp: 6, data: { note: EMAIL } },
  {
    type: EventType.Custom,
    timestamp: 7,
    data: {
      tag: VeilCustomTag.PageView,
      payload: { url: 'https://shop.example/cart', title: `Cart of ${EMAIL}` },
    },
  },
] as unknown as RecordedEvent[];

describe('masking failures name the page and the element', () => {
  const result = redactEvents(events, { context: new RedactionContext() });
  // As the server's `redact` step records them.
  const failures = maskingFailuresFrom([...result.findings, ...result.passwordFindings]);
  const at = (location: string) => failures.filter((f) => f.location === location);

  it('for every class of slip, every record has a page and an element path', () => {
    expect(JSON.stringify(result.events)).not.toContain(EMAIL);
    expect(JSON.stringify(failures)).not.toContain(EMAIL);
    for (const f of failures) {
      expect(f.pagePattern, JSON.stringify(f)).not.toBe('');
      expect(f.elementPath, JSON.stringify(f)).toBeTruthy();
    }
    const locations = new Set(failures.map((f) => f.location));
    for (const location of [
      'url',
      'text',
      'attribute:href',
      'attribute:title',
      'attribute:style',
      'attribute:value',
      'input',
      'css',
      'custom',
      'plugin',
      'title',
      'unknown:mutation',
      'unknown:incremental:42',
      'unknown:event:99',
    ])
      expect(locations, location).toContain(location);
  });

  it('a page URL is recorded on the page it names (not the one before)', () => {
    expect(at('url').map((f) => [f.pagePattern.startsWith('/people/'), f.elementPath])).toEqual([
      [true, 'document'],
    ]);
    expect(at('title').map((f) => [f.pagePattern, f.elementPath])).toEqual([['/cart', 'document']]);
  });

  it('text, attributes and inputs name their element', () => {
    const paths = (location: string) => at(location).map((f) => f.elementPath);
    expect(paths('text')).toEqual(
      expect.arrayContaining(['html>body>p:nth-of-type(1)', 'html>body']), // the paragraph, the comment's parent
    );
    expect(paths('attribute:href')).toEqual(['html>body>a:nth-of-type(1)']);
    expect(paths('attribute:title')).toEqual(['html>body>div:nth-of-type(1)']);
    expect(paths('attribute:style')).toEqual(['html>body>div:nth-of-type(1)']);
    expect(at('input').map((f) => [f.label, f.elementPath])).toEqual(
      expect.arrayContaining([
        ['email', 'html>body>input:nth-of-type(2)'],
        ['password', 'html>body>input:nth-of-type(1)'],
      ]),
    );
    expect(at('attribute:value').map((f) => [f.label, f.elementPath])).toEqual([
      ['password', 'html>body>input:nth-of-type(1)'],
    ]);
  });

  it('CSS names the owning <style> element, or the stylesheet when no element owns it', () => {
    const css = at('css').map((f) => f.elementPath);
    // <style> text, a rule inserted into its sheet and a declaration set on it: one record.
    expect(css).toContain('html>head>style:nth-of-type(1)');
    expect(at('css').find((f) => f.elementPath === 'html>head>style:nth-of-type(1)')?.count).toBe(3);
    expect(css).toContain('stylesheet'); // a constructed sheet's rule
    expect(css).toContain('stylesheet [node 1]'); // adopted by the document
  });

  it('payloads and unknown shapes name their place and their nearest node', () => {
    expect(at('custom').map((f) => f.elementPath)).toEqual(['custom event']);
    expect(at('plugin').map((f) => f.elementPath)).toEqual(['plugin event']);
    expect(at('unknown:event:99').map((f) => f.elementPath)).toEqual(['unknown:event:99']);
    expect(at('unknown:incremental:42').map((f) => f.elementPath)).toEqual(['html>body>p:nth-of-type(1)']);
    expect(at('unknown:mutation').map((f) => f.elementPath)).toEqual(['html>body']);
  });
});
