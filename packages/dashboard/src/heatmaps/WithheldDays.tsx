/**
 * The days a heatmap answer left out (`withheldDays`): days with data but fewer distinct visitors
 * than the minimum cohort in a device class of the segment, or in the rest of it. The answer is
 * made of the other days only, so the analyst is told which ones are missing and why.
 */
export function WithheldDays({ days, minCohort }: { days: readonly string[]; minCohort: number }) {
  if (days.length === 0) return null;
  const shown = days.slice(0, 10).join(', ');
  const more = days.length > 10 ? ` and ${days.length - 10} more` : '';
  return (
    <p className="notice notice--warning" role="status" data-testid="heatmap-withheld-days">
      {days.length === 1 ? '1 day is' : `${days.length} days are`} left out of this heatmap (fewer than{' '}
      {minCohort} distinct visitors that day): {shown}
      {more}.
    </p>
  );
}
