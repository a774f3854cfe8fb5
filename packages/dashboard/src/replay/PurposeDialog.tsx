import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { useFocusAfterRender } from '../hooks/useFocusAfterRender';
import { MAX_PURPOSE_LENGTH, normalisePurpose, PURPOSE_SUGGESTIONS, purposeProblem } from './purpose';

export interface PurposeDialogProps {
  /** What is about to be opened, e.g. "Session of 22 Nov 2025, 14:03 (desktop, 3 pages)". */
  subject: string;
  initialPurpose?: string;
  /** A problem the server reported with the last purpose. */
  serverError?: string | null;
  /** The purpose, and an optional ticket reference (empty when none). */
  onSubmit: (purpose: string, ticket: string) => void;
  /** Escape or "Cancel": leave without opening the replay. */
  onCancel: () => void;
}

/**
 * The gate of every raw replay access: a modal that asks why. Escape cancels; focus stays in the
 * dialog while it is open (native `<dialog>` modal behaviour).
 */
export function PurposeDialog({
  subject,
  initialPurpose = '',
  serverError,
  onSubmit,
  onCancel,
}: PurposeDialogProps) {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const [text, setText] = useState(initialPurpose);
  const [ticket, setTicket] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const titleId = useId();
  const helpId = useId();
  const errorId = useId();
  const shownError = problem ?? serverError ?? null;

  useEffect(() => {
    const dialog = dialogRef.current;
    if (dialog === null) return;
    if (!dialog.open) dialog.showModal();
    inputRef.current?.focus();
    return () => dialog.close();
  }, []);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const found = purposeProblem(text);
    setProblem(found);
    if (found !== null) {
      inputRef.current?.focus();
      return;
    }
    onSubmit(normalisePurpose(text), ticket.trim());
  }

  return (
    <dialog
      ref={dialogRef}
      className="dialog"
      aria-labelledby={titleId}
      aria-describedby={helpId}
      data-testid="purpose-dialog"
      onCancel={(event) => {
        // Escape: the dialog must not close by itself and leave the replay route without a purpose.
        event.preventDefault();
        onCancel();
      }}
    >
      <form onSubmit={submit} className="dialog__body" data-testid="purpose-form" noValidate>
        <h2 id={titleId} className="dialog__title">
          State the purpose of this replay
        </h2>
        <p id={helpId} className="dialog__text">
          Opening a raw replay shows what a visitor saw on screen. The access is recorded in the audit log
          with your account, the time and the purpose you give. <span className="muted">{subject}</span>
        </p>
        <div className="field">
          <label htmlFor="purpose-input">Purpose</label>
          <input
            id="purpose-input"
            ref={inputRef}
            type="text"
            autoComplete="off"
            maxLength={MAX_PURPOSE_LENGTH}
            placeholder="e.g. Investigating bug #123: checkout button unresponsive"
            value={text}
            onChange={(e) => {
              setText(e.target.value);
              if (problem !== null) setProblem(purposeProblem(e.target.value));
            }}
            aria-invalid={shownError !== null || undefined}
            aria-describedby={shownError !== null ? errorId : undefined}
            required
            data-testid="purpose-input"
          />
          {shownError !== null && (
            <p className="field__error" id={errorId} role="alert" data-testid="purpose-error">
              {shownError}
            </p>
          )}
        </div>
        <div className="field">
          <label htmlFor={`${titleId}-ticket`}>Ticket reference (optional)</label>
          <input
            id={`${titleId}-ticket`}
            maxLength={100}
            value={ticket}
            onChange={(e) => setTicket(e.target.value)}
            placeholder="SUP-1234"
            data-testid="purpose-ticket"
          />
        </div>
        <fieldset className="chips">
          <legend className="visually-hidden">Start from a template</legend>
          {PURPOSE_SUGGESTIONS.map((s) => (
            <button
              key={s}
              type="button"
              className="chip"
              onClick={() => {
                setText(s);
                setProblem(null);
                focusAfterRender(() => {
                  const input = inputRef.current;
                  input?.focus();
                  input?.setSelectionRange(s.length, s.length);
                });
              }}
            >
              {s.replace(/[\s#]+$/, '')}…
            </button>
          ))}
        </fieldset>
        <div className="dialog__actions">
          <button
            type="button"
            className="button button--ghost"
            onClick={onCancel}
            data-testid="purpose-cancel"
          >
            Cancel
          </button>
          <button type="submit" className="button button--primary" data-testid="purpose-submit">
            Open replay
          </button>
        </div>
      </form>
    </dialog>
  );
}
