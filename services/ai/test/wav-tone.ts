import { wavHeader } from '../src/voice/wav-header.js';

/** A real 16-bit mono PCM WAV of a sine tone: audio bytes the local speech server returns. */
export function toneWav(seconds: number, sampleRate = 24_000, hz = 220): Buffer {
  const samples = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(samples * 2);
  for (let i = 0; i < samples; i++) data.writeInt16LE(Math.round(Math.sin((2 * Math.PI * hz * i) / sampleRate) * 8000), i * 2);
  return Buffer.concat([wavHeader(data.length, sampleRate), data]);
}
