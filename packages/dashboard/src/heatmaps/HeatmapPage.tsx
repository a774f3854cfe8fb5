import { HEATMAP_MODES, type HeatmapMode, REFERRER_CLASSES, roleHasPermission } from '@veil/core';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { useResource } from '../hooks/useResource';
import { Link, navigate, useLocation } from '../router/history';
import { paths } from '../router/routes';
import { HeatmapError } from './HeatmapError';
import { HeatmapPanel } from './HeatmapPanel';
import { heatmapApi } from './heatmapApi';
import {
  DAY_CHOICES,
  describeSegment,
  EMPTY_SEGMENT,
  type HeatmapView,
  heatmapViewToSearch,
  parseHeatmapView,
  queryOf,
  type SegmentChoice,
} from './heatmapFilters';
import '../styles/heatmaps.css';
import { sitesApi } from '../sites/sitesApi';

const MODE_LABELS: Record<HeatmapMode, string> = {
  click: 'Clicks',
  scroll: 'Scroll depth',
  attention: 'Attention',
  rage: 'Rage clicks',
  dead: 'Dead clicks',
};

/** The static start of a page pattern (`/orders/:id` → `/orders/`): what the session list can filter on. */
function staticPrefix(pattern: string): string {
  const cut = pattern.search(/[:*]/);
  return cut === -1 ? pattern : pattern.slice(0, cut);
}

/**
 * Heatmaps of a site (`heatmaps:read`, which analysts have): a page's clicks, scroll depth,
 * attention, rage and dead clicks over its representative text-free layout, ranked elements,
 * and two segments or date ranges side by side. Only aggregates: no recording is opened here.
 */
