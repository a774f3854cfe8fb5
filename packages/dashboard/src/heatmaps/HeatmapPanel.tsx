import type { HeatmapMode } from '@veil/core';
import { type MouseEvent, useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { useResource } from '../hooks/useResource';
import { ElementTable, elementLabel, elementRows } from './ElementTable';
import { download, exportName, toCsv } from './exportFiles';
import { HeatmapError } from './HeatmapError';
import type { AttentionHeatmap, ClickHeatmap, HeatmapApi, HeatmapQuery, ScrollHeatmap } from './heatmapApi';
import { composePng, drawHeat, drawHighlight, drawScroll } from './heatOverlay';
import {
  attentionPoints,
  type Box,
  clickPoints,
  depthReachedBy,
  type HeatPoint,
  maxWeight,
  scrollBands,
} from './heatPoints';
import { useSnapshotFrame } from './useSnapshotFrame';
import { WithheldDays } from './WithheldDays';

export interface HeatmapPanelProps {
  api: HeatmapApi;
  siteKey: string;
  page: string;
  mode: HeatmapMode;
  by: 'element' | 'page';
  query: HeatmapQuery;
  title: string;
  radius: number;
  opacity: number;
  /** The weight drawn at full intensity, shared by both sides when comparing (0: this side's own). */
  sharedMax: number;
  onMax: (max: number) => void;
  selected: string | null;
  onSelect: (path: string | null) => void;
}

type Data =
  | { kind: 'clicks'; data: ClickHeatmap }
  | { kind: 'scroll'; data: ScrollHeatmap }
  | { kind: 'attention'; data: AttentionHeatmap };

const percent = (v: number) => `${Math.round(v * 100)} %`;

/** One side of the heatmap screen: the page's layout, the overlay on it, and the element table. */
export function HeatmapPanel(props: HeatmapPanelProps) {
  const { api, siteKey, page, mode, by, query } = props;
  const endpoint = mode === 'scroll' ? 'scroll' : mode === 'attention' ? 'attention' : 'clicks';
  const queryKey = JSON.stringify([siteKey, page, endpoint, query]);
  const [data, reloadData] = useResource<Data>(queryKey, async (signal) => {
    if (endpoint === 'scroll')
      return { kind: 'scroll', data: await api.scroll(siteKey, page, query, signal) };
    if (endpoint === 'attention')
      return { kind: 'attention', data: await api.attention(siteKey, page, query, signal) };
    return { kind: 'clicks', data: await api.clicks(siteKey, page, query, signal) };
  });
  const [snapshot] = useResource(JSON.stringify([siteKey, page, query.device]), (signal) =>
    api.snapshot(siteKey, page, query.device, signal).catch((error: unknown) => {
      if ((error as { status?: number }).status === 404) return null;
      throw error;
    }),
  );
  const snap = snapshot.status === 'ready' ? snapshot.data : null;
  const mountRef = useRef<HTMLDivElement>(null);
  const frame = useSnapshotFrame(mountRef, snap);
  const heatRef = useRef<HTMLCanvasElement>(null);
  const highlightRef = useRef<HTMLCanvasElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const [stageWidth, setStageWidth] = useState(0);

  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return;
    const observer = new ResizeObserver(([entry]) => setStageWidth(entry?.contentRect.width ?? 0));
    observer.observe(stage);
    return () => observer.disconnect();
  }, []);

  const doc = frame.status === 'ready' ? frame.doc : null;
  /** Where an element sits in the rebuilt layout; null when this layout has no such element. */
  const boxOf = useCallback(
    (path: string): Box | null => {
      if (!doc) return null;
      let el: Element | null = null;
      try {
        el = doc.querySelector(path);
      } catch {
        return null;
      }
      if (!el) return null;
      const r = el.getBoundingClientRect();
      return r.width === 0 && r.height === 0
        ? null
        : { left: r.left, top: r.top, width: r.width, height: r.height };
    },
    [doc],
  );

  const d = data.status === 'ready' ? data.data : null;
  const layer = useMemo(() => {
    if (!d) return { points: [] as HeatPoint[], missing: new Set<string>() };
    if (d.kind === 'clicks') {
      const metric = mode === 'rage' ? 'rage' : mode === 'dead' ? 'dead' : 'click';
      const r = clickPoints(d.data, metric, by, boxOf);
      return { points: r.points, missing: new Set(doc ? r.missing : []) };
    }
    if (d.kind === 'attention') return { points: attentionPoints(d.data), missing: new Set<string>() };
    return { points: [] as HeatPoint[], missing: new Set<string>() };
  }, [d, mode, by, boxOf, doc]);

  const ownMax = maxWeight(layer.points);
  const { onMax } = props;
  useEffect(() => onMax(ownMax), [ownMax, onMax]);
  const max = props.sharedMax > 0 ? props.sharedMax : ownMax;

  // Draw the overlay whenever data, layout or style change.
  useEffect(() => {
    const canvas = heatRef.current;
    if (!canvas || frame.status !== 'ready') return;
    canvas.width = frame.width;
    canvas.height = frame.height;
    if (d?.kind === 'scroll') {
      drawScroll(canvas, scrollBands(d.data.reach, frame.height), d.data.averageFoldPx, props.opacity);
    } else {
      drawHeat(canvas, layer.points, { radius: props.radius, opacity: props.opacity, max });
    }
  }, [frame, d, layer, props.radius, props.opacity, max]);

  const selectedBox = props.selected ? boxOf(props.selected) : null;
  useEffect(() => {
    const canvas = highlightRef.current;
    if (!canvas || frame.status !== 'ready') return;
    canvas.width = frame.width;
    canvas.height = frame.height;
    drawHighlight(canvas, selectedBox);
  }, [frame, selectedBox]);

  const width = frame.status === 'ready' ? frame.width : (snap?.width ?? 1280);
  const height = frame.status === 'ready' ? frame.height : (snap?.height ?? 800);
  const scale = stageWidth > 0 ? Math.min(1, stageWidth / width) : 1;

  // The selected element scrolls into view inside the stage.
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage || !selectedBox) return;
    const top = selectedBox.top * scale - stage.clientHeight / 3;
    stage.scrollTo({ top: Math.max(0, top), behavior: 'smooth' });
  }, [selectedBox, scale]);

  const rows = useMemo(
    () => elementRows(mode, d?.kind === 'clicks' ? d.data : null, d?.kind === 'attention' ? d.data : null),
    [mode, d],
  );

  /** A click on the overlay selects the smallest listed element under it. */
  const pickAt = (event: MouseEvent<HTMLCanvasElement>) => {
    const rect = event.currentTarget.getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * width;
    const y = ((event.clientY - rect.top) / rect.height) * height;
    let best: { path: string; area: number } | null = null;
    for (const r of rows) {
      const b = boxOf(r.path);
      if (!b || x < b.left || x > b.left + b.width || y < b.top || y > b.top + b.height) continue;
      const area = b.width * b.height;
      if (!best || area < best.area) best = { path: r.path, area };
    }
    props.onSelect(best?.path ?? null);
  };

  const exportCsv = () => {
    const csv = toCsv(
      mode === 'attention'
        ? ['rank', 'element', 'dwell_ms', 'share', 'sessions']
        : ['rank', 'element', 'clicks', 'share', 'rage', 'dead', 'sessions'],
      rows.map((r, i) =>
        mode === 'attention'
          ? [i + 1, r.path, r.dwellMs, r.share.toFixed(4), r.sessions]
          : [i + 1, r.path, r.clicks, r.share.toFixed(4), r.rage, r.dead, r.sessions],
      ),
    );
    download(new Blob([csv], { type: 'text/csv;charset=utf-8' }), exportName(siteKey, page, mode, 'csv'));
  };

  const exportPng = () => {
    if (!doc || !heatRef.current || !highlightRef.current) return;
    const boxes: Box[] = [];
    for (const el of Array.from(doc.body?.querySelectorAll('*') ?? []).slice(0, 5_000)) {
      const r = el.getBoundingClientRect();
      if (r.width >= 4 && r.height >= 4)
        boxes.push({ left: r.left, top: r.top, width: r.width, height: r.height });
    }
    composePng(width, height, boxes, [heatRef.current, highlightRef.current]).toBlob((blob) => {
      if (blob) download(blob, exportName(siteKey, page, mode, 'png'));
    }, 'image/png');
  };

  return (
    <section className="heatmap-panel" aria-label={props.title} data-testid="heatmap-panel">
      <header className="heatmap-panel__head">
        <div>
          <h2 className="heatmap-panel__title">{props.title}</h2>
          <Summary data={d} />
        </div>
        <div className="heatmap-panel__actions">
          <button type="button" className="button button--small" onClick={exportPng} disabled={!doc}>
            Export PNG
          </button>
          <button
            type="button"
            className="button button--small"
            onClick={exportCsv}
            disabled={rows.length === 0}
          >
            Export CSV
          </button>
        </div>
      </header>
      {data.status === 'error' && (
        <HeatmapError error={data.error} title="Could not load the heatmap" onRetry={reloadData} />
      )}
      {d && <WithheldDays days={d.data.withheldDays} minCohort={d.data.minCohort} />}
      {snapshot.status === 'ready' && snap === null && (
        <p className="notice">
          No layout of this page has been recorded for this device class yet; the table still ranks its
          elements.
        </p>
      )}
      {(data.status === 'loading' || frame.status === 'building') && snap !== null && (
        <Loading label="Drawing the heatmap…" />
      )}
      {frame.status === 'error' && (
        <ErrorNotice error={frame.error} title="Could not rebuild the page layout" />
      )}
      <div
        className="heatmap-stage"
        ref={stageRef}
        hidden={snap === null}
        style={{ height: Math.min(720, Math.ceil(height * scale)) }}
      >
        <div className="heatmap-stage__sizer" style={{ width: width * scale, height: height * scale }}>
          <div className="heatmap-stage__page" style={{ width, height, transform: `scale(${scale})` }}>
            <div ref={mountRef} className="heatmap-stage__frame" />
            <canvas
              ref={heatRef}
              className="heatmap-stage__layer heatmap-stage__layer--heat"
              onClick={pickAt}
              data-testid="heatmap-overlay"
              aria-label="Heatmap overlay: choose an element in the table below to outline it"
              role="img"
            />
            <canvas ref={highlightRef} className="heatmap-stage__layer" />
          </div>
        </div>
      </div>
      {d?.kind === 'scroll' && <ScrollFacts data={d.data} />}
      {d && d.kind !== 'scroll' && (
        <ElementTable
          mode={mode}
          rows={rows}
          selected={props.selected}
          onSelect={props.onSelect}
          missing={layer.missing}
          caption={`Elements by ${mode === 'attention' ? 'dwell' : mode === 'click' ? 'clicks' : `${mode} clicks`}${
            props.selected ? `; selected: ${elementLabel(props.selected)}` : ''
          }`}
        />
      )}
    </section>
  );
}

