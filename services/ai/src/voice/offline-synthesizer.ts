/**
 * The offline voices: flite (clear; its CMU voices slt, kal, awb, rms) and espeak-ng
 * (light, many languages; any other voice name goes to it). Both ship as Debian
 * packages and need no network or keys.
 *
 * Rate and pitch map to each engine's own knobs: flite's `duration_stretch` (>1 is
 * slower) and `int_f0_target_mean` (Hz), espeak-ng's words per minute and pitch 0–99.
 */
import { writeFile } from 'node:fs/promises';
import { AiProvider } from '@reelay/contracts';
import { type JobContext, PermanentError } from '@reelay/runtime';
import { runChild } from './run-child.js';
import type { Synthesizer, VoiceSettings } from './synthesizer.js';

/** flite's voices and their natural mean pitch in Hz (what `pitch: 1` keeps). */
const FLITE_VOICES: Record<string, number> = { slt: 170, kal: 105, kal16: 105, awb: 110, rms: 100, awb_time: 110 };
const ESPEAK_BASE_WPM = 175;
const ESPEAK_BASE_PITCH = 50;

export class OfflineSynthesizer implements Synthesizer {
  private espeakVoices: Promise<Set<string>> | undefined;

  constructor(readonly defaultVoice: string) {}

  providerFor(voice: string): AiProvider {
    return voice in FLITE_VOICES ? AiProvider.flite : AiProvider.espeakNg;
  }

  async synthesize(text: string, settings: VoiceSettings, outPath: string, ctx: JobContext) {
    // Text goes through a file, never argv: no length limits, no option injection.
    const textPath = `${outPath}.txt`;
    await writeFile(textPath, text);
    if (this.providerFor(settings.voice) === AiProvider.flite) {
      const baseHz = FLITE_VOICES[settings.voice]!;
      await runChild(ctx, 'flite', [
        '-voice',
        settings.voice,
        '--setf',
        `duration_stretch=${(1 / settings.rate).toFixed(3)}`,
        '--setf',
        `int_f0_target_mean=${Math.round(baseHz * settings.pitch)}`,
        '-f',
        textPath,
        '-o',
        outPath,
      ]);
    } else {
      if (!(await this.knownEspeakVoices(ctx)).has(settings.voice.split('+')[0]!.toLowerCase())) {
        throw new PermanentError(
          `unknown voice "${settings.voice}": use a flite voice (${Object.keys(FLITE_VOICES).join(', ')}) or an espeak-ng voice`,
        );
      }
      await runChild(ctx, 'espeak-ng', [
        '-v',
        settings.voice,
        '-s',
        String(Math.round(ESPEAK_BASE_WPM * settings.rate)),
        '-p',
        String(Math.min(99, Math.max(0, Math.round(ESPEAK_BASE_PITCH * settings.pitch)))),
        '-f',
        textPath,
        '-w',
        outPath,
      ]);
    }
    return {};
  }

  /** espeak-ng's languages, voice names and files (`en-us`, `english_(america)`, `gmw/en-us`, `en-us`). */
  private knownEspeakVoices(ctx: JobContext): Promise<Set<string>> {
    this.espeakVoices ??= runChild(ctx, 'espeak-ng', ['--voices']).then(({ stdout }) => {
      const names = new Set<string>();
      for (const line of stdout.split('\n').slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length < 5) continue;
        for (const name of [cols[1]!, cols[3]!, cols[4]!, cols[4]!.split('/').pop()!]) names.add(name.toLowerCase());
      }
      return names;
    });
    // A failed listing is not cached: the next job asks again.
    this.espeakVoices.catch(() => {
      this.espeakVoices = undefined;
    });
    return this.espeakVoices;
  }
}
