import type { ObjectSiteScope } from '../http/siteScope.js';

/**
 * The objects routes name by id, each with how its sites are found. A route declares one of these
 * as its `site`; access control loads the object and answers 404 when it lies outside the caller's
 * sites.
 */

/** A recorded session (`:id`): the site it was recorded on. */
export const sessionObject: ObjectSiteScope = {
  object: 'session',
  param: 'id',
  async sitesOf(store, id) {
    const session = await store.recordings.get(id);
    return session ? [session.siteId] : undefined;
  },
};

/** A user (`:id`): every site for an unrestricted user, else the sites it is restricted to. */
export const userObject: ObjectSiteScope = {
  object: 'user',
  param: 'id',
  async sitesOf(store, id) {
    const user = await store.users.findById(id);
    if (!user) return undefined;
    return user.allSites ? 'all' : await store.users.siteIds(user.id);
  },
};

/** An API token (`:id`): every site for an unrestricted token, else its sites. */
export const tokenObject: ObjectSiteScope = {
  object: 'token',
  param: 'id',
  async sitesOf(store, id) {
    const token = await store.apiTokens.findById(id);
    if (!token) return undefined;
    return token.allSites ? 'all' : await store.apiTokens.siteIds(token.id);
  },
};

/** An access-anomaly alert (`:id`): its site; an alert of no site belongs to the whole instance. */
export const accessAlertObject: ObjectSiteScope = {
  object: 'alert',
  param: 'id',
  async sitesOf(store, id) {
    const alert = await store.accessAlerts.findById(id);
    if (!alert) return undefined;
    return alert.siteId === null ? 'all' : [alert.siteId];
  },
};

/** An inbox alert (`:id`): its site. */
export const inboxAlertObject: ObjectSiteScope = {
  object: 'inbox alert',
  param: 'id',
  async sitesOf(store, id) {
    const alert = await store.alerts.findById(id);
    return alert ? [alert.siteId] : undefined;
  },
};
