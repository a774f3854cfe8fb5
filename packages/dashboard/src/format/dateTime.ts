const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'long' });
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** `22 Nov 2025, 14:03` in the viewer's locale and time zone. */
export function formatDateTime(ms: number): string {
  return dateTimeFormat.format(ms);
}

/** The unambiguous form, for `title` attributes and audit-minded readers. */
export function formatDateTimeFull(ms: number): string {
  return fullFormat.format(ms);
}

export function formatTime(ms: number): string {
  return timeFormat.format(ms);
}

/** `YYYY-MM-DD` of a time in local time, the value format of `<input type="date">`. */
export function toLocalDay(ms: number): string {
  const d = new Date(ms);
  const month = String(d.getMonth() + 1).padStart(2, '0');
  const day = String(d.getDate()).padStart(2, '0');
  return `${d.getFullYear()}-${month}-${day}`;
}

/** `just now`, `5 min ago`, `3 h ago`, `2 d ago`; `now` is injected so tests need no clock. */
export function formatRelative(ms: number, now: number): string {
  const seconds = Math.round((now - ms) / 1000);
  if (seconds < 45) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return `${Math.round(hours / 24)} d ago`;
}
