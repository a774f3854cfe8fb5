import { formatClock } from '../format/duration';
import { currentPageIndex, type PageVisit } from './timelineMarkers';

export interface PageListProps {
  pages: readonly PageVisit[];
  currentMs: number;
  onSeek: (ms: number) => void;
  disabled: boolean;
}

/** "Pages visited": each a button that seeks the replay to that page view. */
export function PageList({ pages, currentMs, onSeek, disabled }: PageListProps) {
  const current = currentPageIndex(pages, currentMs);
  return (
    <div className="page-list">
      <h2 className="side-title">Pages visited</h2>
      {pages.length === 0 ? (
        <p className="muted small">No page views recorded.</p>
      ) : (
        <ol className="page-list__items" data-testid="page-list">
          {pages.map((page, i) => (
            <li key={`${page.offsetMs}-${page.url}`}>
              <button
                type="button"
                className="page-list__item"
                aria-current={i === current ? 'true' : undefined}
                onClick={() => onSeek(page.offsetMs)}
                disabled={disabled}
                title={page.url}
                data-testid="page-list-item"
              >
                <span className="page-list__time">{formatClock(page.offsetMs)}</span>
                <span className="page-list__text">
                  <span className="page-list__title">{page.title || pathOf(page.url)}</span>
                  <span className="page-list__url">{pathOf(page.url)}</span>
                </span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.host}${u.pathname}`;
  } catch {
    return url;
  }
}
