import { type FormEvent, type ReactNode, type RefObject, useRef, useState } from 'react';
import { describeError } from '../api/ApiError';
import { useFocusAfterRender } from '../hooks/useFocusAfterRender';

/** What the last action said: a success, or the error as a sentence. */
export interface Outcome {
  ok: boolean;
  text: string;
}

/** The state behind one list's actions: busy while one runs, its outcome, the live region. */
export interface ActionOutcome {
  busy: boolean;
  message: Outcome | null;
  ref: RefObject<HTMLDivElement | null>;
  /** Shows an outcome and moves the focus to it (screen readers read it, the keyboard stays near). */
  show(outcome: Outcome): void;
  clear(): void;
  /**
   * Runs `action` (which returns the success sentence) with the list busy; the outcome, success or
   * error, takes the focus. Resolves `true` when the action succeeded.
   */
  attempt(action: () => Promise<string>): Promise<boolean>;
}

export function useActionOutcome(): ActionOutcome {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Outcome | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const focusAfterRender = useFocusAfterRender();
  const show = (outcome: Outcome) => {
    setMessage(outcome);
    focusAfterRender(() => ref.current?.focus());
  };
  const attempt = async (action: () => Promise<string>): Promise<boolean> => {
    setBusy(true);
    setMessage(null);
    try {
      show({ ok: true, text: await action() });
      return true;
    } catch (error) {
      show({ ok: false, text: describeError(error) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, message, ref, show, clear: () => setMessage(null), attempt };
}

/** The live region an action's outcome is announced in; focusable so the outcome can take focus. */
export function OutcomeRegion({ outcome, testId }: { outcome: ActionOutcome; testId: string }) {
  const { message } = outcome;
  return (
    <div aria-live="polite" ref={outcome.ref} tabIndex={-1} data-testid={testId}>
      {message && (
        <p
          className={`notice notice--${message.ok ? 'success' : 'error'}`}
          role={message.ok ? undefined : 'alert'}
        >
          {message.text}
        </p>
      )}
    </div>
  );
}

/** One column of the list's table: the first is the row's header cell. */
export interface ListColumn<T> {
  header: string;
  cell: (item: T) => ReactNode;
  className?: string;
}

/** The add-or-edit form under the list; its fields are the caller's. */
export interface ListForm {
  legend: string;
  submitLabel: string;
  /** Saves; returns the success sentence (the outcome). */
  onSubmit: () => Promise<string>;
  /** Shown while an item is edited: goes back to adding. */
  onCancel?: () => void;
  children: ReactNode;
}

export interface EditableListProps<T> {
  /**
   * Prefix of the test ids: `-table`, `-row`, `-edit`, `-remove`, `-remove-confirm`, `-form`,
   * `-save`.
   */
  testId: string;
  items: readonly T[];
  keyOf: (item: T) => string;
  /** Names the item in its buttons' accessible names ("Edit Hetzner", "Remove Hetzner"). */
  nameOf: (item: T) => string;
  columns: readonly ListColumn<T>[];
  /** Extra `data-*` attributes of an item's row. */
  rowData?: (item: T) => Record<`data-${string}`, string | boolean>;
  caption: string;
  /** The caption for screen readers only. */
  captionHidden?: boolean;
  /** Shown instead of the table when there is no item. */
  empty: ReactNode;
  outcome: ActionOutcome;
  /** Starts editing `item` in the form (the caller fills its fields and focuses the first). */
  onEdit?: (item: T) => void;
  /** Removes `item`; returns the success sentence. */
  onRemove?: (item: T) => Promise<string>;
  /** Remove asks first: a confirmation button takes the place (and the focus) of Remove. */
  confirmRemove?: boolean;
  form?: ListForm;
}

/**
 * A list that is added to, edited and removed from: a table of the items with Edit and Remove on
 * each row, and the add-or-edit form under it. Native buttons and form controls only, so every
 * action works from the keyboard; a confirmation takes the focus from the Remove it replaces, and
 * each outcome is announced in the caller's `OutcomeRegion` (which takes the focus).
 */
export function EditableList<T>(props: EditableListProps<T>) {
  const { testId, outcome, onEdit, onRemove, form } = props;
  const [confirming, setConfirming] = useState<string | null>(null);
  const actions = onEdit !== undefined || onRemove !== undefined;

  const remove = async (item: T) => {
    if (!onRemove) return;
    if (await outcome.attempt(() => onRemove(item))) setConfirming(null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!form) return;
    void outcome.attempt(form.onSubmit).then((ok) => ok && setConfirming(null));
  };

  const rowActions = (item: T) => {
    const key = props.keyOf(item);
    const name = props.nameOf(item);
    if (confirming === key)
      return (
        <span className="button-row">
          <button
            type="button"
            className="button button--small button--danger"
            data-testid={`${testId}-remove-confirm`}
            disabled={outcome.busy}
            // The confirmation replaces the button that had focus: it takes the focus.
            ref={(el) => el?.focus()}
            onClick={() => void remove(item)}
          >
            Remove {name}
          </button>
          <button
            type="button"
            className="button button--small button--ghost"
            onClick={() => setConfirming(null)}
          >
            Keep
          </button>
        </span>
      );
    return (
      <span className="button-row">
        {onEdit && (
          <button
            type="button"
            className="button button--small"
            data-testid={`${testId}-edit`}
            aria-label={`Edit ${name}`}
            onClick={() => {
              setConfirming(null);
              outcome.clear();
              onEdit(item);
            }}
          >
            Edit
          </button>
        )}
        {onRemove && (
          <button
            type="button"
            className="button button--small button--ghost"
            data-testid={`${testId}-remove`}
            aria-label={`Remove ${name}`}
            disabled={!props.confirmRemove && outcome.busy}
            onClick={() => (props.confirmRemove ? setConfirming(key) : void remove(item))}
          >
            Remove
          </button>
        )}
      </span>
    );
  };

  const [first, ...rest] = props.columns;
  return (
    <>
      {props.items.length === 0 ? (
        props.empty
      ) : (
        <div className="table-wrap">
          <table className="table table--compact" data-testid={`${testId}-table`}>
            <caption className={props.captionHidden ? 'visually-hidden' : undefined}>{props.caption}</caption>
            <thead>
              <tr>
                {props.columns.map((c) => (
                  <th scope="col" key={c.header}>
                    {c.header}
                  </th>
                ))}
                {actions && (
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {props.items.map((item) => (
                <tr key={props.keyOf(item)} data-testid={`${testId}-row`} {...props.rowData?.(item)}>
                  {first && <th scope="row">{first.cell(item)}</th>}
                  {rest.map((c) => (
                    <td key={c.header} className={c.className}>
                      {c.cell(item)}
                    </td>
                  ))}
                  {actions && <td>{rowActions(item)}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {form && (
        <form className="form form--grid" onSubmit={submit} data-testid={`${testId}-form`}>
          <fieldset className="field--wide">
            <legend>{form.legend}</legend>
            <div className="form form--grid">{form.children}</div>
          </fieldset>
          <div className="form__actions field--wide">
            <button
              type="submit"
              className="button button--primary"
              data-testid={`${testId}-save`}
              disabled={outcome.busy}
            >
              {form.submitLabel}
            </button>
            {form.onCancel && (
              <button type="button" className="button button--ghost" onClick={form.onCancel}>
                Cancel
              </button>
            )}
          </div>
        </form>
      )}
    </>
  );
}
