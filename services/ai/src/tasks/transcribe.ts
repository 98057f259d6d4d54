/**
 * ai.transcribe: an audio or video artifact → transcript, word timings and an SRT.
 * The input is converted by ffmpeg to what the recognizer wants (16 kHz mono), so any
 * container ffmpeg reads works with every engine.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { aiTasks, TranscribeOutput } from '@reelay/contracts';
import type { TaskHandler } from '@reelay/runtime';
import { layoutCues } from '../captions/cue-layout.js';
import { toSrt } from '../captions/subtitle-formats.js';
import { groupBySegment } from '../captions/segment-words.js';
import { probeAudio, toRecognizerAudio } from '../voice/audio-files.js';
import type { AiDeps } from './ai-deps.js';

export function transcribeHandler(deps: AiDeps): TaskHandler<(typeof aiTasks)['ai.transcribe']> {
  return async (input, ctx) => {
    const { transcriber } = deps;
    const dir = await ctx.tempDir();
    const source = path.join(dir, 'source');
    await ctx.artifacts.getToFile(input.audio, source);
    ctx.progress(10, 'converting audio');
    const audio = path.join(dir, transcriber.wants === 'flac16k' ? 'audio.flac' : 'audio.wav');
    await toRecognizerAudio(ctx, source, audio);
    const { durationSec } = await probeAudio(ctx, audio);
    ctx.progress(20, 'transcribing');
    const transcript = await transcriber.transcribe(audio, { language: input.language, prompt: input.prompt, durationSec }, ctx);
    ctx.progress(90, 'writing subtitles');
    const cues = layoutCues(groupBySegment(transcript.words, transcript.segments), { maxCharsPerLine: 32, maxLines: 2, maxCueSeconds: 3 });
    const srtPath = path.join(dir, 'transcript.srt');
    await writeFile(srtPath, toSrt(cues));
    const srt = await ctx.artifacts.putFile(srtPath, { contentType: 'application/x-subrip' });
    const out: TranscribeOutput = {
      text: transcript.text,
      language: transcript.language,
      durationSec,
      words: transcript.words,
      segments: transcript.segments,
      srt,
      provider: transcriber.provider,
    };
    if (transcriber.model) out.model = transcriber.model;
    if (transcriber.accuracyNote) out.accuracyNote = transcriber.accuracyNote;
    if (transcript.usage) out.usage = transcript.usage;
    return out;
  };
}
