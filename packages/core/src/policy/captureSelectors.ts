/**
 * Markup that decides capture, Veil's own and the vendor names teams already use
 * (DESIGN.md, "vendor markup kept working"). Kept as selectors so recorder and preview agree.
 */

/** Elements not captured at all: replayed as an empty box of the same size. */
export const BLOCK_SELECTORS: readonly string[] = [
  '.veil-block',
  '[data-veil="block"]',
  '.rr-block',
  '.fs-exclude',
  '.sentry-block',
  '.ph-no-capture',
  '.inspectletIgnore',
  // Content Veil never records: embedded documents (but a same-origin iframe the policy allows,
  // `allowIframes`), drawings and media.
  'iframe',
  'frame',
  'canvas',
  'video',
  'audio',
  'object',
  'embed',
  // rrweb does not mask hidden inputs (upstream bug): never capture them.
  'input[type="hidden"]',
];

/**
 * Blocked on top of everything when a policy's block or mask selector cannot be used in the
 * visitor's browser (`usableSelectors`): form fields, since what the refused selector was meant
 * to hide is unknown.
 */
export const FAIL_CLOSED_BLOCK_SELECTORS: readonly string[] = ['input', 'textarea', 'select'];

/** Elements whose text is replaced by `*` of the same length. */
export const MASK_TEXT_SELECTORS: readonly string[] = [
  '.veil-mask',
  '[data-veil="mask"]',
  '.rr-mask',
  '.fs-mask',
  '[data-hj-suppress]',
  '[data-clarity-mask]',
  '.sentry-mask',
  '.inspectlet-sensitive',
  // Option texts are static DOM text: a masked <select> must not leak its choices.
  'option',
  'textarea',
];

/** Inputs whose values may be captured (still PII-scanned); never password inputs. */
export const UNMASK_SELECTORS: readonly string[] = [
  '.veil-unmask',
  '[data-veil="unmask"]',
  '.inspectlet-whitelist',
];

/** Input types whose value is never captured, whatever any policy or markup says. */
export const NEVER_CAPTURED_INPUT_TYPES: readonly string[] = ['password'];

/** Whether an input's `type` attribute (any case, any value) is one of `NEVER_CAPTURED_INPUT_TYPES`. */
export function isNeverCapturedInputType(type: unknown): boolean {
  return NEVER_CAPTURED_INPUT_TYPES.includes(String(type ?? '').toLowerCase());
}

/** The fixed-length replacement of every masked input value: the value's length does not leak. */
export const MASKED_INPUT_VALUE = '********';
