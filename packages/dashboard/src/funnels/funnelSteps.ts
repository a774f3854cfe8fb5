/** A funnel step as the dashboard asks for it: a page pattern, optionally a click on an element path. */
export interface FunnelStepInput {
  page: string;
  click?: string;
}

/** Between a step's page pattern and the element path a click step needs, on one line. */
export const CLICK_SEPARATOR = ' @ ';

/**
 * The steps typed one per line: `PATTERN` for a page, `PATTERN @ ELEMENT` for a click on an element
 * of such a page (element paths as heatmaps name them). Blank lines are skipped.
 */
export function parseFunnelSteps(text: string): FunnelStepInput[] {
  const steps: FunnelStepInput[] = [];
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    const at = trimmed.indexOf(CLICK_SEPARATOR.trim());
    if (at < 0) {
      steps.push({ page: trimmed });
      continue;
    }
    const page = trimmed.slice(0, at).trim();
    const click = trimmed.slice(at + 1).trim();
    steps.push(click === '' ? { page } : { page, click });
  }
  return steps;
}

/** The step as typed back: `PATTERN` or `PATTERN @ ELEMENT`. */
export function formatFunnelStep(step: { page: string; click?: string | null | undefined }): string {
  return step.click ? `${step.page}${CLICK_SEPARATOR}${step.click}` : step.page;
}
