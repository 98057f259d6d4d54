/**
 * Motion for the offline avatar, from the voice alone: the loudness of each video frame's
 * slice of the audio picks one of four mouth shapes (closed, half, open, wide), with
 * hysteresis so a level hovering on a threshold does not make the mouth flicker, and the
 * eyes blink every few seconds. This is loudness-driven animation, not lip-sync: it knows
 * nothing of phonemes.
 */
import type { Random } from '../images/seeded-random.js';

/** 0 closed, 1 half open, 2 open, 3 wide. */
export type MouthLevel = 0 | 1 | 2 | 3;
export const MOUTH_LEVELS = [0, 1, 2, 3] as const satisfies readonly MouthLevel[];

export interface MouthThresholds {
  /** Below this (dBFS) a frame is silence and the mouth closes, however quiet the whole voice is. */
  silenceDbfs: number;
  /** dB under the voice's loud level (its 95th-percentile frame) at which levels 1, 2 and 3 start. */
  levelDb: readonly [number, number, number];
  /** How far under a level's threshold a frame must fall before the mouth leaves that level. */
  hysteresisDb: number;
}

/**
 * Tuned on flite's voices, whose speech frames sit within about 8 dB of their loud level:
 * the top 3.5 dB opens wide, the next 5 dB open, quieter syllable edges half.
 */
export const DEFAULT_MOUTH_THRESHOLDS: MouthThresholds = { silenceDbfs: -45, levelDb: [-22, -9, -3.5], hysteresisDb: 2 };

/** The floor a silent window is given, so the envelope holds no -Infinity. */
const FLOOR_DB = -100;

/** RMS level (dBFS) of each 1/fps window of 16-bit mono PCM; a last partial window counts as a frame. */
export function loudnessEnvelope(pcm: Int16Array, sampleRate: number, fps: number): number[] {
  const window = sampleRate / fps;
  const frames = Math.ceil(pcm.length / window);
  const out: number[] = [];
  for (let f = 0; f < frames; f++) {
    const start = Math.round(f * window);
    const end = Math.min(pcm.length, Math.round((f + 1) * window));
    let sum = 0;
    for (let i = start; i < end; i++) sum += (pcm[i]! / 32_768) ** 2;
    const rms = end > start ? Math.sqrt(sum / (end - start)) : 0;
    out.push(rms > 0 ? Math.max(FLOOR_DB, 20 * Math.log10(rms)) : FLOOR_DB);
  }
  return out;
}

/** A mouth level per frame: thresholds relative to the voice's own loud level, so a quiet and a loud recording move alike. */
export function mouthLevels(envelopeDb: readonly number[], t: MouthThresholds = DEFAULT_MOUTH_THRESHOLDS): MouthLevel[] {
  const voiced = envelopeDb.filter((db) => db >= t.silenceDbfs).sort((a, b) => a - b);
  if (voiced.length === 0) return envelopeDb.map(() => 0);
  const loud = voiced[Math.min(voiced.length - 1, Math.floor(voiced.length * 0.95))]!;
  const starts = [Number.NEGATIVE_INFINITY, ...t.levelDb.map((d) => loud + d)];
  let level: MouthLevel = 0;
  return envelopeDb.map((db) => {
    if (db < t.silenceDbfs) {
      level = 0;
      return level;
    }
    let raw: MouthLevel = 0;
    for (const l of MOUTH_LEVELS) if (db >= starts[l]!) raw = l;
    if (raw > level) level = raw;
    else
      while (level > raw && db < starts[level]! - t.hysteresisDb) {
        level = (level - 1) as MouthLevel;
      }
    return level;
  });
}

/** Frames with the eyes shut: a blink of `blinkFrames` every 2.5–5 s, the first after a second or so. */
export function blinkMask(frames: number, fps: number, random: Random, blinkFrames = 3): boolean[] {
  const mask = new Array<boolean>(frames).fill(false);
  for (let at = Math.round(fps * random.range(0.8, 1.6)); at < frames; at += Math.round(fps * random.range(2.5, 5))) {
    for (let i = at; i < Math.min(frames, at + blinkFrames); i++) mask[i] = true;
  }
  return mask;
}

export interface FrameRun {
  variant: string;
  frames: number;
}

/** Consecutive frames showing the same picture as one run: what the concat list holds. */
export function frameRuns(variants: readonly string[]): FrameRun[] {
  const runs: FrameRun[] = [];
  for (const variant of variants) {
    const last = runs.at(-1);
    if (last?.variant === variant) last.frames++;
    else runs.push({ variant, frames: 1 });
  }
  return runs;
}
