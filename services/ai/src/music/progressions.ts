/**
 * The offline music bed's harmony: a mood picks a key, a tempo, a chord progression and
 * an arpeggio (friendly is C major I–V–vi–IV at about 100 bpm, mysterious A minor at 70),
 * the seed picks among each mood's variants. Pitches are MIDI note numbers; nothing here
 * makes sound (synth-graph.ts does).
 */
import type { MediaMood } from '@reelay/contracts';
import type { Random } from '../images/seeded-random.js';

type Quality = 'maj' | 'min' | 'maj7' | 'min7' | 'dom7' | 'sus2';

const INTERVALS: Record<Quality, number[]> = {
  maj: [0, 4, 7],
  min: [0, 3, 7],
  maj7: [0, 4, 7, 11],
  min7: [0, 3, 7, 10],
  dom7: [0, 4, 7, 10],
  sus2: [0, 2, 7],
};
const SUFFIX: Record<Quality, string> = { maj: '', min: 'm', maj7: 'maj7', min7: 'm7', dom7: '7', sus2: 'sus2' };
const NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];

/** A chord as [semitones above the key's tonic, quality]. */
type Step = [number, Quality];

interface MoodMusic {
  tonic: number;
  mode: 'major' | 'minor';
  tempo: [number, number];
  progressions: Step[][];
  /** Arpeggio notes per beat (0: no arpeggio, pads only). */
  arpPerBeat: number[];
  /** How fast a plucked note dies away (per second). */
  decay: number;
  /** A soft kick on each beat. */
  pulse: boolean;
}

const MOODS: Record<MediaMood, MoodMusic> = {
  friendly: {
    tonic: 60,
    mode: 'major',
    tempo: [96, 108],
    progressions: [
      [
        [0, 'maj'],
        [7, 'maj'],
        [9, 'min'],
        [5, 'maj'],
      ],
      [
        [0, 'maj7'],
        [9, 'min7'],
        [5, 'maj7'],
        [7, 'maj'],
      ],
    ],
    arpPerBeat: [2],
    decay: 6,
    pulse: false,
  },
  energetic: {
    tonic: 57,
    mode: 'major',
    tempo: [120, 132],
    progressions: [
      [
        [0, 'maj'],
        [7, 'maj'],
        [9, 'min'],
        [5, 'maj'],
      ],
      [
        [9, 'min'],
        [5, 'maj'],
        [0, 'maj'],
        [7, 'maj'],
      ],
    ],
    arpPerBeat: [4, 2],
    decay: 9,
    pulse: true,
  },
  informative: {
    tonic: 62,
    mode: 'major',
    tempo: [92, 100],
    progressions: [
      [
        [0, 'maj'],
        [9, 'min'],
        [5, 'maj'],
        [7, 'maj'],
      ],
      [
        [0, 'sus2'],
        [5, 'maj'],
        [9, 'min'],
        [7, 'maj'],
      ],
    ],
    arpPerBeat: [2],
    decay: 7,
    pulse: false,
  },
  serious: {
    tonic: 62,
    mode: 'minor',
    tempo: [80, 88],
    progressions: [
      [
        [0, 'min'],
        [8, 'maj'],
        [3, 'maj'],
        [10, 'maj'],
      ],
      [
        [0, 'min7'],
        [5, 'min7'],
        [8, 'maj7'],
        [7, 'min'],
      ],
    ],
    arpPerBeat: [2, 1],
    decay: 4,
    pulse: false,
  },
  humorous: {
    tonic: 67,
    mode: 'major',
    tempo: [112, 122],
    progressions: [
      [
        [0, 'maj'],
        [5, 'maj'],
        [7, 'dom7'],
        [5, 'maj'],
      ],
      [
        [0, 'maj'],
        [9, 'min'],
        [2, 'min'],
        [7, 'dom7'],
      ],
    ],
    arpPerBeat: [2],
    decay: 12,
    pulse: true,
  },
  calm: {
    tonic: 65,
    mode: 'major',
    tempo: [66, 76],
    progressions: [
      [
        [0, 'maj7'],
        [5, 'maj7'],
      ],
      [
        [0, 'maj7'],
        [9, 'min7'],
        [5, 'maj7'],
        [5, 'maj7'],
      ],
    ],
    arpPerBeat: [1],
    decay: 2.5,
    pulse: false,
  },
  dramatic: {
    tonic: 60,
    mode: 'minor',
    tempo: [72, 80],
    progressions: [
      [
        [0, 'min'],
        [8, 'maj'],
        [5, 'min'],
        [7, 'maj'],
      ],
      [
        [0, 'min'],
        [10, 'maj'],
        [8, 'maj'],
        [7, 'dom7'],
      ],
    ],
    arpPerBeat: [2],
    decay: 3,
    pulse: true,
  },
  mysterious: {
    tonic: 57,
    mode: 'minor',
    tempo: [66, 74],
    progressions: [
      [
        [0, 'min'],
        [5, 'min'],
        [8, 'maj'],
        [7, 'min'],
      ],
      [
        [0, 'min7'],
        [8, 'maj7'],
        [3, 'maj'],
        [7, 'min7'],
      ],
    ],
    arpPerBeat: [1, 2],
    decay: 2,
    pulse: false,
  },
};

export interface Arrangement {
  tempoBpm: number;
  /** "A minor". */
  key: string;
  /** Chord symbols in order, one a bar. */
  chords: string[];
  /** Per chord: its tones as MIDI notes, low to high (3 or 4). */
  voicings: number[][];
  /** Arpeggio notes per beat; 0 for none. */
  arpPerBeat: number;
  /** Indices into a voicing (plus octaves) the arpeggio walks through. */
  arpPattern: number[];
  decay: number;
  pulse: boolean;
}

export function arrange(mood: MediaMood, random: Random, tempoBpm?: number): Arrangement {
  const m = MOODS[mood];
  const progression = random.pick(m.progressions);
  const voicings = progression.map(([offset, quality]) => {
    // Keep roots near the tonic: a fifth above becomes a fourth below, voice-leading smoothly.
    const root = m.tonic + (offset > 6 ? offset - 12 : offset);
    return INTERVALS[quality].map((i) => root + i);
  });
  const patterns = [
    [0, 1, 2, 3],
    [0, 2, 1, 3],
    [0, 1, 2, 3, 2, 1],
    [0, 2, 3, 1],
  ];
  return {
    tempoBpm: tempoBpm ?? random.int(m.tempo[0], m.tempo[1]),
    key: `${NAMES[m.tonic % 12]} ${m.mode}`,
    chords: progression.map(([offset, quality]) => NAMES[(m.tonic + offset) % 12]! + SUFFIX[quality]),
    voicings,
    arpPerBeat: random.pick(m.arpPerBeat),
    arpPattern: random.pick(patterns),
    decay: m.decay,
    pulse: m.pulse,
  };
}

export function frequency(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}
