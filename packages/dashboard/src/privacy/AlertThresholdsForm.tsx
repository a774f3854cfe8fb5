import { type AlertPolicy, alertPolicySchema } from '@veil/core';
import { type FormEvent, useEffect, useId, useRef, useState } from 'react';

/** The policy's alert limits that are numbers (docs/alerts.md, "Policy as code"). */
export type AlertThreshold = 'maxPerSinkPerHour' | 'restrictedRegionSpikePerHour' | 'consentRateDropPoints';

const FIELDS: readonly { key: AlertThreshold; label: string; hint: string; step: string }[] = [
  {
    key: 'restrictedRegionSpikePerHour',
    label: 'Restricted-region spike: drops per UTC hour',
    hint: 'More batches from restricted regions dropped within one clock hour raise restricted_region_spike (1 to 10,000,000).',
    step: '1',
  },
  {
    key: 'consentRateDropPoints',
    label: 'Consent-rate drop: percentage points',
    hint: "A larger fall of the last 24 h's opt-in rate below the 7 days before raises consent_rate_drop (1 to 100).",
    step: 'any',
  },
  {
    key: 'maxPerSinkPerHour',
    label: 'Notifications per sink per hour',
    hint: 'Alerts past it wait and go out together as one digest (1 to 1,000).',
    step: '1',
  },
];

type Values = Record<AlertThreshold, string>;
type Problems = Partial<Record<AlertThreshold, string>>;

/** The thresholds of a policy draft, or null when the draft is not a policy-shaped JSON object. */
export function thresholdsOf(text: string): Values | null {
  try {
    const parsed: unknown = JSON.parse(text);
    const alerts = (parsed as { alerts?: Partial<Record<AlertThreshold, unknown>> } | null)?.alerts;
    if (typeof alerts !== 'object' || alerts === null) return null;
    const value = (k: AlertThreshold) => (alerts[k] === undefined ? '' : String(alerts[k]));
    return {
      maxPerSinkPerHour: value('maxPerSinkPerHour'),
      restrictedRegionSpikePerHour: value('restrictedRegionSpikePerHour'),
      consentRateDropPoints: value('consentRateDropPoints'),
    };
  } catch {
    return null;
  }
}

/**
 * Checks each field with the policy's own schema (`alertPolicySchema`, the one the server
 * enforces): the numbers, or the message of each field that fails.
 */
export function checkThresholds(
  values: Values,
): { ok: true; thresholds: Pick<AlertPolicy, AlertThreshold> } | { ok: false; problems: Problems } {
  const problems: Problems = {};
  const numbers: Partial<Record<AlertThreshold, number>> = {};
  for (const { key } of FIELDS) {
    const raw = values[key].trim();
    const result = alertPolicySchema.shape[key].safeParse(raw === '' ? Number.NaN : Number(raw));
    if (result.success) numbers[key] = result.data;
    else
      problems[key] = raw === '' ? 'A number is required.' : (result.error.issues[0]?.message ?? 'Invalid.');
  }
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, thresholds: numbers as Pick<AlertPolicy, AlertThreshold> };
}

/**
 * The alert thresholds of the policy draft as fields: applying writes them into the draft (and
 * the editor then shows the diff and asks for a reason), so they are published like every other
 * field, as a new policy version.
 */
export function AlertThresholdsForm({
  text,
  disabled,
  onApply,
}: {
  text: string;
  disabled: boolean;
  onApply: (thresholds: Pick<AlertPolicy, AlertThreshold>) => void;
}) {
  const id = useId();
  const source = thresholdsOf(text);
  const sourceKey = source ? JSON.stringify(source) : '';
  const [values, setValues] = useState<Values | null>(source);
  const [problems, setProblems] = useState<Problems>({});
  const inputs = useRef<Partial<Record<AlertThreshold, HTMLInputElement | null>>>({});

  // The JSON editor is the other way to change these: follow it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: sourceKey stands for source
  useEffect(() => {
    setValues(source);
    setProblems({});
  }, [sourceKey]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!values || disabled) return;
    const checked = checkThresholds(values);
    if (!checked.ok) {
      setProblems(checked.problems);
      const first = FIELDS.find((f) => checked.problems[f.key]);
      if (first) inputs.current[first.key]?.focus();
      return;
    }
    setProblems({});
    onApply(checked.thresholds);
  };

  return (
    <form className="form" onSubmit={submit} noValidate data-testid="alert-thresholds">
      <fieldset>
        <legend>Alert thresholds</legend>
        {values === null ? (
          <p className="muted small" data-testid="alert-thresholds-unavailable">
            The draft above is not valid policy JSON; fix it to edit the thresholds here.
          </p>
        ) : (
          FIELDS.map((f) => {
            const problem = problems[f.key];
            return (
              <div className="field" key={f.key}>
                <label htmlFor={`${id}-${f.key}`}>{f.label}</label>
                <input
                  id={`${id}-${f.key}`}
                  ref={(el) => {
                    inputs.current[f.key] = el;
                  }}
                  data-testid={`threshold-${f.key}`}
                  type="number"
                  inputMode="decimal"
                  step={f.step}
                  value={values[f.key]}
                  aria-invalid={problem ? true : undefined}
                  aria-describedby={`${id}-${f.key}-hint${problem ? ` ${id}-${f.key}-problem` : ''}`}
                  onChange={(e) => setValues({ ...values, [f.key]: e.target.value })}
                />
                <span id={`${id}-${f.key}-hint`} className="muted small">
                  {f.hint}
                </span>
                {problem && (
                  <span
                    id={`${id}-${f.key}-problem`}
                    className="notice notice--error small"
                    role="alert"
                    data-testid={`threshold-${f.key}-problem`}
                  >
                    {problem}
                  </span>
                )}
              </div>
            );
          })
        )}
      </fieldset>
      <div className="toolbar">
        <button
          type="submit"
          className="button"
          disabled={values === null}
          data-testid="alert-thresholds-apply"
        >
          Review threshold changes
        </button>
      </div>
    </form>
  );
}
