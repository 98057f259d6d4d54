import type { PublishPlatform } from '@reelay/contracts';
import type { Logger } from '@reelay/runtime';
import type { AccountsByTarget } from '../credentials.js';
import type { PlatformHttp } from '../platform-http.js';
import type { PublicationHandle } from '../publications.js';
import type { DescribeFault } from '../provider-errors.js';

/** The video, downloaded from the artifact store into the attempt's temp dir. */
export interface VideoFile {
  path: string;
  size: number;
  contentType: string;
  name: string;
}

/** What one attempt gives an adapter: the record to resume from and save to, and its HTTP. */
export interface UploadJob<I> {
  input: I;
  artifactId: string;
  /** The platform account's credentials (for ids such as Instagram's ig-user-id; tokens live in `http`). */
  account: AccountsByTarget[PublishPlatform];
  /** Absent for adapters that let the platform fetch the video (Instagram). */
  file: VideoFile | undefined;
  publication: PublicationHandle;
  http: PlatformHttp;
  signal: AbortSignal;
  progress(percent: number, stage: string): void;
  log: Logger;
}

/**
 * One platform's upload protocol. `publish` must call `publication.save()` before its
 * first remote call and again as soon as the platform names the upload, and must resume
 * from `publication.session` when an earlier attempt left one.
 */
export interface VideoPlatform<I, O> {
  platform: PublishPlatform;
  /** Whether the handler downloads the artifact first (false: the platform pulls a link). */
  needsFile: boolean;
  /** Pulls the platform's own message out of an error body. */
  describe: DescribeFault;
  publish(job: UploadJob<I>): Promise<O>;
}
