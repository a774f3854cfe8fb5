import type { ApiError } from '../api/ApiError';
import { ErrorNotice } from '../components/ErrorNotice';

/**
 * A failed heatmap load. A refusal for a too small cohort (`cohort_too_small`) is said as such:
 * it is the privacy rule at work, not a fault, and trying again does not help; widening does.
 */
export function HeatmapError({
  error,
  title,
  onRetry,
}: {
  error: ApiError;
  title: string;
  onRetry?: () => void;
}) {
  if (error.code === 'cohort_too_small')
    return (
      <div className="notice notice--warning" role="status" data-testid="heatmap-cohort-refused">
        <div>
          <p className="notice__title">Too few visitors to show a heatmap</p>
          <p className="notice__body">
            So that no heatmap singles anyone out, Veil builds one only from whole days on which every device
            class had enough distinct visitors, in the segment and outside it; no day in this period did (
            {error.message}). Choose a longer period, fewer device classes or a wider segment.
          </p>
        </div>
      </div>
    );
  return <ErrorNotice error={error} title={title} {...(onRetry ? { onRetry } : {})} />;
}
