import { describeError } from '../api/ApiError';

export interface ErrorNoticeProps {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  /** `data-testid` of the notice. */
  testId?: string;
}

export function ErrorNotice({ error, title = 'Could not load this', onRetry, testId }: ErrorNoticeProps) {
  return (
    <div className="notice notice--error" role="alert" data-testid={testId}>
      <div>
        <p className="notice__title">{title}</p>
        <p className="notice__body">{describeError(error)}</p>
      </div>
      {onRetry && (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}
