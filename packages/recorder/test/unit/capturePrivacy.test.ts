import {
  DEFAULT_PRIVACY_POLICY,
  EventType,
  IncrementalSource,
  maskTextAttributes,
  NodeType,
  sanitizeCss,
  tightenPolicy,
  usableSelectors,
  validateSelectors,
} from '@veil/core';
import { describe, expect, it } from 'vitest';
import { createEventRedactor } from '../../src/recorder/eventRedactor.js';
import { createSerializedMasker } from '../../src/recorder/maskSerialized.js';
import { applyLocalConfig, parseLocalPolicy } from '../../src/shared/localConfig.js';
import type { ClientPolicy } from '../../src/shared/siteConfig.js';

const server: ClientPolicy = {
  ...DEFAULT_PRIVACY_POLICY,
  unmaskSelectors: ['.a', '.b'],
  allowIframes: ['#help'],
  allowedUrlParams: ['page'],
};
const syntaxCheck = (s: string) => validateSelectors([s]).length === 0;

describe('usableSelectors (fails closed on a refused selector)', () => {
  it('keeps every usable selector and changes nothing else', () => {
    const u = usableSelectors({ ...server, blockSelectors: ['#x'] }, syntaxCheck);
    expect(u).toMatchObject({ refused: [], failClosed: false });
    expect(u.policy.blockSelectors).toEqual(['#x']);
    expect(u.policy.allowIframes).toEqual(['#help']);
    expect(u.policy.maskAllText).toBe(false);
  });
  it('a refused block or mask selector drops itself and switches to the strictest fallback', () => {
    for (const bad of [{ blockSelectors: ['#x', 'div[[bad'] }, { maskTextSelectors: ['p:nosuch'] }]) {
      const u = usableSelectors({ ...server, ...bad }, syntaxCheck);
      expect(u.failClosed).toBe(true);
      expect(u.policy.maskAllText).toBe(true);
      expect(u.policy.unmaskSelectors).toEqual([]);
      expect(u.policy.allowIframes).toEqual([]);
      expect(u.policy.blockSelectors).toEqual(expect.arrayContaining(['input', 'textarea', 'select']));
      expect(u.policy.blockSelectors).not.toContain('div[[bad');
    }
  });
  it('a refused unmask or iframe selector only drops itself; a throwing check refuses', () => {
    const u = usableSelectors({ ...server, unmaskSelectors: ['.a', '[[x'], allowIframes: ['#help'] }, (s) => {
      if (s.includes('#help')) throw new Error('boom');
      return syntaxCheck(s);
    });
    expect(u.failClosed).toBe(false);
    expect(u.policy.unmaskSelectors).toEqual(['.a']);
    expect(u.policy.allowIframes).toEqual([]);
    expect(u.refused).toEqual(['[[x', '#help']);
  });
});

describe("veil('config', …) through tightenPolicy", () => {
  it('tightens: more blocking and masking, fewer unmask selectors, iframes and URL parameters', () => {
    const p = applyLocalConfig(server, [
      { blockSelectors: ['#local'], maskAllText: true },
      {
        unmaskSelectors: ['.a', '.new'],
        allowIframes: ['#other'],
        allowedUrlParams: [],
        samplingPercent: 100,
      },
    ]);
    expect(p.blockSelectors).toEqual(['#local']);
    expect(p.maskAllText).toBe(true);
    expect(p.unmaskSelectors).toEqual(['.a']);
    expect(p.allowIframes).toEqual([]);
    expect(p.allowedUrlParams).toEqual([]);
    expect(p.samplingPercent).toBe(server.samplingPercent);
  });
  it('cannot loosen: maskAllText false and heatmapOnly false keep the server value', () => {
    const strict = { ...server, maskAllText: true, heatmapOnly: true };
    const p = applyLocalConfig(strict, [{ maskAllText: false, heatmapOnly: false }]);
    expect(p.maskAllText).toBe(true);
    expect(p.heatmapOnly).toBe(true);
  });
  it('leaves fields the browser policy does not hold absent', () => {
    const p = tightenPolicy({ maskAllText: false }, { retentionDays: 1, maskAllText: true });
    expect(p).toEqual({ maskAllText: true });
  });
  it('refuses unknown fields and wrong types (the recorder then does not start)', () => {
    expect(() => parseLocalPolicy({ maskAlltext: true })).toThrow(/maskAlltext/);
    expect(() => parseLocalPolicy({ blockSelectors: '#x' })).toThrow(/blockSelectors/);
    expect(() => parseLocalPolicy({ lawfulBasis: 'legitimate_interest' })).toThrow(/lawfulBasis/);
    expect(() => parseLocalPolicy('mask')).toThrow();
    expect(() => applyLocalConfig(server, [{ customPatterns: [] }])).toThrow(/customPatterns/);
  });
});

