import {
  DEFAULT_PRIVACY_POLICY,
  elementPath,
  HeatmapTag,
  isHeatmapOnlyPage,
  isStableId,
  isTextFree,
  maskCssContentText,
  NodeType,
  type PathElement,
  parseHeatmapEvent,
  parsePrivacyPolicy,
  redactEvents,
  referrerClass,
  type SerializedNodeLike,
  textFreeSnapshot,
  tightenPolicy,
} from '@veil/core';
import { describe, expect, it } from 'vitest';

/** A tiny DOM stand-in: enough structure for element paths. */
function tree(spec: string): Record<string, PathElement> {
  // spec: lines "name parent TAG#id" in document order.
  const byName: Record<
    string,
    {
      tagName: string;
      id: string;
      parentElement: PathElement | null;
      previousElementSibling: PathElement | null;
    }
  > = {};
  const lastChild = new Map<unknown, PathElement>();
  for (const line of spec.trim().split('\n')) {
    const [name, parent, tagAndId] = line.trim().split(/\s+/);
    const [tagName, id = ''] = tagAndId!.split('#');
    const parentElement = parent === '-' ? null : byName[parent!]!;
    const el = {
      tagName: tagName!,
      id,
      parentElement,
      previousElementSibling: lastChild.get(parentElement) ?? null,
    };
    lastChild.set(parentElement, el);
    byName[name!] = el;
  }
  return byName;
}

describe('elementPath', () => {
  const els = tree(`
    html - HTML
    body html BODY
    main body MAIN#main
    d1 main DIV
    p1 main P
    d2 main DIV
    btn d2 BUTTON
    svg btn svg
    fo svg foreignObject
    nav body NAV
    a1 nav A#ember1234
    a2 nav A
    gen body DIV#user-42817
    span gen SPAN
  `);
  it('anchors at the nearest stable id and counts same-tag siblings', () => {
    expect(elementPath(els.btn!)).toBe('main#main>div:nth-of-type(2)>button:nth-of-type(1)');
    expect(elementPath(els.p1!)).toBe('main#main>p:nth-of-type(1)');
    expect(elementPath(els.main!)).toBe('main#main');
  });
  it('never uses generated or data-bearing ids', () => {
    expect(elementPath(els.a2!)).toBe('html>body>nav:nth-of-type(1)>a:nth-of-type(2)');
    expect(elementPath(els.a1!)).toBe('html>body>nav:nth-of-type(1)>a:nth-of-type(1)');
    expect(elementPath(els.span!)).toBe('html>body>div:nth-of-type(1)>span:nth-of-type(1)');
    expect(isStableId('checkout-step2')).toBe(true);
    for (const id of [
      'ember1234',
      ':r1:',
      'react-select-12-input',
      'user-42817',
      '1abc',
      'a b',
      `x${'y'.repeat(60)}`,
    ]) {
      expect(isStableId(id), id).toBe(false);
    }
  });
  it('keeps SVG tag case and skips ids that are not unique', () => {
    expect(elementPath(els.fo!)).toBe(
      'main#main>div:nth-of-type(2)>button:nth-of-type(1)>svg:nth-of-type(1)>foreignObject:nth-of-type(1)',
    );
    expect(elementPath(els.btn!, { idIsUnique: () => false })).toBe(
      'html>body>main:nth-of-type(1)>div:nth-of-type(2)>button:nth-of-type(1)',
    );
  });
});

