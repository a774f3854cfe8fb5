import { INCIDENT_FOUND_HOW, INCIDENT_KINDS, type Incident, type NewIncident } from '@veil/core';
import { type FormEvent, useMemo, useState } from 'react';
import { describeError } from '../api/ApiError';
import { useAuth } from '../auth/AuthContext';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { PageHeading } from '../components/PageHeading';
import { formatDateTime } from '../format/dateTime';
import { useResource } from '../hooks/useResource';
import { IncidentPanel } from './IncidentPanel';
import { clockIsUrgent, describeClock } from './incidentClock';
import { incidentsApi } from './incidentsApi';

const label = (value: string) => value.replaceAll('_', ' ');

/**
 * Exposure incidents of a site: what leaked and where, the GDPR 72-hour notification clock from
 * discovery, the sessions found by content and erased, and the recorded decision.
 */
export function IncidentsPage({ siteKey }: { siteKey: string }) {
  const { api } = useAuth();
  const incidents = useMemo(() => incidentsApi(api), [api]);
  const [list, reload] = useResource(`incidents/${siteKey}`, (signal) => incidents.list(siteKey, signal));
  const [open, setOpen] = useState<string | null>(null);

  return (
    <>
      <PageHeading
        title="Incidents"
        description="Something was recorded that should not have been. Record what leaked and where, find and erase the sessions holding it, and decide on notifying the authority within 72 hours of discovery (GDPR Art. 33)."
      />
      <NewIncidentForm
        onCreate={async (body) => {
          const created = await incidents.create(siteKey, body);
          reload();
          setOpen(created.id);
        }}
      />
      <section className="card compliance-card" aria-labelledby="incidents-title">
        <h2 id="incidents-title" className="card__title">
          Recorded incidents
        </h2>
        {list.status === 'loading' && <Loading label="Loading incidents…" />}
        {list.status === 'error' && (
          <ErrorNotice error={list.error} title="Could not load incidents" onRetry={reload} />
        )}
        {list.status === 'ready' && list.data.length === 0 && <p className="muted">No incident recorded.</p>}
        {list.status === 'ready' && list.data.length > 0 && (
          <div className="table-wrap">
            <table className="table table--compact" data-testid="incident-list">
              <thead>
                <tr>
                  <th scope="col">Incident</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Discovered</th>
                  <th scope="col">72-hour clock</th>
                  <th scope="col">Sessions found / erased</th>
                  <th scope="col">Decision</th>
                </tr>
              </thead>
              <tbody>
                {list.data.map((i: Incident) => (
                  <tr key={i.id} data-testid="incident-row" data-state={i.clock.state}>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        aria-expanded={open === i.id}
                        aria-controls="incident-panel"
                        onClick={() => setOpen(open === i.id ? null : i.id)}
                      >
                        {i.title}
                      </button>
                    </td>
                    <td>{label(i.kind)}</td>
                    <td>{formatDateTime(i.discoveredAt)}</td>
                    <td>
                      <span className={`badge badge--${clockIsUrgent(i.clock) ? 'warning' : 'neutral'}`}>
                        {describeClock(i.clock)}
                      </span>
                    </td>
                    <td>
                      {i.sessionsFound} / {i.sessionsErased}
                    </td>
                    <td>{i.decision ? label(i.decision.decision) : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {open !== null && (
        <IncidentPanel
          key={open}
          siteKey={siteKey}
          incidentId={open}
          incidents={incidents}
          onChange={reload}
        />
      )}
    </>
  );
}

function NewIncidentForm({ onCreate }: { onCreate: (body: NewIncident) => Promise<void> }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const v = String(form.get(name) ?? '').trim();
      return v === '' ? undefined : v;
    };
    const discovered = text('discoveredAt');
    setBusy(true);
    setError(null);
    try {
      await onCreate({
        title: text('title') ?? '',
        kind: String(form.get('kind')) as NewIncident['kind'],
        foundHow: String(form.get('foundHow')) as NewIncident['foundHow'],
        page: text('page'),
        element: text('element'),
        foundDetails: text('foundDetails'),
        discoveredAt: discovered === undefined ? undefined : new Date(discovered).getTime(),
      });
      event.currentTarget?.reset();
    } catch (e) {
      setError(describeError(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card compliance-card" aria-labelledby="new-incident-title">
      <h2 id="new-incident-title" className="card__title">
        Record an incident
      </h2>
      <p className="muted">Describe where it showed; never type the leaked value here.</p>
      <form onSubmit={submit} className="form form--grid" data-testid="incident-form">
        <div className="field">
          <label htmlFor="incident-title">Title</label>
          <input id="incident-title" name="title" required maxLength={200} />
        </div>
        <div className="field">
          <label htmlFor="incident-kind">What leaked</label>
          <select id="incident-kind" name="kind" defaultValue="personal_data">
            {INCIDENT_KINDS.map((k) => (
              <option key={k} value={k}>
                {label(k)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="incident-page">Page</label>
          <input id="incident-page" name="page" placeholder="/checkout" maxLength={500} />
        </div>
        <div className="field">
          <label htmlFor="incident-element">Element</label>
          <input
            id="incident-element"
            name="element"
            placeholder="form#vehicle input[name=vin]"
            maxLength={500}
          />
        </div>
        <div className="field">
          <label htmlFor="incident-found-how">Found how</label>
          <select id="incident-found-how" name="foundHow" defaultValue="replay_review">
            {INCIDENT_FOUND_HOW.map((k) => (
              <option key={k} value={k}>
                {label(k)}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="incident-found-details">How, in words</label>
          <input id="incident-found-details" name="foundDetails" maxLength={2000} />
        </div>
        <div className="field">
          <label htmlFor="incident-discovered">Discovered at (empty: now)</label>
          <input id="incident-discovered" name="discoveredAt" type="datetime-local" />
        </div>
        <div className="form__actions field--wide">
          <button type="submit" className="button" disabled={busy}>
            Record incident
          </button>
        </div>
        {error && (
          <p role="alert" className="notice notice--error">
            {error}
          </p>
        )}
      </form>
    </section>
  );
}
