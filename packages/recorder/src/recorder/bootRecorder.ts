import { pageAllowed } from '@veil/core';
import type { LoaderBootContext, RecorderHandle } from '../shared/bootContract.js';
import { applyLocalConfig } from '../shared/localConfig.js';
import { parseSiteConfig } from '../shared/siteConfig.js';
import type { LoadChunk } from './loadChunk.js';
import { startRecorder } from './startRecorder.js';

/** Without the chunk loader of `recorder.js` (unit tests): parts in further chunks send nothing. */
const noChunks: LoadChunk = (name) => Promise.reject(new Error(`${name}.js: no chunk loader`));

/** What a recorder that records nothing answers (a page the local configuration excludes). */
const IDLE: RecorderHandle = { run: () => {}, stop: () => {} };

/**
 * The recorder chunk's start function, registered with the loader: checks every config field
 * the loader did not (fails closed: a malformed config records nothing), tightens the policy
 * with the page's `veil('config', …)` calls (a malformed one records nothing either), then
 * starts capture.
 */
export function bootRecorder(ctx: LoaderBootContext, loadChunk: LoadChunk = noChunks): RecorderHandle {
  const config = parseSiteConfig(ctx.config);
  if (!config) throw new Error('the site config is malformed: nothing is recorded');
  const policy = applyLocalConfig(config.policy, ctx.localConfig ?? []);
  if (!pageAllowed(location.pathname, policy.pageAllowList, policy.pageDenyList)) return IDLE;
  return startRecorder({ ...ctx, config: { ...config, policy } }, loadChunk);
}
