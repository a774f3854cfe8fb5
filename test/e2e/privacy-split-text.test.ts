/**
 * The planted-PII corpus for text split across elements in five shapes (spans, nested inline
 * elements, card groups in spans, a comment between the halves, the second half added later) and
 * the server's own pass over CSS, end to end in Chromium (`test/privacy/corpusSuite.ts`). These
 * need detection over adjacent inline content and CSS in core's shared redaction walk.
 */

import { corpusSuite } from '../privacy/corpusSuite.js';
import { browserCases, SERVER_PENDING_POSITIONS, splitTextCases } from '../privacy/plantedPii.js';

const split = splitTextCases();

corpusSuite({
  veilCases: split,
  rawCases: [...split, ...browserCases().filter((c) => SERVER_PENDING_POSITIONS.has(c.position))],
});
