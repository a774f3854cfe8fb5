import { flowGraph, type InventoryItem } from '@veil/core';
import { useMemo, useRef, useState } from 'react';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { toApiError, useResource } from '../hooks/useResource';
import { Link } from '../router/history';
import { paths } from '../router/routes';
import { exportPng, exportSvg } from './exportDiagram';
import { FlowDiagram } from './FlowDiagram';

import { inventoryApi } from './inventoryApi';

function what(item: InventoryItem): string {
  if (item.kind === 'page') return item.pagePattern;
  return [item.tag, item.name ? `name=${item.name}` : '', item.inputType ? `type=${item.inputType}` : '']
    .filter(Boolean)
    .join(' ');
}

/** A site's data inventory: the data-flow diagram (filterable by page, exported as SVG or PNG) and the review list. */
export function InventoryPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const inventory = useMemo(() => inventoryApi(api), [api]);
  const [state, reload] = useResource(`inventory/${siteKey}`, (signal) =>
    inventory.inventory(siteKey, signal),
  );
  const [page, setPage] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const svg = useRef<SVGSVGElement>(null);
  const data = state.status === 'ready' ? state.data : null;
  const graph = useMemo(() => (data ? flowGraph(data, page) : null), [data, page]);
  const pages = data ? [...new Set(data.items.map((i) => i.pagePattern))] : [];

  async function review(item: InventoryItem, act: 'approve' | 'exclude') {
    setBusy(item.id);
    setMessage(null);
    try {
      if (act === 'approve') await inventory.approve(siteKey, item.id, '');
      else await inventory.exclude(siteKey, item.id, reason, 'block');
      setMessage(`${act === 'approve' ? 'Approved' : 'Excluded'}: ${what(item)}`);
      reload();
    } catch (error) {
      setMessage(toApiError(error).message);
    } finally {
      setBusy(null);
    }
  }

  const name = `inventory-${siteKey}${page ? `-${page.replace(/[^A-Za-z0-9]+/g, '-')}` : ''}`;
  return (
    <>
      <PageHeading
        title="Data inventory"
        eyebrow={<Link to={paths.sites()}>Sites</Link>}
        description="What the recordings show of this site: every page, form field, iframe and sensitive-looking element, whether it is masked, blocked or captured, and where recordings go. Each item waits for review."
        actions={
          <Link to={paths.privacy(siteKey)} className="button button--small">
            Privacy policy
          </Link>
        }
      />
      {state.status === 'loading' && <Loading label="Loading the inventory…" />}
      {state.status === 'error' && (
        <ErrorNotice error={state.error} title="Could not load the inventory" onRetry={reload} />
      )}
      {data && graph && (
        <>
          <fieldset className="toolbar">
            <legend className="visually-hidden">Diagram</legend>
            <div className="field field--inline">
              <label htmlFor="inventory-page">Page</label>
              <select
                id="inventory-page"
                value={page ?? ''}
                onChange={(e) => setPage(e.target.value === '' ? null : e.target.value)}
              >
                <option value="">All pages</option>
                {pages.map((p) => (
                  <option key={p} value={p}>
                    {p}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="button"
              className="button button--small"
              onClick={() => svg.current && exportSvg(svg.current, name)}
            >
              Export SVG
            </button>
            <button
              type="button"
              className="button button--small"
              onClick={() => svg.current && void exportPng(svg.current, name)}
            >
              Export PNG
            </button>
          </fieldset>
          <section className="card" aria-labelledby="flow-title">
            <h2 id="flow-title" className="card__title">
              Data flow
            </h2>
            <FlowDiagram
              ref={svg}
              graph={graph}
              title={`Data flow of ${data.siteName}${page ? `, page ${page}` : ''}: pages, fields, capture, storage, retention`}
            />
          </section>
          <section className="card" aria-labelledby="items-title">
            <h2 id="items-title" className="card__title">
              Items
            </h2>
            <div className="field">
              <label htmlFor="exclude-reason">
                Reason for an exclusion (written into the policy version)
              </label>
              <input id="exclude-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
            </div>
            {message && (
              <p role="status" className="muted">
                {message}
              </p>
            )}
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Page</th>
                  <th scope="col">Item</th>
                  <th scope="col">Label</th>
                  <th scope="col">Capture</th>
                  <th scope="col">Status</th>
                  <th scope="col">Last seen</th>
                  <th scope="col">Review</th>
                </tr>
              </thead>
              <tbody>
                {data.items
                  .filter((i) => page === null || i.pagePattern === page)
                  .map((item) => (
                    <tr key={item.id} data-testid="inventory-item" data-status={item.status}>
                      <td>{item.pagePattern}</td>
                      <td>
                        {item.kind === 'page' ? 'page' : `${item.kind}: ${what(item)}`}
                        {item.sensitive && <span className="badge badge--warning"> {item.sensitive}</span>}
                      </td>
                      <td>{item.label ?? '—'}</td>
                      <td>{item.capture ?? '—'}</td>
                      <td>{item.status}</td>
                      <td>{formatDateTime(item.lastSeenAt)}</td>
                      <td>
                        {item.status === 'pending' && (
                          <button
                            type="button"
                            className="button button--small"
                            disabled={busy !== null}
                            onClick={() => void review(item, 'approve')}
                          >
                            Approve<span className="visually-hidden"> {what(item)}</span>
                          </button>
                        )}
                        {item.status !== 'excluded' && (
                          <button
                            type="button"
                            className="button button--small button--ghost"
                            disabled={busy !== null || reason.trim().length < 3}
                            onClick={() => void review(item, 'exclude')}
                          >
                            Exclude<span className="visually-hidden"> {what(item)}</span>
                          </button>
                        )}
                        {item.rule && <span className="muted small"> {item.rule}</span>}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </>
  );
}
