import { SIGNAL_KINDS, type SignalCounts } from '@veil/core';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { SignalBadges } from '../../src/sessions/SignalBadges';
import { SIGNAL_LABELS } from '../../src/sessions/signalLabels';

const counts = (n: number) => Object.fromEntries(SIGNAL_KINDS.map((k) => [k, n])) as unknown as SignalCounts;
const render = (signals: SignalCounts) => renderToStaticMarkup(createElement(SignalBadges, { signals }));

describe('signal badges in the session list', () => {
  it('shows one badge per signal the session has, with its label and count, none for the others', () => {
    for (const kind of SIGNAL_KINDS) {
      const html = render({ ...counts(0), [kind]: 3 });
      expect(html, kind).toContain(`data-signal="${kind}" data-count="3"`);
      expect(html, kind).toContain(`${SIGNAL_LABELS[kind]} <strong>3</strong>`);
      expect(html.match(/<li /g), kind).toHaveLength(1);
    }
    expect(render(counts(1)).match(/<li /g)).toHaveLength(SIGNAL_KINDS.length);
    expect(render(counts(0))).not.toContain('<li');
  });
});
