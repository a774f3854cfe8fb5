import { EventType, IncrementalSource, NodeType, type RecordedEvent } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { neutraliseAttributes } from '../../src/replay/neutraliseAttributes';
import { neutraliseCss } from '../../src/replay/neutraliseCss';
import { neutraliseReplayEvents } from '../../src/replay/neutraliseReplayEvents';
import { replayFrameCsp } from '../../src/replay/replayFramePolicy';
import { isReplayableUrl, PLACEHOLDER_IMAGE_URL } from '../../src/replay/replayUrls';

const OWN = 'https://veil.example';
const EVIL = 'https://tracker.example';

/** Every URL in `text` that is neither Veil's demo, a fragment, nor an allowed data: image. */
function outsideUrls(text: string): string[] {
  return [...text.matchAll(/(?:https?:)?\/\/[a-z0-9.:-]+[^\s"')]*/gi)]
    .map((m) => m[0])
    .filter((u) => !u.startsWith(`${OWN}/demo/`) && !u.startsWith('http://www.w3.org/'));
}

describe('isReplayableUrl', () => {
  it.each([
    [`${OWN}/demo/logo.png`, 'image', true],
    ['/demo/site.css', 'style', true],
    ['#icon', 'image', true],
    ['data:image/png;base64,AAAA', 'image', true],
    ['data:font/woff2;base64,AAAA', 'font', true],
    [`${OWN}/api/v1/sessions/x/events?purpose=a`, 'image', false],
    [`${OWN}/demo/%2e%2e/api/v1/sites`, 'image', false],
    [`${OWN}/demo/../api/v1/sites`, 'image', false],
    [`${EVIL}/demo/pixel.gif`, 'image', false],
    ['//tracker.example/demo/x.png', 'image', false],
    [`https://user:pw@veil.example/demo/x.png`, 'image', false],
    ['javascript:alert(1)', 'image', false],
    [' java\tscript:alert(1)', 'image', false],
    ['data:text/html,<script>alert(1)</script>', 'image', false],
    ['data:image/png;base64,AAAA', 'style', false],
    ['blob:https://tracker.example/1', 'image', false],
    ['http://[::1', 'image', false],
  ] as const)('%s as %s → %s', (url, kind, expected) => {
    expect(isReplayableUrl(url, kind, OWN)).toBe(expected);
  });
});

describe('neutraliseCss', () => {
  it.each([
    `body { background: url(${EVIL}/bg.png) }`,
    `body { background: url("${EVIL}/bg.png") }`,
    `body { background: url( '${EVIL}/bg.png' ) }`,
    `body { background: URL(${EVIL}/bg.png) }`,
    `body { background: \\75 rl(${EVIL}/bg.png) }`,
    `body { background: \\55\\52\\4c(${EVIL}/bg.png) }`,
    `body { background: u\\rl(${EVIL}/bg.png) }`,
    `@import url(${EVIL}/a.css);`,
    `@import "${EVIL}/a.css";`,
    `@IMPORT '${EVIL}/a.css' screen;`,
    `@\\69mport "${EVIL}/a.css";`,
    `@font-face { font-family: x; src: url(${EVIL}/f.woff2) format("woff2") }`,
    `a { cursor: url(${EVIL}/c.cur), auto }`,
    `div { background-image: image-set("${EVIL}/a.png" 1x, "${EVIL}/b.png" 2x) }`,
    `div { background-image: -webkit-image-set("${EVIL}/a.png" 1x) }`,
    `div { list-style: url(//tracker.example/dot.png) }`,
    `div { mask: src("${EVIL}/m.svg") }`,
    `div { filter: url(${EVIL}/f.svg#blur) }`,
  ])('leaves nothing fetchable outside Veil: %s', (css) => {
    const out = neutraliseCss(css, OWN);
    expect(outsideUrls(out.replace(/url\("data:[^"]*"\)/g, '')), out).toEqual([]);
    expect(out).not.toMatch(/@import/i);
  });

  it('replaces outside images by the placeholder and keeps data:, fragments and the demo', () => {
    expect(neutraliseCss(`a{background:url(${EVIL}/x.png)}`, OWN)).toBe(
      `a{background:url("${PLACEHOLDER_IMAGE_URL}")}`,
    );
    expect(neutraliseCss('a{background:url(data:image/gif;base64,R0lG)}', OWN)).toBe(
      'a{background:url("data:image/gif;base64,R0lG")}',
    );
    expect(neutraliseCss('a{fill:url(#grad)}', OWN)).toBe('a{fill:url("#grad")}');
    expect(neutraliseCss(`a{background:url(${OWN}/demo/a.png)}`, OWN)).toBe(
      `a{background:url("${OWN}/demo/a.png")}`,
    );
  });

  it('disables expression() and bindings', () => {
    expect(neutraliseCss('a{width:expression(alert(1))}', OWN)).not.toMatch(/expression\(/i);
    expect(neutraliseCss('a{-moz-binding:url(x.xml#a); behavior: url(x.htc)}', OWN)).not.toMatch(
      /-moz-binding:|behavior:/i,
    );
  });

  it('keeps ordinary CSS as it was', () => {
    const css = '.a > b:hover { color: #123456; margin: 0 auto; content: "\\201C" }';
    expect(neutraliseCss(css, OWN)).toBe(css);
  });
});

describe('neutraliseAttributes', () => {
  it('drops event handlers, srcdoc, targets, pings and <base href>', () => {
    expect(
      neutraliseAttributes(
        'img',
        { onerror: 'alert(1)', ONLOAD: 'x', srcdoc: '<script>', target: '_top', ping: EVIL, width: '4' },
        OWN,
      ),
    ).toEqual({ width: '4' });
    expect(neutraliseAttributes('base', { href: EVIL, target: '_top' }, OWN)).toEqual({});
  });

  it('points links and forms nowhere, keeping link styling', () => {
    expect(neutraliseAttributes('a', { href: 'javascript:alert(1)', class: 'btn' }, OWN)).toEqual({
      href: '#',
      class: 'btn',
    });
    expect(neutraliseAttributes('a', { href: `${EVIL}/page` }, OWN)).toEqual({ href: '#' });
    expect(neutraliseAttributes('area', { href: `${EVIL}/page` }, OWN)).toEqual({ href: '#' });
    expect(neutraliseAttributes('form', { action: EVIL, method: 'post' }, OWN)).toEqual({
      action: '#',
      method: 'post',
    });
    expect(neutraliseAttributes('button', { formaction: 'javascript:x' }, OWN)).toEqual({ formaction: '#' });
  });

  it('shows a placeholder for outside images and keeps inline ones', () => {
    expect(
      neutraliseAttributes('img', { src: `${EVIL}/p.gif`, srcset: `${EVIL}/a 2x`, alt: 'a' }, OWN),
    ).toEqual({
      src: PLACEHOLDER_IMAGE_URL,
      alt: 'a',
    });
    expect(neutraliseAttributes('img', { src: 'data:image/png;base64,AA' }, OWN)).toEqual({
      src: 'data:image/png;base64,AA',
    });
    expect(neutraliseAttributes('video', { poster: `${EVIL}/p.jpg`, src: `${EVIL}/v.mp4` }, OWN)).toEqual({
      poster: PLACEHOLDER_IMAGE_URL,
    });
    expect(neutraliseAttributes('image', { 'xlink:href': `${EVIL}/i.svg` }, OWN)).toEqual({
      'xlink:href': PLACEHOLDER_IMAGE_URL,
    });
    expect(neutraliseAttributes('canvas', { rr_dataURL: `${EVIL}/c.png` }, OWN)).toEqual({});
  });

  it('removes everything else that would load or embed', () => {
    expect(neutraliseAttributes('link', { rel: 'stylesheet', href: `${EVIL}/a.css` }, OWN)).toEqual({
      rel: 'stylesheet',
    });
    expect(neutraliseAttributes('link', { rel: 'dns-prefetch', href: '//tracker.example' }, OWN)).toEqual({
      rel: 'dns-prefetch',
    });
    expect(neutraliseAttributes('link', { rel: 'stylesheet', href: `${OWN}/demo/site.css` }, OWN)).toEqual({
      rel: 'stylesheet',
      href: `${OWN}/demo/site.css`,
    });
    expect(
      neutraliseAttributes('object', { data: `${EVIL}/x.swf`, type: 'application/x-shockwave-flash' }, OWN),
    ).toEqual({
      type: 'application/x-shockwave-flash',
    });
    expect(neutraliseAttributes('embed', { src: 'data:text/html,<script>alert(1)</script>' }, OWN)).toEqual(
      {},
    );
    expect(neutraliseAttributes('iframe', { src: EVIL, srcdoc: '<b>', sandbox: '' }, OWN)).toEqual({});
    expect(neutraliseAttributes('use', { href: `${EVIL}/s.svg#a` }, OWN)).toEqual({});
    expect(neutraliseAttributes('use', { href: '#icon' }, OWN)).toEqual({ href: '#icon' });
    expect(neutraliseAttributes('td', { background: `${EVIL}/bg.gif` }, OWN)).toEqual({});
  });

  it('drops http-equiv meta (refresh, CSP, cookies) and keeps other meta', () => {
    expect(neutraliseAttributes('meta', { 'http-equiv': 'refresh', content: `0;url=${EVIL}` }, OWN)).toEqual(
      {},
    );
    expect(neutraliseAttributes('meta', { name: 'viewport', content: 'width=device-width' }, OWN)).toEqual({
      name: 'viewport',
      content: 'width=device-width',
    });
  });

  it('neutralises url() in style and SVG presentation attributes, and SVG animations', () => {
    expect(neutraliseAttributes('div', { style: `background:url(${EVIL}/x)` }, OWN)).toEqual({
      style: `background:url("${PLACEHOLDER_IMAGE_URL}")`,
    });
    expect(
      neutraliseAttributes(
        'div',
        { style: { background: `url(${EVIL}/x)`, color: ['red', 'important'], top: false } },
        OWN,
      ),
    ).toEqual({
      style: { background: `url("${PLACEHOLDER_IMAGE_URL}")`, color: ['red', 'important'], top: false },
    });
    expect(neutraliseAttributes('rect', { filter: `url(${EVIL}/f.svg#x)`, fill: 'url(#g)' }, OWN)).toEqual({
      filter: `url("${PLACEHOLDER_IMAGE_URL}")`,
      fill: 'url("#g")',
    });
    expect(
      neutraliseAttributes('set', { attributeName: 'href', to: 'javascript:alert(1)', begin: '0s' }, OWN),
    ).toEqual({
      attributeName: 'veil-none',
      to: '',
      begin: '0s',
    });
  });

  it('fails closed on attributes it does not know that carry a URL', () => {
    expect(neutraliseAttributes('x-widget', { 'x-src': `${EVIL}/a`, 'data-x': 'k', size: '3' }, OWN)).toEqual(
      {
        'data-x': 'k',
        size: '3',
      },
    );
    expect(neutraliseAttributes('div', { weird: { toString: 'x' } }, OWN)).toEqual({});
  });
});

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

describe('neutraliseReplayEvents', () => {
  const fullSnapshot: RecordedEvent = {
    type: EventType.FullSnapshot,
    timestamp: 2,
    data: {
      node: {
        type: NodeType.Document,
        id: 1,
        childNodes: [
          el(2, 'html', {}, [
            el(3, 'head', {}, [
              el(4, 'style', {}, [text(5, `@import "${EVIL}/i.css"; body{background:url(${EVIL}/b.png)}`)]),
              el(6, 'link', { rel: 'stylesheet', _cssText: `a{background:url(${EVIL}/l.png)}` }),
            ]),
            el(7, 'body', { onload: 'alert(1)' }, [
              el(8, 'img', { src: `${EVIL}/p.gif` }),
              el(9, 'p', {}, [text(10, `url(${EVIL}/not-css) stays as text`)]),
            ]),
          ]),
        ],
      },
      initialOffset: { top: 0, left: 0 },
    },
  };
  const mutation = (data: Record<string, unknown>): RecordedEvent => ({
    type: EventType.IncrementalSnapshot,
    timestamp: 3,
    data: { source: IncrementalSource.Mutation, removes: [], adds: [], attributes: [], texts: [], ...data },
  });

  it('neutralises every place rrweb builds DOM or CSS from', () => {
    const events: RecordedEvent[] = [
      { type: EventType.Meta, timestamp: 1, data: { href: `${EVIL}/page`, width: 800, height: 600 } },
      fullSnapshot,
      mutation({
        adds: [
          {
            parentId: 7,
            nextId: null,
            node: el(11, 'iframe', { srcdoc: '<script>alert(1)</script>', src: EVIL }),
          },
        ],
        attributes: [
          { id: 8, attributes: { src: `${EVIL}/q.gif`, onerror: 'alert(1)' } },
          { id: 99, attributes: { href: 'javascript:alert(1)' } },
        ],
        texts: [
          { id: 5, value: `body{background:url(${EVIL}/t.png)}` },
          { id: 10, value: `url(${EVIL}/x) is text here` },
          { id: 98, value: `@import "${EVIL}/u.css";` },
        ],
      }),
      {
        type: EventType.IncrementalSnapshot,
        timestamp: 4,
        data: {
          source: IncrementalSource.StyleSheetRule,
          id: 4,
          adds: [{ rule: `@import url(${EVIL}/r.css);`, index: 0 }],
          replaceSync: `a{background:url(${EVIL}/rs.png)}`,
        },
      },
      {
        type: EventType.IncrementalSnapshot,
        timestamp: 5,
        data: {
          source: IncrementalSource.StyleDeclaration,
          id: 4,
          index: [0],
          set: { property: 'background', value: `url(${EVIL}/d.png)`, priority: '' },
        },
      },
      {
        type: EventType.IncrementalSnapshot,
        timestamp: 6,
        data: {
          source: IncrementalSource.AdoptedStyleSheet,
          id: 1,
          styleIds: [1],
          styles: [{ styleId: 1, rules: [{ rule: `a{cursor:url(${EVIL}/c.cur),auto}` }] }],
        },
      },
    ];
    const out = neutraliseReplayEvents(events, OWN);
    expect(out).toHaveLength(6);
    const json = JSON.stringify(out.slice(1));
    // Only the text node that is page text keeps its outside URL (as text nothing loads).
    expect(outsideUrls(json)).toEqual([`${EVIL}/not-css`, `${EVIL}/x`]);
    expect(json).not.toMatch(/onload|onerror|srcdoc|javascript:|@import/i);
    // The Meta event's href is the page's address, never loaded: kept for the player's page list.
    expect(out[0]).toBe(events[0]);
    // The input is not modified.
    expect(JSON.stringify(events)).toContain(`${EVIL}/p.gif`);
  });

  it('leaves out font loads by URL and canvas drawing, keeps inline fonts', () => {
    const inc = (data: Record<string, unknown>): RecordedEvent => ({
      type: EventType.IncrementalSnapshot,
      timestamp: 9,
      data,
    });
    const out = neutraliseReplayEvents(
      [
        inc({
          source: IncrementalSource.Font,
          family: 'x',
          fontSource: `url(${EVIL}/f.woff)`,
          buffer: false,
        }),
        inc({ source: IncrementalSource.Font, family: 'y', fontSource: '[0,1,2]', buffer: true }),
        inc({ source: IncrementalSource.CanvasMutation, id: 3, type: 0, commands: [] }),
        inc({ source: IncrementalSource.MouseMove, positions: [] }),
      ],
      OWN,
    );
    expect(out.map((e) => (e.data as { source: number }).source)).toEqual([
      IncrementalSource.Font,
      IncrementalSource.MouseMove,
    ]);
    expect(out[0]?.data).toMatchObject({ family: 'y' });
  });

  it('drops a full snapshot without a node tree (nothing to rebuild safely)', () => {
    expect(
      neutraliseReplayEvents([{ type: EventType.FullSnapshot, timestamp: 1, data: { node: 'x' } }], OWN),
    ).toEqual([]);
  });
});

describe('replayFrameCsp', () => {
  it('allows nothing outside Veil: no scripts, connections, frames, forms or base; media only inline or Veil-served', () => {
    const csp = replayFrameCsp(OWN);
    const directives = Object.fromEntries(
      csp.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/);
        return [name, values.join(' ')];
      }),
    );
    expect(directives).toEqual({
      'default-src': "'none'",
      'img-src': `data: blob: ${OWN}/demo/`,
      'style-src': `'unsafe-inline' ${OWN}/demo/`,
      'font-src': `data: ${OWN}/demo/`,
      'media-src': 'data: blob:',
      'script-src': "'none'",
      'connect-src': "'none'",
      'object-src': "'none'",
      'frame-src': "'none'",
      'child-src': "'none'",
      'worker-src': "'none'",
      'manifest-src': "'none'",
      'form-action': "'none'",
      'base-uri': "'none'",
    });
  });
});
