import {
  DEFAULT_PRIVACY_POLICY,
  EventType,
  MASKED_INPUT_VALUE,
  NodeType,
  type RecordedEvent,
} from '@veil/core';
import { describe, expect, it } from 'vitest';
import {
  currentPolicySelectors,
  latestSnapshotOf,
  markCapturedSnapshot,
  PREVIEW_ATTRIBUTE,
  PREVIEW_CSS,
} from '../../src/privacy/previewMarks';
import { failuresByPage } from '../../src/privacy/privacyApi';
import { matchRoute, paths } from '../../src/router/routes';

type SNode = Parameters<typeof markCapturedSnapshot>[0];
const el = (
  id: number,
  tagName: string,
  attributes: Record<string, unknown>,
  childNodes: SNode[] = [],
): SNode => ({
  type: NodeType.Element,
  id,
  tagName,
  attributes,
  childNodes,
});
const text = (id: number, textContent: string): SNode => ({ type: NodeType.Text, id, textContent });

describe('privacy routes', () => {
  it('are spelled in one place', () => {
    expect(matchRoute(paths.privacy('site_key_01'))).toEqual({ name: 'privacy', siteKey: 'site_key_01' });
    expect(matchRoute(paths.privacyPreview('site_key_01'))).toEqual({
      name: 'privacyPreview',
      siteKey: 'site_key_01',
    });
  });
});

describe('privacy preview marks', () => {
  const snapshot: SNode = {
    type: NodeType.Document,
    id: 1,
    childNodes: [
      el(2, 'html', {}, [
        el(3, 'head', {}, [el(4, 'title', {}, [text(5, '*****')])]),
        el(6, 'body', {}, [
          el(7, 'div', { class: 'veil-block', rr_width: '300px', rr_height: '40px' }),
          el(8, 'p', {}, [text(9, '**** *****')]),
          el(10, 'p', {}, [text(11, 'Readable text')]),
          el(12, 'input', { type: 'email', value: MASKED_INPUT_VALUE }),
          el(13, 'input', { type: 'text', value: '17', class: 'veil-unmask' }),
          el(14, 'input', { type: 'text' }),
        ]),
      ]),
    ],
  };

  it('outlines blocked placeholders, masked text and values, and captured (unmasked) inputs', () => {
    const { node, counts } = markCapturedSnapshot(snapshot);
    expect(counts).toEqual({ blocked: 1, masked: 2, unmasked: 1 });
    const json = JSON.stringify(node);
    expect(json).toContain(`"${PREVIEW_ATTRIBUTE}":"blocked"`);
    expect(json).toContain('"tagName":"style"');
    expect(json).toContain(JSON.stringify(PREVIEW_CSS).slice(1, 40));
    // The original is untouched (the marks live in the preview's copy only).
    expect(JSON.stringify(snapshot)).not.toContain(PREVIEW_ATTRIBUTE);
  });

  it('finds the newest full snapshot of a page with its Meta event', () => {
    const meta = (href: string, ts: number): RecordedEvent => ({
      type: EventType.Meta,
      timestamp: ts,
      data: { href },
    });
    const snap = (ts: number): RecordedEvent => ({
      type: EventType.FullSnapshot,
      timestamp: ts,
      data: { node: snapshot },
    });
    const events = [
      meta('https://s.example/a', 1),
      snap(2),
      meta('https://s.example/checkout', 3),
      snap(4),
      meta('https://s.example/a', 5),
      snap(6),
    ];
    expect(latestSnapshotOf(events, '/checkout')?.map((e) => e.timestamp)).toEqual([3, 4]);
    expect(latestSnapshotOf(events, '/a')?.map((e) => e.timestamp)).toEqual([5, 6]);
    expect(latestSnapshotOf(events, '/nowhere')).toBeNull();
  });

  it("outlines the current policy's selectors", () => {
    const s = currentPolicySelectors({
      ...DEFAULT_PRIVACY_POLICY,
      blockSelectors: ['#chat'],
      unmaskSelectors: ['#qty'],
    });
    expect(s.blocked).toContain('#chat');
    expect(s.blocked).toContain('.veil-block');
    expect(s.unmasked).toContain('#qty');
    expect(currentPolicySelectors({ ...DEFAULT_PRIVACY_POLICY, maskAllText: true }).masked).toBe('body *');
  });
});

describe('masking failures by page', () => {
  it('groups per page pattern, most frequent first', () => {
    const f = (pagePattern: string, count: number, label = 'email') => ({
      pagePattern,
      elementPath: 'form#x>p:nth-of-type(1)',
      label,
      location: 'text',
      count,
      firstSeenAt: 1,
      lastSeenAt: 2,
    });
    const groups = failuresByPage([f('/a', 1), f('/b', 5), f('/a', 7, 'card'), f('', 1)]);
    expect(groups.map((g) => [g.page, g.total])).toEqual([
      ['/a', 8],
      ['/b', 5],
      ['(unknown page)', 1],
    ]);
    expect(groups[0]!.rows.map((r) => r.label)).toEqual(['card', 'email']);
  });
});
