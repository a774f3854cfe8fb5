import { ALERT_KINDS, type AlertKind } from '@veil/core';
import { describe, expect, it } from 'vitest';
import { routesOf, routingOf } from '../../src/alerts/alertRouting';

describe('alert routing between the policy and the kinds-by-sinks table', () => {
  it('reads every route, `*` included, for the site’s sinks only', () => {
    const matrix = routingOf(
      [
        { kinds: ['*'], sinks: ['slack'] },
        { kinds: ['canary', 'masking_failure'], sinks: ['dpo-mail', 'elsewhere'] },
      ],
      ['slack', 'dpo-mail'],
    );
    expect([...(matrix.get('slack') ?? [])]).toEqual([...ALERT_KINDS]);
    expect([...(matrix.get('dpo-mail') ?? [])].sort()).toEqual(['canary', 'masking_failure']);
    expect(matrix.has('elsewhere')).toBe(false);
  });

  it('writes one route per sink, `*` for all kinds, and keeps routes naming only other sinks', () => {
    const matrix = new Map<string, Set<AlertKind>>([
      ['slack', new Set(ALERT_KINDS)],
      ['dpo-mail', new Set<AlertKind>(['canary'])],
      ['idle', new Set<AlertKind>()],
    ]);
    const previous = [
      { kinds: ['scope_drift' as const], sinks: ['future-sink'] },
      { kinds: ['canary' as const], sinks: ['dpo-mail', 'future-sink'] },
    ];
    expect(routesOf(matrix, previous)).toEqual([
      { kinds: ['scope_drift'], sinks: ['future-sink'] },
      { kinds: ['*'], sinks: ['slack'] },
      { kinds: ['canary'], sinks: ['dpo-mail'] },
    ]);
  });
});
