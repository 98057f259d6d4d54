/**
 * "@reelay/ai-providers/testing": a local server that speaks the OpenAI API (chat with
 * json_schema, speech, transcription) for process-level tests. Not for production code.
 */
export {
  apiError,
  chatCompletion,
  type OpenAiCompatibleServer,
  type RecordedRequest,
  SPEECH_SECONDS_PER_CHAR,
  type ScriptedResponse,
  startOpenAiCompatibleServer,
  toneWav,
} from './openai-compatible-server.js';
