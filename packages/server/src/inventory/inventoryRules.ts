import { type PrivacyPolicy, SHADOW_PATH_SEPARATOR } from '@veil/core';
import { VeilError } from '../errors/VeilError.js';
import type { InventoryItemRecord } from '../storage/inventory/InventoryRepository.js';

/** `"…"` inside a CSS attribute selector. */
function cssString(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\n\r\f]/g, ' ')}"`;
}

/**
 * The CSS selector that names an inventory element in the page: by its `name` (stable across
 * layouts), else its `id`, else its element path. Throws when none can be written (an element
 * inside a shadow tree without name or id).
 */
export function selectorFor(item: InventoryItemRecord): string {
  const tag = item.tag ?? '*';
  if (item.name !== null) return `${tag}[name=${cssString(item.name)}]`;
  if (item.elementId !== null) return `${tag}[id=${cssString(item.elementId)}]`;
  if (item.path !== '' && !item.path.includes(SHADOW_PATH_SEPARATOR.trim())) return item.path;
  throw new VeilError(
    'validation_failed',
    'this element has no name, id or usable path: add a block or mask rule to the policy by hand',
  );
}

/** An exclusion as a policy change: the policy with the rule, and the rule in words. */
export interface ExclusionRule {
  policy: PrivacyPolicy;
  /** `blockSelectors: input[name="ssn"]`, `pageDenyList: /clinic/referral.html`. */
  rule: string;
  /** False when the policy holds the rule already (no new version is needed). */
  changes: boolean;
}

/**
 * What excluding an item writes: a page goes on the page deny list (never recorded); an element
 * gets a block rule (not captured at all) or a mask rule (text and value masked).
 */
export function exclusionRule(
  policy: PrivacyPolicy,
  item: InventoryItemRecord,
  action: 'block' | 'mask',
): ExclusionRule {
  if (item.kind === 'page') {
    if (action !== 'block')
      throw new VeilError('validation_failed', 'a page is excluded by blocking it (the page deny list)');
    const changes = !policy.pageDenyList.includes(item.pagePattern);
    return {
      policy: changes ? { ...policy, pageDenyList: [...policy.pageDenyList, item.pagePattern] } : policy,
      rule: `pageDenyList: ${item.pagePattern}`,
      changes,
    };
  }
  const selector = selectorFor(item);
  const list = action === 'block' ? 'blockSelectors' : 'maskTextSelectors';
  const changes = !policy[list].includes(selector);
  return {
    policy: changes ? { ...policy, [list]: [...policy[list], selector] } : policy,
    rule: `${list}: ${selector}`,
    changes,
  };
}
