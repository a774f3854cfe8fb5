/**
 * The planted-PII corpus end to end in Chromium (`test/privacy/corpusSuite.ts`): every position of
 * `plantedCases` plus the browser-only ones (same-origin and srcdoc iframes, CSS `url()` queries and
 * `content:` strings, `veil('tag', …)` values, late shadow-root text), recorded by Veil's recorder,
 * by raw rrweb (the server alone), and under "mask all text". Zero planted values in requests,
 * stored events, the log, or any byte of the data directory.
 */

import { corpusSuite } from '../privacy/corpusSuite.js';
import { browserCases, plantedCases, SERVER_PENDING_POSITIONS } from '../privacy/plantedPii.js';

const browser = browserCases();

corpusSuite({
  veilCases: [...plantedCases(), ...browser],
  // CSS in the server's own pass is pending (privacy-split-text.test.ts runs it).
  rawCases: [...plantedCases(), ...browser.filter((c) => !SERVER_PENDING_POSITIONS.has(c.position))],
  maskAll: true,
});
