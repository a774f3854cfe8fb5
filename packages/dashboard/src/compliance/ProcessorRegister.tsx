import type { Processor, ProcessorInput } from '@veil/core';
import { type FormEvent, useId, useRef, useState } from 'react';
import { describeError } from '../api/ApiError';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { useResource } from '../hooks/useResource';
import type { ComplianceApi } from './complianceApi';

interface Draft {
  name: string;
  role: 'processor' | 'subprocessor';
  purpose: string;
  location: string;
  /** `YYYY-MM-DD` or empty (not signed). */
  dpaSigned: string;
  dpaReference: string;
}

const EMPTY: Draft = {
  name: '',
  role: 'processor',
  purpose: '',
  location: '',
  dpaSigned: '',
  dpaReference: '',
};

const day = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function draftOf(p: Processor): Draft {
  return {
    name: p.name,
    role: p.role,
    purpose: p.purpose,
    location: p.location,
    dpaSigned: p.dpaSignedAt === null ? '' : day(p.dpaSignedAt),
    dpaReference: p.dpaReference ?? '',
  };
}

function inputOf(d: Draft): ProcessorInput {
  return {
    name: d.name.trim(),
    role: d.role,
    purpose: d.purpose.trim(),
    location: d.location.trim(),
    dpaSignedAt: d.dpaSigned === '' ? null : Date.parse(`${d.dpaSigned}T00:00:00Z`),
    dpaReference: d.dpaReference.trim() === '' ? null : d.dpaReference.trim(),
  };
}

/**
 * The processor / DPA register of one site, editable: add, edit and remove entries (each change
 * is audited by the server as `compliance.processor_changed`). Native controls only, so every
 * action works from the keyboard; focus moves to the form when editing starts and to the outcome
 * when a change is saved. `onChanged` lets the page recompute what depends on the register (the
 * DPA checklist items).
 */
