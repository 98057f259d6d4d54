import type { Ffmpeg } from '../ffmpeg/ffmpeg-runner.js';
import type { MediaCapabilities } from '../gpu/media-capabilities.js';

/** What media handlers share, built once in main.ts from the parsed config. */
export interface MediaDeps {
  ffmpeg: Ffmpeg;
  caps: MediaCapabilities;
  download: {
    /** Loopback, link-local and private addresses allowed (tests, on-prem sources). */
    allowPrivate: boolean;
    maxBytes: number;
  };
}
