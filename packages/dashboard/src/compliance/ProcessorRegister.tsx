import type { Processor, ProcessorInput } from '@veil/core';
import { useId, useRef, useState } from 'react';
import { EditableList, type ListColumn, OutcomeRegion, useActionOutcome } from '../components/EditableList';
import { ErrorNotice, Loading } from '../components/ErrorNotice';
import { useFocusAfterRender } from '../hooks/useFocusAfterRender';
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

const COLUMNS: readonly ListColumn<Processor>[] = [
  { header: 'Name', cell: (p) => p.name },
  { header: 'Role', cell: (p) => p.role },
  { header: 'Purpose', cell: (p) => p.purpose },
  { header: 'Location', cell: (p) => p.location },
  { header: 'DPA signed', cell: (p) => (p.dpaSignedAt === null ? 'not signed' : day(p.dpaSignedAt)) },
  { header: 'DPA reference', cell: (p) => p.dpaReference ?? '—' },
  {
    header: 'Changed',
    className: 'small',
    cell: (p) => (
      <>
        {day(p.updatedAt)} by {p.updatedBy}
      </>
    ),
  },
];

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
  const outcome = useActionOutcome();
  const nameInput = useRef<HTMLInputElement>(null);
  const focusAfterRender = useFocusAfterRender();

  /** After a saved change: back to adding, and what depends on the register is loaded again. */
  const changed = (text: string) => {
    setEditing(null);
    setDraft(EMPTY);
    reload();
    props.onChanged();
    return text;
  };
  const save = async () => {
    const input = inputOf(draft);
    await compliance.saveProcessor(siteKey, editing, input);
    return changed(editing === null ? `Added ${input.name} to the register.` : `Saved ${input.name}.`);
  };
  const edit = (p: Processor) => {
    setEditing(p.id);
    setDraft(draftOf(p));
    focusAfterRender(() => nameInput.current?.focus());
  };
  const remove = async (p: Processor) => {
    await compliance.removeProcessor(siteKey, p.id);
    return changed(`Removed ${p.name} from the register.`);
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
      {state.status === 'ready' && (
        <EditableList
          testId="processor"
          items={state.data}
          keyOf={(p) => p.id}
          nameOf={(p) => p.name}
          rowData={(p) => ({ 'data-name': p.name })}
          columns={COLUMNS}
          caption="Processor register"
          empty={
            <p className="muted">The register is empty: add the processors that host or run Veil for you.</p>
          }
          outcome={outcome}
          onEdit={edit}
          onRemove={remove}
          confirmRemove
          form={{
            legend: editing === null ? 'Add a processor' : `Edit ${editingName ?? 'processor'}`,
            submitLabel: editing === null ? 'Add processor' : 'Save changes',
            onSubmit: save,
            ...(editing === null ? {} : { onCancel: cancel }),
            children: (
              <>
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
              </>
            ),
          }}
        />
      )}
      <OutcomeRegion outcome={outcome} testId="processor-outcome" />
    </div>
  );
}
