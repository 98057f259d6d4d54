/** What renders an ai.avatar video: a provider (D-ID) or the offline engine (offline-avatar.ts). */
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
  /** The MP4 as the engine rendered it. */
  file: string;
  providerJobId: string;
  usage?: AiUsage;
}

export interface AvatarEngine {
  readonly provider: AiMediaProvider;
  readonly model?: string | undefined;
  render(request: AvatarRequest, dir: string, ctx: JobContext): Promise<RenderedAvatar>;
}