function Summary({ data }: { data: Data | null }) {
  if (!data) return null;
  const hidden = (n: number) => (n > 0 ? ` · ${n} hidden (fewer than k = ${data.data.k} sessions)` : '');
  if (data.kind === 'clicks') {
    const t = data.data.totals;
    return (
      <p className="heatmap-panel__summary" data-testid="heatmap-summary">
        {t.sessions} sessions · {t.views} page views · {t.clicks} clicks · {t.rage} rage · {t.dead} dead
        {hidden(data.data.suppressed.elements + data.data.suppressed.cells)}
      </p>
    );
  }
  if (data.kind === 'attention') {
    return (
      <p className="heatmap-panel__summary" data-testid="heatmap-summary">
        {(data.data.totalMs / 1000).toFixed(0)} s of pointer dwell
        {hidden(data.data.suppressed.elements + data.data.suppressed.cells)}
      </p>
    );
  }
  return (
    <p className="heatmap-panel__summary" data-testid="heatmap-summary">
      {data.data.views} page views · average fold {data.data.averageFoldPx} px
      {data.data.views === 0 ? ` · fewer than k = ${data.data.k} sessions` : ''}
    </p>
  );
}

function ScrollFacts({ data }: { data: ScrollHeatmap }) {
  if (data.reach.length === 0) return null;
  return (
    <dl className="facts facts--grid heatmap-scroll-facts">
      {[0.75, 0.5, 0.25].map((share) => (
        <div key={share}>
          <dt>{percent(share)} of views reach</dt>
          <dd>{depthReachedBy(data.reach, share)} % of the page</dd>
        </div>
      ))}
      <div>
        <dt>Reach the bottom</dt>
        <dd>{percent(data.reach[100] ?? 0)}</dd>
      </div>
    </dl>
  );
}
