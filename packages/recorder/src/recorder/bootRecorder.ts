import type { LoaderBootContext, RecorderHandle } from '../shared/bootContract.js';
import { parseSiteConfig } from '../shared/siteConfig.js';
import { startRecorder } from './startRecorder.js';

/**
 * The recorder chunk's start function, registered with the loader: checks every config field
 * the loader did not (fails closed: a malformed config records nothing), then starts capture.
 */
export function bootRecorder(ctx: LoaderBootContext): RecorderHandle {
  const config = parseSiteConfig(ctx.config);
  if (!config) throw new Error('the site config is malformed: nothing is recorded');
  return startRecorder({ ...ctx, config });
}
