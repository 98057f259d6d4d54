import type { Handler } from '@reelay/runtime';
import { downloadHandler } from './download.js';
import type { MediaDeps } from './media-deps.js';
import { optimizeHandler } from './optimize.js';
import { probeHandler } from './probe.js';
import { renderHandler } from './render.js';
import { thumbnailsHandler } from './thumbnails.js';
import { transcodeHandler } from './transcode.js';

/** Every task type this service serves, by catalogue name. */
export function mediaHandlers(deps: MediaDeps): Record<string, Handler> {
  return {
    'media.probe': probeHandler(deps),
    'media.transcode': transcodeHandler(deps),
    'media.thumbnails': thumbnailsHandler(deps),
    'media.render': renderHandler(deps),
    'media.optimize': optimizeHandler(deps),
    'media.download': downloadHandler(deps),
  };
}
