/** What renders an ai.avatar video. There is no offline one: only providers implement it. */
import type { AiMediaProvider, AiUsage } from '@reelay/contracts';
import type { JobContext } from '@reelay/runtime';

export interface LocalFile {
  path: string;
  name: string;
  contentType: string;
}

export interface AvatarRequest {
  /** Exactly one of imageFile (an artifact, downloaded) or imageUrl. */
  imageFile?: LocalFile | undefined;
  imageUrl?: string | undefined;
  /** Exactly one of text or audioFile. */
  text?: string | undefined;
  audioFile?: LocalFile | undefined;
  voice?: string | undefined;
}

export interface RenderedAvatar {
  /** The MP4 as the provider rendered it. */
  file: string;
  providerJobId: string;
  usage?: AiUsage;
}

export interface AvatarEngine {
  readonly provider: AiMediaProvider;
  readonly model?: string | undefined;
  render(request: AvatarRequest, dir: string, ctx: JobContext): Promise<RenderedAvatar>;
}
