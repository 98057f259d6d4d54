/** What the ai handlers are built from; main.ts assembles it from the parsed config. */
import type { ChatClient } from '@reelay/ai-providers';
import type { AvatarEngine } from '../avatar/avatar-engine.js';
import type { ImageEngine } from '../images/image-engine.js';
import type { MusicEngine } from '../music/music-engine.js';
import type { Synthesizer } from '../voice/synthesizer.js';
import type { Transcriber } from '../voice/transcriber.js';

export interface AiDeps {
  /** Absent: text tasks run on their offline engines. */
  chat?: ChatClient | undefined;
  synthesizer: Synthesizer;
  transcriber: Transcriber;
  images: ImageEngine;
  music: MusicEngine;
  /** Absent (AI_AVATAR_PROVIDER=none): ai.avatar fails with PROVIDER_NOT_CONFIGURED. */
  avatar?: AvatarEngine | undefined;
}
