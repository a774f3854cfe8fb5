import { SIGNAL_KINDS, type SignalCounts } from '@veil/core';
import { SIGNAL_LABELS } from './signalLabels';

/** One badge per signal the session has, with its count ("Rage clicks 3"); a dash when none. */
export function SignalBadges({ signals }: { signals: SignalCounts }) {
  const present = SIGNAL_KINDS.filter((kind) => signals[kind] > 0);
  if (present.length === 0) return <span className="cell-sub">–</span>;
  return (
    <ul className="signal-badges" data-testid="signal-badges">
      {present.map((kind) => (
        <li
          key={kind}
          className={`badge badge--signal badge--${kind}`}
          data-signal={kind}
          data-count={signals[kind]}
        >
          {SIGNAL_LABELS[kind]} <strong>{signals[kind]}</strong>
        </li>
      ))}
    </ul>
  );
}
