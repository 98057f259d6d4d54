/**
 * An arrangement → one ffmpeg `aevalsrc` expression per stereo channel: a pad (the
 * chord's tones as sines, a slow swell per bar, the right channel detuned a few cents for
 * width), a plucked arpeggio an octave up, a bass note on each beat and, for the moods
 * that want one, a soft kick. Every note starts from silence (a few-millisecond attack)
 * and pads fade out at the bar line, so changing pitch never clicks. ffmpeg's expression
 * registers hold the running values: 0 chord index, 1–4 chord tones (Hz), 5 time into the
 * bar, 6 arpeggio pitch, 7 time into the arpeggio note, 8 time into the beat.
 */
import { type Arrangement, frequency } from './progressions.js';

/** The expression is evaluated per sample: synthesise at this rate, resample after. */
export const SYNTH_SAMPLE_RATE = 24_000;

export function synthExpressions(a: Arrangement): [string, string] {
  const beat = 60 / a.tempoBpm;
  const bar = beat * 4;
  const chords = a.voicings.map((v) => {
    const tones = v.slice(0, 4).map(frequency);
    // Triads get the root an octave up as a fourth voice.
    while (tones.length < 4) tones.push(frequency(v[0]!) * 2);
    return tones;
  });
  // A value chosen by a register: if(eq(r,0),v0,if(eq(r,1),v1,…,vN)).
  const pick = (values: string[], register: string) =>
    values.reduceRight<string>((rest, value, i) => (i === values.length - 1 ? value : `if(eq(${register},${i}),${value},${rest})`), '');
  const head = [
    `st(0,mod(floor(t/${f(bar)}),${chords.length}))`,
    ...[0, 1, 2, 3].map(
      (k) =>
        `st(${k + 1},${pick(
          chords.map((c) => f(c[k]!)),
          'ld(0)',
        )})`,
    ),
    `st(5,mod(t,${f(bar)}))`,
    `st(8,mod(t,${f(beat)}))`,
  ];
  const swell = Math.min(0.6, bar / 4);
  const padEnv = `min(1,ld(5)/${f(swell)})*min(1,(${f(bar)}-ld(5))/${f(swell)})`;
  const pad = (detune: number) => `0.085*${padEnv}*(${[1, 2, 3, 4].map((k) => `sin(2*PI*ld(${k})*${f(detune)}*t)`).join('+')})`;
  const bass = `0.2*min(1,ld(8)/0.01)*exp(-2.5*ld(8))*sin(PI*ld(1)*t)`;
  const kick = a.pulse ? `+0.3*exp(-9*ld(8))*sin(2*PI*(48*ld(8)+2.5*(1-exp(-30*ld(8)))))` : '';
  let arp = '';
  if (a.arpPerBeat > 0) {
    const step = beat / a.arpPerBeat;
    const pattern = a.arpPattern;
    head.push(
      `st(6,2*${pick(
        pattern.map((i) => `ld(${i + 1})`),
        `mod(floor(t/${f(step)}),${pattern.length})`,
      )})`,
    );
    head.push(`st(7,mod(t,${f(step)}))`);
    arp = `+0.16*min(1,ld(7)/0.004)*exp(-${f(a.decay)}*ld(7))*(sin(2*PI*ld(6)*t)+0.3*sin(4*PI*ld(6)*t))`;
  }
  const left = `${head.join(';')};${pad(1)}+${bass}${kick}${arp}`;
  const right = `${head.join(';')};${pad(1.0035)}+${bass}${kick}${arp.replace('+0.16*', '+0.12*')}`;
  return [left, right];
}

function f(v: number): string {
  return String(Math.round(v * 10_000) / 10_000);
}