export function HeatmapPage({ siteKey }: { siteKey: string }) {
  const { api, user } = useAuth();
  const hm = useMemo(() => heatmapApi(api), [api]);
  const location = useLocation();
  const view = useMemo(() => parseHeatmapView(location.search), [location.search]);
  const [now] = useState(() => Date.now());
  const [opacity, setOpacity] = useState(0.75);
  const [radius, setRadius] = useState(24);
  // The selected element belongs to one page and device: choosing another clears it.
  const [selection, setSelection] = useState<{ key: string; path: string | null }>({ key: '', path: null });
  const [maxA, setMaxA] = useState(0);
  const [maxB, setMaxB] = useState(0);

  const setView = useCallback(
    (next: HeatmapView) =>
      navigate(`${paths.heatmaps(siteKey)}${heatmapViewToSearch(next)}`, { replace: true }),
    [siteKey],
  );
  const queryA = queryOf(view.a, view.device, now);
  const [pages] = useResource(JSON.stringify(['pages', siteKey, queryA.from, queryA.to]), (signal) =>
    hm.pages(siteKey, { from: queryA.from, to: queryA.to }, signal),
  );
  const [site] = useResource(`site:${siteKey}`, (signal) => sitesApi(api).get(siteKey, signal));

  // Without a chosen page, the most viewed one.
  useEffect(() => {
    if (view.page === null && pages.status === 'ready' && pages.data.pages[0]) {
      setView({ ...view, page: pages.data.pages[0].pattern });
    }
  }, [view, pages, setView]);
  const selectionKey = `${view.page}|${view.device}`;
  const selected = selection.key === selectionKey ? selection.path : null;
  const setSelected = useCallback(
    (path: string | null) => setSelection({ key: selectionKey, path }),
    [selectionKey],
  );

  const setSegment = (side: 'a' | 'b', s: SegmentChoice) => setView({ ...view, [side]: s });
  const comparing = view.b !== null;
  const page = view.page;
  const siteName = site.status === 'ready' ? site.data.name : siteKey;

  return (
    <>
      <PageHeading
        eyebrow={
          <Link to={paths.sites()} className="back-link">
            Sites
          </Link>
        }
        title={`${siteName}: heatmaps`}
        description="Aggregates of every recorded session, over a text-free layout of the page. Elements and cells fewer than k sessions touched are never shown."
        actions={
          page && roleHasPermission(user.role, 'sessions:read') ? (
            <Link
              to={paths.sessions(siteKey, `?page=${encodeURIComponent(staticPrefix(page))}`)}
              className="button button--small"
            >
              Sessions on this page
            </Link>
          ) : undefined
        }
      />
      {pages.status === 'error' && <HeatmapError error={pages.error} title="Could not load the pages" />}
      {pages.status === 'loading' && <Loading />}
      {pages.status === 'ready' && pages.data.pages.length === 0 && (
        <p className="notice" data-testid="heatmap-no-pages">
          No page has heatmap data from at least {pages.data.k} sessions in this period yet.
        </p>
      )}
      <form className="heatmap-controls" onSubmit={(e) => e.preventDefault()} aria-label="Heatmap settings">
        <div className="field">
          <label htmlFor="heatmap-page">Page</label>
          <select
            id="heatmap-page"
            value={page ?? ''}
            onChange={(e) => setView({ ...view, page: e.target.value || null })}
            data-testid="heatmap-page-select"
          >
            {page !== null &&
              !(pages.status === 'ready' && pages.data.pages.some((p) => p.pattern === page)) && (
                <option value={page}>{page}</option>
              )}
            {pages.status === 'ready' &&
              pages.data.pages.map((p) => (
                <option key={p.pattern} value={p.pattern}>
                  {p.pattern} ({p.views} views)
                </option>
              ))}
          </select>
        </div>
        <fieldset className="heatmap-modes">
          <legend>Show</legend>
          {HEATMAP_MODES.map((m) => (
            <label key={m} className={view.mode === m ? 'is-active' : undefined}>
              <input
                type="radio"
                name="heatmap-mode"
                value={m}
                checked={view.mode === m}
                onChange={() => setView({ ...view, mode: m })}
              />
              {MODE_LABELS[m]}
            </label>
          ))}
        </fieldset>
        <div className="field">
          <label htmlFor="heatmap-device">Device</label>
          <select
            id="heatmap-device"
            value={view.device}
            onChange={(e) => setView({ ...view, device: e.target.value as HeatmapView['device'] })}
          >
            <option value="desktop">Desktop</option>
            <option value="tablet">Tablet</option>
            <option value="mobile">Mobile</option>
          </select>
        </div>
        {(view.mode === 'click' || view.mode === 'rage' || view.mode === 'dead') && (
          <div className="field">
            <label htmlFor="heatmap-by">Positions</label>
            <select
              id="heatmap-by"
              value={view.by}
              onChange={(e) => setView({ ...view, by: e.target.value === 'page' ? 'page' : 'element' })}
            >
              <option value="element">By element (any width)</option>
              <option value="page">By page coordinates</option>
            </select>
          </div>
        )}
        <div className="field heatmap-slider">
          <label htmlFor="heatmap-opacity">Opacity {Math.round(opacity * 100)} %</label>
          <input
            id="heatmap-opacity"
            type="range"
            min={0.1}
            max={1}
            step={0.05}
            value={opacity}
            onChange={(e) => setOpacity(Number(e.target.value))}
          />
        </div>
        <div className="field heatmap-slider">
          <label htmlFor="heatmap-radius">Radius {radius} px</label>
          <input
            id="heatmap-radius"
            type="range"
            min={6}
            max={80}
            step={2}
            value={radius}
            onChange={(e) => setRadius(Number(e.target.value))}
          />
        </div>
      </form>
      <div className="heatmap-segments">
        <SegmentControls
          label={comparing ? 'A' : 'Segment'}
          value={view.a}
          onChange={(s) => setSegment('a', s)}
          idPrefix="a"
        />
        {comparing && view.b && (
          <SegmentControls label="B" value={view.b} onChange={(s) => setSegment('b', s)} idPrefix="b" />
        )}
        <button
          type="button"
          className="button button--small"
          aria-pressed={comparing}
          onClick={() =>
            setView({ ...view, b: comparing ? null : { ...view.a, ...EMPTY_SEGMENT, days: view.a.days } })
          }
          data-testid="heatmap-compare"
        >
          {comparing ? 'Stop comparing' : 'Compare with…'}
        </button>
      </div>
      {page !== null && (
        <div className={comparing ? 'heatmap-panels heatmap-panels--compare' : 'heatmap-panels'}>
          <HeatmapPanel
            api={hm}
            siteKey={siteKey}
            page={page}
            mode={view.mode}
            by={view.by}
            query={queryA}
            title={comparing ? `A: ${describeSegment(view.a)}` : describeSegment(view.a)}
            radius={radius}
            opacity={opacity}
            sharedMax={comparing ? Math.max(maxA, maxB) : 0}
            onMax={setMaxA}
            selected={selected}
            onSelect={setSelected}
          />
          {comparing && view.b && (
            <HeatmapPanel
              api={hm}
              siteKey={siteKey}
              page={page}
              mode={view.mode}
              by={view.by}
              query={queryOf(view.b, view.device, now)}
              title={`B: ${describeSegment(view.b)}`}
              radius={radius}
              opacity={opacity}
              sharedMax={Math.max(maxA, maxB)}
              onMax={setMaxB}
              selected={selected}
              onSelect={setSelected}
            />
          )}
        </div>
      )}
    </>
  );
}