describe('textFreeSnapshot', () => {
  const T = NodeType;
  const snapshot: SerializedNodeLike = {
    type: T.Document,
    id: 1,
    childNodes: [
      { type: T.DocumentType, id: 2, name: 'html', publicId: '', systemId: '' },
      {
        type: T.Element,
        id: 3,
        tagName: 'html',
        attributes: { lang: 'en' },
        childNodes: [
          {
            type: T.Element,
            id: 4,
            tagName: 'head',
            attributes: {},
            childNodes: [
              {
                type: T.Element,
                id: 5,
                tagName: 'title',
                attributes: {},
                childNodes: [{ type: T.Text, id: 6, textContent: 'Order of Jane Planted' }],
              },
              {
                type: T.Element,
                id: 7,
                tagName: 'style',
                attributes: {},
                childNodes: [{ type: T.Text, id: 8, textContent: '.card{color:red}', isStyle: true }],
              },
              {
                type: T.Element,
                id: 9,
                tagName: 'link',
                attributes: { rel: 'stylesheet', href: '/s.css?token=SECRET', _cssText: 'body{margin:0}' },
                childNodes: [],
              },
              {
                type: T.Element,
                id: 10,
                tagName: 'meta',
                attributes: { name: 'author', content: 'Jane Planted' },
                childNodes: [],
              },
            ],
          },
          {
            type: T.Element,
            id: 11,
            tagName: 'body',
            attributes: { class: 'page', 'data-user': 'jane@planted.example' },
            childNodes: [
              { type: T.Comment, id: 12, textContent: 'user 4711' },
              {
                type: T.Element,
                id: 13,
                tagName: 'main',
                attributes: { id: 'main', style: 'background:url(https://x.example/a.png?u=jane) red' },
                childNodes: [
                  {
                    type: T.Element,
                    id: 14,
                    tagName: 'h1',
                    attributes: { id: 'user-42817', title: 'Jane Planted' },
                    childNodes: [{ type: T.Text, id: 15, textContent: 'Hello Jane Planted' }],
                  },
                  {
                    type: T.Element,
                    id: 16,
                    tagName: 'input',
                    attributes: {
                      type: 'text',
                      value: 'PLANTED-VALUE',
                      placeholder: 'Your name',
                      checked: true,
                    },
                    childNodes: [],
                  },
                  {
                    type: T.Element,
                    id: 17,
                    tagName: 'img',
                    attributes: { src: '/avatars/jane.png', alt: 'Jane Planted', width: '40', height: '40' },
                    childNodes: [],
                  },
                  {
                    type: T.Element,
                    id: 18,
                    tagName: 'a',
                    attributes: { href: '/users/jane', 'aria-label': 'Profile of Jane' },
                    childNodes: [{ type: T.Text, id: 19, textContent: 'Jane' }],
                  },
                  {
                    type: T.Element,
                    id: 20,
                    tagName: 'div',
                    attributes: { class: 'veil-block', rr_width: '300px', rr_height: '80px' },
                    childNodes: [],
                    needBlock: true,
                  },
                  {
                    type: T.Element,
                    id: 21,
                    tagName: 'script',
                    attributes: {},
                    childNodes: [{ type: T.Text, id: 22, textContent: 'var user="Jane Planted"' }],
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  };

  it('leaves no text and no attribute value to read', () => {
    const out = textFreeSnapshot(snapshot);
    const json = JSON.stringify(out);
    for (const planted of [
      'Jane',
      'Planted',
      '4711',
      'PLANTED-VALUE',
      'Your name',
      'avatars',
      'SECRET',
      'jane@',
      'user-42817',
      'a.png',
      '"en"',
    ]) {
      expect(json, planted).not.toContain(planted);
    }
    expect(isTextFree(out)).toBe(true);
    expect(isTextFree(snapshot)).toBe(false);
  });
  it('keeps what the layout needs: structure, text lengths, classes, styles, stable ids, block sizes', () => {
    const json = JSON.stringify(textFreeSnapshot(snapshot));
    expect(json).toContain('"textContent":"***** **** *******"');
    expect(json).toContain('.card{color:red}');
    expect(json).toContain('body{margin:0}');
    expect(json).toContain('"id":"main"');
    expect(json).toContain('"class":"page"');
    expect(json).toContain('"rr_width":"300px"');
    expect(json).toContain('"width":"40"');
    expect(json).toContain('"href":"#"');
    expect(json).toContain('"style":"background:none red"');
    // Node ids survive (the script's text node is dropped with the script's content).
    expect(json.match(/"id":\d+/g)).toHaveLength(21);
    // Input state is content: gone.
    expect(json).not.toContain('checked');
  });
  it('masks the text CSS can draw, button labels and form values too (planted values)', () => {
    const el = (
      id: number,
      tagName: string,
      attributes: Record<string, unknown>,
      childNodes: SerializedNodeLike[] = [],
    ) => ({
      type: T.Element,
      id,
      tagName,
      attributes,
      childNodes,
    });
    const page: SerializedNodeLike = el(1, 'div', {}, [
      el(2, 'style', {}, [
        {
          type: T.Text,
          id: 3,
          textContent:
            '.who::before{content:"PLANTED-CSS-A " counter(n);color:red}/* PLANTED-COMMENT */q{quotes:"PLANTED-Q" "x"}.f{font-family:"Helvetica Neue"}',
          isStyle: true,
        },
      ]),
      el(4, 'link', { rel: 'stylesheet', _cssText: ".tag::after{content:'PLANTED-CSS-B'}" }),
      el(5, 'span', { class: 'who', style: '--label:"PLANTED-CSS-C";content:"PLANTED-CSS-D"' }),
      el(6, 'input', { type: 'submit', value: 'PLANTED-BUTTON' }),
      el(7, 'input', { type: 'email', value: 'planted@example.test', placeholder: 'PLANTED-PLACEHOLDER' }),
      el(8, 'textarea', { rows: '3' }, [{ type: T.Text, id: 9, textContent: 'PLANTED-TEXTAREA' }]),
      el(10, 'select', { name: 'PLANTED-NAME' }, [
        el(11, 'option', { value: 'PLANTED-OPTION-VALUE', selected: true }, [
          { type: T.Text, id: 12, textContent: 'PLANTED-OPTION' },
        ]),
      ]),
      el(13, 'abbr', { title: 'PLANTED-TITLE', 'data-x': 'PLANTED-DATA', 'aria-label': 'PLANTED-ARIA' }),
    ]);
    const out = textFreeSnapshot(page);
    const json = JSON.stringify(out);
    expect(json).not.toMatch(/PLANTED|planted/);
    expect(isTextFree(out)).toBe(true);
    // Layout survives: declarations, pseudo-element widths, font names, the button's width.
    expect(json).toContain('content:\\"************* \\" counter(n);color:red');
    expect(json).toContain('font-family:\\"Helvetica Neue\\"');
    expect(json).toContain('"value":"**************"');
    expect(json).toContain('"rows":"3"');
    // Each planted position on its own makes a tree fail the check the server runs before storing.
    expect(
      isTextFree(
        el(1, 'style', {}, [{ type: T.Text, id: 2, textContent: 'a::before{content:"x"}', isStyle: true }]),
      ),
    ).toBe(false);
    expect(isTextFree(el(1, 'span', { style: '--l:"Jane"' }))).toBe(false);
    expect(isTextFree(el(1, 'input', { type: 'submit', value: 'Pay' }))).toBe(false);
    expect(isTextFree(el(1, 'abbr', { title: 'Jane' }))).toBe(false);
  });
  it('masks CSS strings that never close (fails closed)', () => {
    expect(maskCssContentText('a{font-family:"Jane')).toBe('a{font-family:"****');
  });
  it('does not modify its input', () => {
    const before = JSON.stringify(snapshot);
    textFreeSnapshot(snapshot);
    expect(JSON.stringify(snapshot)).toBe(before);
  });
});

describe('referrerClass', () => {
  const page = 'https://shop.example/landing';
  it('classifies referrers and campaign parameters', () => {
    expect(referrerClass('', page)).toBe('direct');
    expect(referrerClass('https://www.shop.example/cart', page)).toBe('internal');
    expect(referrerClass('https://blog.shop.example/post', page)).toBe('internal');
    expect(referrerClass('https://www.google.com/', page)).toBe('search');
    expect(referrerClass('https://www.google.co.uk/', page)).toBe('search');
    expect(referrerClass('https://duckduckgo.com/', page)).toBe('search');
    expect(referrerClass('https://t.co/abc', page)).toBe('social');
    expect(referrerClass('https://www.linkedin.com/feed/', page)).toBe('social');
    expect(referrerClass('https://mail.google.com/', page)).toBe('email');
    expect(referrerClass('https://example.org/links', page)).toBe('other');
    expect(referrerClass('not a url', page)).toBe('other');
    expect(referrerClass('', `${page}?utm_medium=email&utm_source=x`)).toBe('email');
    expect(referrerClass('https://www.google.com/', `${page}?utm_medium=cpc`)).toBe('paid');
    expect(referrerClass('https://www.google.com/', `${page}?gclid=abc`)).toBe('paid');
  });
});

describe('heatmap-only capture policy', () => {
  it('is off by default with k = 5', () => {
    expect(DEFAULT_PRIVACY_POLICY).toMatchObject({
      heatmapOnly: false,
      heatmapOnlyPages: [],
      heatmapMinSessions: 5,
      heatmapPagePatterns: [],
    });
    expect(isHeatmapOnlyPage(DEFAULT_PRIVACY_POLICY, '/checkout')).toBe(false);
  });
  it('applies to every page or to matching pages', () => {
    expect(isHeatmapOnlyPage({ heatmapOnly: true, heatmapOnlyPages: [] }, '/x')).toBe(true);
    const p = { heatmapOnly: false, heatmapOnlyPages: ['/checkout/**', '/orders/:id'] };
    expect(isHeatmapOnlyPage(p, '/checkout/pay')).toBe(true);
    expect(isHeatmapOnlyPage(p, '/orders/17')).toBe(true);
    expect(isHeatmapOnlyPage(p, '/orders')).toBe(false);
  });
  it('parses, rejects k below 2, and only tightens', () => {
    expect(parsePrivacyPolicy({}).heatmapMinSessions).toBe(5);
    expect(() => parsePrivacyPolicy({ heatmapMinSessions: 1 })).toThrow();
    const server = parsePrivacyPolicy({ heatmapOnlyPages: ['/a'], heatmapMinSessions: 8 });
    const t = tightenPolicy(server, { heatmapOnly: false, heatmapOnlyPages: ['/b'], heatmapMinSessions: 3 });
    expect(t).toMatchObject({ heatmapOnly: false, heatmapOnlyPages: ['/a', '/b'], heatmapMinSessions: 8 });
    expect(tightenPolicy(server, { heatmapOnly: true }).heatmapOnly).toBe(true);
  });
});

describe('parseHeatmapEvent', () => {
  const click = {
    path: '/orders/7',
    el: 'main#main>div:nth-of-type(2)>button:nth-of-type(1)',
    rx: 0.25,
    ry: 0.5,
    x: 410,
    y: 380,
    vw: 1280,
    vh: 800,
    dw: 1280,
    dh: 2400,
    rage: false,
    dead: true,
  };
  const custom = (tag: string, payload: unknown) => ({
    type: 5,
    timestamp: 1_700_000_000_000,
    data: { tag, payload },
  });

  it('parses Veil heatmap events and passes others by', () => {
    expect(parseHeatmapEvent(custom(HeatmapTag.Click, click))).toEqual({
      tag: HeatmapTag.Click,
      timestamp: 1_700_000_000_000,
      payload: click,
    });
    expect(parseHeatmapEvent(custom('veil.tag', { key: 'a', value: 'b' }))).toBeNull();
    expect(parseHeatmapEvent({ type: 3, timestamp: 1, data: { source: 2 } })).toBeNull();
  });
  it('rejects payloads out of range or carrying text in element paths', () => {
    expect(parseHeatmapEvent(custom(HeatmapTag.Click, { ...click, rx: 1.5 }))).toBe('invalid');
    expect(parseHeatmapEvent(custom(HeatmapTag.Click, { ...click, el: 'button[aria-label="Jane"]' }))).toBe(
      'invalid',
    );
    expect(parseHeatmapEvent(custom(HeatmapTag.Click, { ...click, el: 'a:contains(Jane Doe)' }))).toBe(
      'invalid',
    );
    expect(
      parseHeatmapEvent(
        custom(HeatmapTag.View, {
          path: '/',
          mode: 'replay',
          vw: 1,
          vh: 1,
          dw: 1,
          dh: 1,
          ref: 'friends',
          nv: true,
        }),
      ),
    ).toBe('invalid');
  });
});

describe('redaction of heatmap layouts', () => {
  it('keeps the whole text-free node tree of a layout, however deep, and redacts its page path', () => {
    let node: SerializedNodeLike = { type: NodeType.Text, id: 99, textContent: '****' };
    for (let depth = 0; depth < 30; depth++)
      node = { type: NodeType.Element, id: depth, tagName: 'div', attributes: {}, childNodes: [node] };
    const layout = {
      type: 5,
      timestamp: 1,
      data: {
        tag: HeatmapTag.Layout,
        payload: { path: '/people/jane@example.org', vw: 390, vh: 800, dw: 390, dh: 900, node },
      },
    };
    const before = JSON.stringify(node);
    const [out] = redactEvents([layout]).events;
    const payload = (out!.data as { payload: { path: string; node: unknown } }).payload;
    expect(JSON.stringify(payload.node)).toBe(before);
    expect(payload.path).not.toContain('jane@example.org');
  });
});