export function ProcessorRegister(props: {
  siteKey: string;
  compliance: ComplianceApi;
  onChanged: () => void;
}) {
  const { siteKey, compliance } = props;
  const id = useId();
  const [state, reload] = useResource(`processors/${siteKey}`, (signal) =>
    compliance.processors(siteKey, signal),
  );
  const [editing, setEditing] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const nameInput = useRef<HTMLInputElement>(null);
  const outcome = useRef<HTMLDivElement>(null);

  const done = (text: string) => {
    setMessage({ ok: true, text });
    setEditing(null);
    setDraft(EMPTY);
    setConfirming(null);
    reload();
    props.onChanged();
    requestAnimationFrame(() => outcome.current?.focus());
  };
  const attempt = async (action: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      done(await action());
    } catch (error) {
      setMessage({ ok: false, text: describeError(error) });
    } finally {
      setBusy(false);
    }
  };

  const save = (event: FormEvent) => {
    event.preventDefault();
    const input = inputOf(draft);
    void attempt(async () => {
      await compliance.saveProcessor(siteKey, editing, input);
      return editing === null ? `Added ${input.name} to the register.` : `Saved ${input.name}.`;
    });
  };
  const edit = (p: Processor) => {
    setEditing(p.id);
    setDraft(draftOf(p));
    setConfirming(null);
    setMessage(null);
    requestAnimationFrame(() => nameInput.current?.focus());
  };
  const cancel = () => {
    setEditing(null);
    setDraft(EMPTY);
  };
  const set = (field: keyof Draft) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [field]: e.target.value });

  const editingName = state.status === 'ready' ? state.data.find((p) => p.id === editing)?.name : undefined;
  return (
    <div className="processor-register">
      {state.status === 'loading' && <Loading label="Loading the register…" />}
      {state.status === 'error' && (
        <ErrorNotice error={state.error} title="Could not load the register" onRetry={reload} />
      )}
      {state.status === 'ready' &&
        (state.data.length === 0 ? (
          <p className="muted">The register is empty: add the processors that host or run Veil for you.</p>
        ) : (
          <div className="table-wrap">
            <table className="table table--compact" data-testid="processor-table">
              <caption>Processor register</caption>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Role</th>
                  <th scope="col">Purpose</th>
                  <th scope="col">Location</th>
                  <th scope="col">DPA signed</th>
                  <th scope="col">DPA reference</th>
                  <th scope="col">Changed</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {state.data.map((p) => (
                  <tr key={p.id} data-testid="processor-row" data-name={p.name}>
                    <th scope="row">{p.name}</th>
                    <td>{p.role}</td>
                    <td>{p.purpose}</td>
                    <td>{p.location}</td>
                    <td>{p.dpaSignedAt === null ? 'not signed' : day(p.dpaSignedAt)}</td>
                    <td>{p.dpaReference ?? '—'}</td>
                    <td className="small">
                      {day(p.updatedAt)} by {p.updatedBy}
                    </td>
                    <td>
                      {confirming === p.id ? (
                        <span className="button-row">
                          <button
                            type="button"
                            className="button button--small button--danger"
                            data-testid="processor-remove-confirm"
                            disabled={busy}
                            // The confirmation replaces the button that had focus: it takes the focus.
                            ref={(el) => el?.focus()}
                            onClick={() =>
                              attempt(async () => {
                                await compliance.removeProcessor(siteKey, p.id);
                                return `Removed ${p.name} from the register.`;
                              })
                            }
                          >
                            Remove {p.name}
                          </button>
                          <button
                            type="button"
                            className="button button--small button--ghost"
                            onClick={() => setConfirming(null)}
                          >
                            Keep
                          </button>
                        </span>
                      ) : (
                        <span className="button-row">
                          <button
                            type="button"
                            className="button button--small"
                            data-testid="processor-edit"
                            aria-label={`Edit ${p.name}`}
                            onClick={() => edit(p)}
                          >
                            Edit
                          </button>
                          <button
                            type="button"
                            className="button button--small button--ghost"
                            data-testid="processor-remove"
                            aria-label={`Remove ${p.name}`}
                            onClick={() => setConfirming(p.id)}
                          >
                            Remove
                          </button>
                        </span>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ))}
      {state.status === 'ready' && (
        <form className="form form--grid" onSubmit={save} data-testid="processor-form">
          <fieldset className="field--wide">
            <legend>{editing === null ? 'Add a processor' : `Edit ${editingName ?? 'processor'}`}</legend>
            <div className="form form--grid">
              <div className="field">
                <label htmlFor={`${id}-name`}>Name</label>
                <input
                  id={`${id}-name`}
                  ref={nameInput}
                  data-testid="processor-name"
                  required
                  maxLength={200}
                  value={draft.name}
                  onChange={set('name')}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-role`}>Role</label>
                <select
                  id={`${id}-role`}
                  data-testid="processor-role"
                  value={draft.role}
                  onChange={set('role')}
                >
                  <option value="processor">processor</option>
                  <option value="subprocessor">subprocessor</option>
                </select>
              </div>
              <div className="field field--wide">
                <label htmlFor={`${id}-purpose`}>Purpose</label>
                <input
                  id={`${id}-purpose`}
                  data-testid="processor-purpose"
                  required
                  maxLength={500}
                  value={draft.purpose}
                  onChange={set('purpose')}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-location`}>Location (country or region)</label>
                <input
                  id={`${id}-location`}
                  data-testid="processor-location"
                  required
                  maxLength={100}
                  value={draft.location}
                  onChange={set('location')}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-signed`}>DPA signed on (empty: not signed)</label>
                <input
                  id={`${id}-signed`}
                  type="date"
                  data-testid="processor-dpa-signed"
                  value={draft.dpaSigned}
                  onChange={set('dpaSigned')}
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-reference`}>Where the DPA is kept</label>
                <input
                  id={`${id}-reference`}
                  data-testid="processor-dpa-reference"
                  maxLength={300}
                  value={draft.dpaReference}
                  onChange={set('dpaReference')}
                />
              </div>
            </div>
          </fieldset>
          <div className="form__actions field--wide">
            <button
              type="submit"
              className="button button--primary"
              data-testid="processor-save"
              disabled={busy}
            >
              {editing === null ? 'Add processor' : 'Save changes'}
            </button>
            {editing !== null && (
              <button type="button" className="button button--ghost" onClick={cancel}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
      <div aria-live="polite" ref={outcome} tabIndex={-1} data-testid="processor-outcome">
        {message && (
          <p
            className={`notice notice--${message.ok ? 'success' : 'error'}`}
            role={message.ok ? undefined : 'alert'}
          >
            {message.text}
          </p>
        )}
      </div>
    </div>
  );
}
