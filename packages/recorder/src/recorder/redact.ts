/**
 * The redaction chunk (`/r/v1/redact.js`): core's redaction walk over every event
 * (`createEventRedactor`: attributes, split text, URLs, CSS, custom payloads), the walk the server
 * repeats. `recorder.js` fetches it at start while rrweb already records; until it has arrived the
 * recorder holds every event in memory and sends or stores none (`RedactionGate`).
 */
import type { VeilWindow } from '../shared/bootContract.js';
import { createEventRedactor } from './eventRedactor.js';

try {
  (window as VeilWindow).veil?.chunk?.('redact', createEventRedactor);
} catch {
  // Never throw into the host page.
}
