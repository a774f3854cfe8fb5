import type { AlertDelivery } from '@veil/core';
import { useId } from 'react';
import { ErrorNotice } from '../components/ErrorNotice';
import { formatDateTime } from '../format/dateTime';
import type { Resource } from '../hooks/useResource';

/** The delivery log of a site's sinks: each notification's status, attempts and the receiver's last answer. */
export function AlertDeliveryLog({
  deliveries,
  reload,
}: {
  deliveries: Resource<AlertDelivery[]>;
  reload: () => void;
}) {
  const id = useId();
  return (
    <section className="card" aria-labelledby={`${id}-log`}>
      <h2 id={`${id}-log`} className="card__title">
        Delivery log
      </h2>
      <button
        type="button"
        className="button button--small"
        data-testid="deliveries-refresh"
        onClick={reload}
      >
        Refresh
      </button>
      {deliveries.status === 'error' && (
        <ErrorNotice error={deliveries.error} title="Could not load the log" onRetry={reload} />
      )}
      {deliveries.status === 'ready' &&
        (deliveries.data.length === 0 ? (
          <p className="muted">Nothing sent yet.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--compact" data-testid="delivery-table">
              <thead>
                <tr>
                  <th scope="col">Queued</th>
                  <th scope="col">Sink</th>
                  <th scope="col">What</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                  <th scope="col">Last answer</th>
                  <th scope="col">Delivered</th>
                </tr>
              </thead>
              <tbody>
                {deliveries.data.map((d) => (
                  <tr
                    key={d.id}
                    data-testid="delivery-row"
                    data-status={d.status}
                    data-sink={d.sinkName ?? ''}
                  >
                    <td>{formatDateTime(d.createdAt)}</td>
                    <td>{d.sinkName ?? 'a removed sink'}</td>
                    <td>{d.kind === 'digest' ? `digest of ${d.digestAlertIds.length}` : 'alert'}</td>
                    <td>{d.status}</td>
                    <td>{d.attempts}</td>
                    <td>{d.lastError ?? d.lastResponse ?? '—'}</td>
                    <td>{d.deliveredAt === null ? '—' : formatDateTime(d.deliveredAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
    </section>
  );
}
