/**
 * Where a session id falls in [0, 100): FNV-1a (32-bit) over its UTF-16 code units, finished with
 * MurmurHash3's 32-bit mixer so that ids differing in one character land far apart, divided by
 * 2^32. Resolution 100 / 2^32 (about 2.3e-8 of a percent), enough for any fractional percent.
 * Pure and tiny on purpose: the loader (size budget) and the server run this same function.
 */
export function sessionSamplePoint(sessionId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < sessionId.length; i++) h = Math.imul(h ^ sessionId.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (((h ^ (h >>> 16)) >>> 0) / 2 ** 32) * 100;
}

/**
 * Whether a session is in the site's sample (`samplingPercent`, 0–100): decided from the session
 * id alone, so the loader, the recorder and the server reach the same answer for the life of the
 * id, and a lower percent samples a subset of a higher one (a local `veil('config', …)` that
 * tightens sampling keeps only sessions the server also accepts). 0 (or anything not a number
 * above 0) never samples; 100 always does.
 */
export function isSessionSampled(sessionId: string, samplingPercent: number): boolean {
  return samplingPercent >= 100 || sessionSamplePoint(sessionId) < samplingPercent;
}
