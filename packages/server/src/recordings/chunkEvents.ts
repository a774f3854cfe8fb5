/**
 * The events JSON array of a decompressed chunk: chunks the server compressed hold the array,
 * chunks kept as the client sent them (ingest/clientChunk.ts) hold the whole batch object, events last.
 */
export function chunkEventsJson(text: string): string {
  if (text.trimStart().startsWith('[')) return text;
  const batch = JSON.parse(text) as { events?: unknown };
  if (!Array.isArray(batch.events)) throw new Error('the chunk holds no event array');
  return JSON.stringify(batch.events);
}

/** The events of a decompressed chunk, either form (`chunkEventsJson`). */
export function chunkEvents<T>(text: string): T[] {
  const parsed = JSON.parse(text) as unknown;
  if (Array.isArray(parsed)) return parsed as T[];
  const events = (parsed as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) throw new Error('the chunk holds no event array');
  return events as T[];
}
