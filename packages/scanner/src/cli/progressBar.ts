import type { ScanProgress } from '../scan/scanOptions.js';

/** Width of the bar itself, in characters. */
export const PROGRESS_BAR_WIDTH = 24;

const PHASE_WORDS = {
  before_consent: 'before consent',
  after_reject: 'after reject',
  after_accept: 'after accept',
} as const;

/** `[#########...............]  3/8 before consent https://…` cut to `columns`. */
export function renderProgressBar(progress: ScanProgress, columns = 100): string {
  const ratio = progress.total === 0 ? 0 : Math.min(1, progress.done / progress.total);
  const filled = Math.round(ratio * PROGRESS_BAR_WIDTH);
  const bar = `[${'#'.repeat(filled)}${'.'.repeat(PROGRESS_BAR_WIDTH - filled)}]`;
  const line = `${bar} ${progress.done}/${progress.total} ${PHASE_WORDS[progress.phase]} ${progress.url}`;
  return line.length > columns ? `${line.slice(0, Math.max(0, columns - 1))}…` : line;
}

/** Where progress goes: stderr, or a test's buffer. */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * A progress reporter for a scan: on a terminal one bar redrawn in place, otherwise (CI logs, a
 * pipe) one plain line per finished page.
 */
export function createProgressReporter(stream: ProgressStream): {
  update(progress: ScanProgress): void;
  finish(): void;
} {
  let drawn = false;
  return {
    update(progress) {
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${renderProgressBar(progress, (stream.columns ?? 100) - 1)}`);
        drawn = true;
      } else {
        stream.write(
          `scan [${progress.done}/${progress.total}] ${PHASE_WORDS[progress.phase]} ${progress.url}\n`,
        );
      }
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
