/** What the ai handlers are built from; main.ts assembles it from the parsed config. */
import type { ChatClient } from '@reelay/ai-providers';
import type { Synthesizer } from '../voice/synthesizer.js';
import type { Transcriber } from '../voice/transcriber.js';

export interface AiDeps {
  /** Absent: text tasks run on their offline engines. */
  chat?: ChatClient | undefined;
  synthesizer: Synthesizer;
  transcriber: Transcriber;
}
