import type { Principal, SiteScope } from '../auth/principal.js';
import { VeilError } from '../errors/VeilError.js';
import type { Store } from '../storage/Store.js';

/** The sites an object belongs to: these site ids, or `'all'` for an object of the whole instance. */
export type ObjectSites = 'all' | readonly string[];

/**
 * A route that acts on one object named by a path parameter: the object is loaded before the
 * handler runs and must lie wholly inside the caller's sites, else 404 as if it did not exist.
 */
export interface ObjectSiteScope {
  /** What the parameter names, for the 404 message ("no such session"). */
  readonly object: string;
  /** The path parameter holding the object's id. */
  readonly param: string;
  /** The object's sites, or `undefined` when there is no such object. */
  sitesOf(store: Store, id: string): Promise<ObjectSites | undefined>;
}

/**
 * How a route finds the site of what it touches. Every non-public route declares one (the server
 * refuses to start otherwise) and access control enforces it before the body is read:
 * - `'siteKey'`: the `:siteKey` path parameter names the site; another site's key answers 404.
 * - an {@link ObjectSiteScope}: the object named by a path parameter (a session, a user, a token…)
 *   is loaded; an object of another site answers 404.
 * - `'filtered'`: a list across sites; the handler returns only objects inside the caller's sites
 *   (the site dimension of the access matrix proves it for each such route).
 * - `'body'`: the body names the sites (a new user's or token's sites, an opt-out's site); the
 *   handler checks each against the caller's (the delegation rules): another site's key answers
 *   404 exactly like a key no site has.
 * - `'allSites'`: the route spans every site at once (the audit chain) or adds a site (a new site
 *   is outside every restricted caller's sites); a caller restricted to some sites is refused
 *   with 403.
 * - `'global'`: no object of any site (the caller's own account, instance documents).
 */
export type RouteSiteScope = 'siteKey' | 'filtered' | 'body' | 'allSites' | 'global' | ObjectSiteScope;

export const SITE_SCOPE_KINDS = ['siteKey', 'filtered', 'body', 'allSites', 'global'] as const;

export function isObjectSiteScope(value: unknown): value is ObjectSiteScope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Partial<ObjectSiteScope>;
  return typeof v.object === 'string' && typeof v.param === 'string' && typeof v.sitesOf === 'function';
}

export function isRouteSiteScope(value: unknown): value is RouteSiteScope {
  return (SITE_SCOPE_KINDS as readonly unknown[]).includes(value) || isObjectSiteScope(value);
}

/** A short name of the rule, for the route table and the OpenAPI document. */
export function siteScopeName(scope: RouteSiteScope): string {
  return typeof scope === 'string' ? scope : `object:${scope.object}`;
}

/**
 * Why a declaration does not fit its URL, or `undefined` when it does: a `:siteKey` route must
 * declare `siteKey`, a `siteKey` route must have the parameter, an object scope its parameter.
 */
export function siteScopeMismatch(url: string, scope: RouteSiteScope): string | undefined {
  const hasSiteKey = url.includes('/:siteKey');
  if (hasSiteKey && scope !== 'siteKey') return 'has a :siteKey parameter but does not declare site: siteKey';
  if (scope === 'siteKey' && !hasSiteKey) return 'declares site: siteKey without a :siteKey parameter';
  if (isObjectSiteScope(scope) && !new RegExp(`/:${scope.param}(/|$)`).test(url))
    return `declares its ${scope.object} by :${scope.param}, which the URL lacks`;
  return undefined;
}

/** True when every site of the object is one the caller may see. */
export function sitesWithin(caller: SiteScope, object: ObjectSites): boolean {
  if (caller === 'all') return true;
  if (object === 'all') return false;
  return object.every((id) => caller.includes(id));
}

/** Enforces a route's site scope for an authenticated caller; throws 404 (or 403 for `allSites`). */
export async function enforceSiteScope(
  scope: RouteSiteScope,
  principal: Principal,
  params: Record<string, unknown>,
  store: Store,
): Promise<void> {
  if (scope === 'siteKey') {
    const siteKey = params.siteKey;
    if (typeof siteKey !== 'string' || principal.sites === 'all') return;
    const site = await store.sites.findByKey(siteKey);
    if (!site || !principal.sites.includes(site.id)) throw new VeilError('not_found', 'no site has this key');
    return;
  }
  if (scope === 'allSites') {
    if (principal.sites !== 'all')
      throw new VeilError(
        'forbidden',
        'this covers every site (or adds one); a site-restricted caller cannot use it',
      );
    return;
  }
  if (!isObjectSiteScope(scope)) return;
  const id = params[scope.param];
  if (typeof id !== 'string') throw new VeilError('not_found', `no such ${scope.object}`);
  const sites = await scope.sitesOf(store, id);
  if (sites === undefined || !sitesWithin(principal.sites, sites))
    throw new VeilError('not_found', `no such ${scope.object}`);
}