function SegmentControls({
  label,
  value,
  onChange,
  idPrefix,
}: {
  label: string;
  value: SegmentChoice;
  onChange: (s: SegmentChoice) => void;
  idPrefix: string;
}) {
  const id = (name: string) => `heatmap-${idPrefix}-${name}`;
  const range = value.from && value.to ? 'custom' : String(value.days);
  const today = new Date().toISOString().slice(0, 10);
  return (
    <fieldset className="heatmap-segment" data-testid={`heatmap-segment-${idPrefix}`}>
      <legend>{label}</legend>
      <div className="field">
        <label htmlFor={id('range')}>Dates</label>
        <select
          id={id('range')}
          value={range}
          onChange={(e) =>
            e.target.value === 'custom'
              ? onChange({ ...value, from: value.from ?? today, to: value.to ?? today })
              : onChange({ ...value, days: Number(e.target.value), from: null, to: null })
          }
        >
          {DAY_CHOICES.map((d) => (
            <option key={d} value={d}>
              Last {d} days
            </option>
          ))}
          <option value="custom">Custom range</option>
        </select>
      </div>
      {range === 'custom' && (
        <>
          <div className="field">
            <label htmlFor={id('from')}>From</label>
            <input
              id={id('from')}
              type="date"
              value={value.from ?? ''}
              onChange={(e) => onChange({ ...value, from: e.target.value || null })}
            />
          </div>
          <div className="field">
            <label htmlFor={id('to')}>To</label>
            <input
              id={id('to')}
              type="date"
              value={value.to ?? ''}
              onChange={(e) => onChange({ ...value, to: e.target.value || null })}
            />
          </div>
        </>
      )}
      <div className="field">
        <label htmlFor={id('visitor')}>Visitors</label>
        <select
          id={id('visitor')}
          value={value.visitor ?? ''}
          disabled={value.tag !== null}
          onChange={(e) =>
            onChange({ ...value, visitor: (e.target.value || null) as SegmentChoice['visitor'] })
          }
        >
          <option value="">All</option>
          <option value="new">New</option>
          <option value="returning">Returning</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={id('referrer')}>Came from</label>
        <select
          id={id('referrer')}
          value={value.referrer ?? ''}
          disabled={value.tag !== null}
          onChange={(e) => onChange({ ...value, referrer: e.target.value || null })}
        >
          <option value="">Anywhere</option>
          {REFERRER_CLASSES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
      </div>
      <TagField
        id={id('tag')}
        value={value.tag}
        onChange={(tag) => onChange({ ...value, tag, ...(tag ? { visitor: null, referrer: null } : {}) })}
      />
    </fieldset>
  );
}

/** A tag filter, `key=value`; a tag combines with dates and device only (so it clears the others). */
function TagField({
  id,
  value,
  onChange,
}: {
  id: string;
  value: [string, string] | null;
  onChange: (t: [string, string] | null) => void;
}) {
  const [text, setText] = useState(value ? `${value[0]}=${value[1]}` : '');
  useEffect(() => setText(value ? `${value[0]}=${value[1]}` : ''), [value]);
  const commit = () => {
    const eq = text.indexOf('=');
    onChange(eq > 0 ? [text.slice(0, eq).trim(), text.slice(eq + 1).trim()] : null);
  };
  return (
    <div className="field">
      <label htmlFor={id}>Tag (key=value)</label>
      <input
        id={id}
        value={text}
        placeholder="plan=pro"
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
        }}
      />
    </div>
  );
}