describe('sanitizeCss', () => {
  const policy = { detectors: [], allowedUrlParams: ['v'], maskAllText: false };
  it('drops url() query strings and fragments, keeping allow-listed parameters of absolute URLs', () => {
    expect(sanitizeCss(`a{background:url('/bg.png?u=jane#x')}`, policy)).toBe(`a{background:url('/bg.png')}`);
    expect(sanitizeCss('a{background:url(https://cdn.example/i.png?v=2&t=secret)}', policy)).toBe(
      'a{background:url(https://cdn.example/i.png?v=2)}',
    );
    expect(sanitizeCss('a{background:url(data:image/png;base64,AAAA)}', policy)).toContain('base64,AAAA');
  });
  it('masks a URL whose path holds PII, and PII in quoted strings', () => {
    expect(sanitizeCss('a{background:url(/avatars/jane%40example.org.png)}', policy)).not.toContain('jane');
    expect(sanitizeCss('p::after{content:"mail jane@example.org"}', policy)).toBe(
      'p::after{content:"mail ****************"}',
    );
    expect(sanitizeCss(`b{font-family:'Helvetica Neue'}`, policy)).toBe(`b{font-family:'Helvetica Neue'}`);
  });
  it('masks content: strings whole under mask-all text, not font names', () => {
    const all = { ...policy, maskAllText: true };
    expect(sanitizeCss(`p::after{color:red;content:"Hello you"} b{font-family:'Arial'}`, all)).toBe(
      `p::after{color:red;content:"***** ***"} b{font-family:'Arial'}`,
    );
  });
});

describe('serialized DOM under mask-all text', () => {
  it('masks text-bearing and unknown attributes, keeps structure', () => {
    const attrs: Record<string, unknown> = {
      id: 'x',
      class: 'c',
      title: 'Jane Roe',
      alt: 'photo',
      'aria-label': 'call',
      placeholder: 'name',
      'data-owner': 'jane',
      value: 'Send',
      'x-unknown': 'text',
      width: '4',
      rr_width: '10px',
    };
    maskTextAttributes(attrs);
    expect(attrs).toEqual({
      id: 'x',
      class: 'c',
      title: '**** ***',
      alt: '*****',
      'aria-label': '****',
      placeholder: '****',
      'data-owner': '****',
      value: '****',
      'x-unknown': '****',
      width: '4',
      rr_width: '10px',
    });
  });
  it('walks snapshots, mutation adds and attribute changes, and CSSOM events', () => {
    // The recorder's two passes as `emit` runs them: attribute text, then core's walk (CSS too).
    const masker = createSerializedMasker({ maskAllText: true });
    const redact = createEventRedactor({ customPatterns: [], allowedUrlParams: [], maskAllText: true });
    const mask = <E extends { type: number; timestamp: number; data: unknown }>(e: E): E => redact(masker(e));
    const snapshot = {
      type: EventType.FullSnapshot,
      timestamp: 1,
      data: {
        node: {
          type: NodeType.Element,
          tagName: 'div',
          attributes: { title: 'Secret', style: 'background:url(/a.png?q=1)' },
          childNodes: [
            {
              type: NodeType.Element,
              tagName: 'style',
              attributes: {},
              childNodes: [{ type: NodeType.Text, textContent: 'p{background:url(/b.png?q=2)}' }],
            },
          ],
        },
      },
    };
    const out = JSON.stringify(mask(snapshot));
    expect(out).not.toMatch(/Secret|q=1|q=2/);
    const mutation = {
      type: EventType.IncrementalSnapshot,
      timestamp: 2,
      data: {
        source: IncrementalSource.Mutation,
        adds: [
          { parentId: 1, node: { type: NodeType.Element, tagName: 'img', attributes: { alt: 'Jane' } } },
        ],
        attributes: [{ id: 2, attributes: { title: 'Later', style: { background: 'url(/c.png?q=3)' } } }],
        texts: [],
        removes: [],
      },
    };
    expect(JSON.stringify(mask(mutation))).not.toMatch(/Jane|Later|q=3/);
    const rule = {
      type: EventType.IncrementalSnapshot,
      timestamp: 3,
      data: {
        source: IncrementalSource.StyleSheetRule,
        id: 4,
        adds: [{ rule: 'a{background:url(/d.png?q=4)}' }],
      },
    };
    expect(JSON.stringify(mask(rule))).not.toContain('q=4');
  });
});
