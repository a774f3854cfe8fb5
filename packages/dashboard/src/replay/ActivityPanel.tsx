import { type KeyboardEvent, useMemo, useRef, useState } from 'react';
import { formatClock } from '../format/duration';
import { ACTIVITY_KINDS, ACTIVITY_LABELS, type ActivityItem, type ActivityKind } from './activityItems';

export interface ActivityPanelProps {
  items: readonly ActivityItem[];
  currentMs: number;
  onSeek: (ms: number) => void;
  disabled: boolean;
}

/** Index of the entry on screen at `currentMs`: the last one at or before it. */
function currentIndex(items: readonly ActivityItem[], currentMs: number): number {
  let index = -1;
  items.forEach((item, i) => {
    if (item.offsetMs <= currentMs) index = i;
  });
  return index;
}

/**
 * The session's activity beside the replay: pages, clicks, rage and dead clicks, errors, failed
 * requests and tags, each a button that jumps the replay to its moment. Keyboard: Tab into the
 * list, ↑/↓ (Home/End) move between entries, Enter or Space jumps; the kind toggles filter it.
 */
export function ActivityPanel({ items, currentMs, onSeek, disabled }: ActivityPanelProps) {
  const [hidden, setHidden] = useState<ReadonlySet<ActivityKind>>(() => new Set(['click']));
  const listRef = useRef<HTMLOListElement>(null);
  const counts = useMemo(() => {
    const by = new Map<ActivityKind, number>();
    for (const item of items) by.set(item.kind, (by.get(item.kind) ?? 0) + 1);
    return by;
  }, [items]);
  const shown = useMemo(() => items.filter((item) => !hidden.has(item.kind)), [items, hidden]);
  const current = currentIndex(shown, currentMs);

  function onKeyDown(event: KeyboardEvent<HTMLOListElement>) {
    const buttons = [...(listRef.current?.querySelectorAll<HTMLButtonElement>('button') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next =
      event.key === 'ArrowDown'
        ? Math.min(buttons.length - 1, at + 1)
        : event.key === 'ArrowUp'
          ? Math.max(0, at - 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? buttons.length - 1
              : null;
    if (next === null || buttons.length === 0) return;
    event.preventDefault();
    buttons[next]?.focus();
  }

  return (
    <div className="activity" data-testid="activity-panel">
      <h2 className="side-title">Activity</h2>
      <fieldset className="activity__kinds">
        <legend className="visually-hidden">Show in the activity list</legend>
        {ACTIVITY_KINDS.filter((kind) => (counts.get(kind) ?? 0) > 0).map((kind) => (
          <label key={kind} className={`activity__kind activity__kind--${kind}`}>
            <input
              type="checkbox"
              checked={!hidden.has(kind)}
              onChange={(e) => {
                const next = new Set(hidden);
                if (e.target.checked) next.delete(kind);
                else next.add(kind);
                setHidden(next);
              }}
              data-testid={`activity-kind-${kind}`}
            />
            {ACTIVITY_LABELS[kind]} <span className="muted">{counts.get(kind)}</span>
          </label>
        ))}
      </fieldset>
      {shown.length === 0 ? (
        <p className="muted small">Nothing to show.</p>
      ) : (
        <ol className="activity__items" ref={listRef} onKeyDown={onKeyDown} data-testid="activity-list">
          {shown.map((item, i) => (
            <li key={item.id}>
              <button
                type="button"
                className={`activity__item activity__item--${item.kind}`}
                aria-current={i === current ? 'true' : undefined}
                onClick={() => onSeek(item.offsetMs)}
                disabled={disabled}
                title={item.detail ?? item.label}
                data-testid="activity-item"
                data-kind={item.kind}
                data-offset={item.offsetMs}
              >
                <span className="page-list__time">{formatClock(item.offsetMs)}</span>
                <span className="activity__kind-label">{ACTIVITY_LABELS[item.kind].replace(/s$/, '')}</span>
                <span className="activity__label">{item.label}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
