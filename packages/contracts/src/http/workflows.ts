import { z } from 'zod';
import { ArtifactId } from '../artifact.js';
import { WireError } from '../errors.js';
import { JOB_STATUSES } from '../job-record.js';
import { BookPresetBody } from '../tasks/book.js';
import { Platform } from '../tasks/media.js';
import { WORKFLOW_STATUSES, WorkflowSpec } from '../workflows.js';
import { FolderTarget, PresetRunFields, WebhookTarget } from './preset-fields.js';

/** Where the reel preset publishes: one publish.* step per target. */
export const ReelTarget = z.discriminatedUnion('type', [
  FolderTarget,
  WebhookTarget,
  z
    .object({
      type: z.literal('youtube'),
      account: z.string().optional(),
      privacyStatus: z.enum(['private', 'unlisted', 'public']).default('private'),
    })
    .strict(),
  z.object({ type: z.literal('tiktok'), account: z.string().optional() }).strict(),
  z.object({ type: z.literal('instagram'), account: z.string().optional() }).strict(),
  z.object({ type: z.literal('x'), account: z.string().optional() }).strict(),
]);
export type ReelTarget = z.input<typeof ReelTarget>;

/** The short side of a preset's video: 1080p is 1080 × 1920 upright, 480p keeps tests quick. */
export const PresetResolution = z.enum(['480p', '720p', '1080p']);
export type PresetResolution = z.infer<typeof PresetResolution>;
/** What a preset burns in: word captions (the word being said highlighted), sentence subtitles, or nothing. */
export const PresetCaptions = z.enum(['words', 'sentences', 'none']);
export type PresetCaptions = z.infer<typeof PresetCaptions>;

/**
 * What the narrated-video presets (reel and ai-video) both take: the topic and how the
 * script speaks to its audience, its length, the voice, frame size, captions, music bed
 * and thumbnails, and where the result is published. Each preset spreads this shape,
 * gives `targetSeconds` and `captions` its own defaults, and adds its own fields.
 */
const NarratedVideoPresetBase = z.object({
  topic: z.string().trim().min(3).max(500),
  targets: z.array(ReelTarget).max(20).default([]),
  ...PresetRunFields.shape,
  audience: z.string().trim().min(1).max(200).optional(),
  tone: z.enum(['friendly', 'energetic', 'informative', 'serious', 'humorous']).optional(),
  targetSeconds: z.number().int().min(10).max(600),
  voice: z
    .string()
    .regex(/^[A-Za-z0-9_+.-]{1,64}$/)
    .optional(),
  resolution: PresetResolution.default('1080p'),
  captions: PresetCaptions,
  /** A music bed (ai.music) under the voice, ducked while it speaks. */
  music: z.boolean().default(true),
  thumbnails: z.number().int().min(1).max(20).default(3),
});
const { targetSeconds, captions } = NarratedVideoPresetBase.shape;

/**
 * `{"preset":"reel", topic, targets}`: script → a picture per scene (ai.image), voice,
 * music bed (ai.music) → word captions → render (Ken Burns stills, transitions, title
 * card, outro, music ducked under the voice) → thumbnails and one optimize per platform
 * → one publish per target.
 */
export const ReelPresetBody = z
  .object({
    preset: z.literal('reel'),
    ...NarratedVideoPresetBase.shape,
    targetSeconds: targetSeconds.default(20),
    captions: captions.default('words'),
    /** Platforms to optimize for; the first one's cut is what the targets publish. */
    platforms: z.array(Platform).min(1).max(5).default(['tiktok']),
    /** One still for every scene instead of a drawn picture per scene (ai.image). */
    backgroundArtifactId: ArtifactId.optional(),
    /** The title and outro cards' colour, where they have no picture behind them. */
    colour: z
      .string()
      .regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour like #1E2A44')
      .default('#1E2A44'),
    /** The title card before the first scene and the outro after the last. */
    cards: z.boolean().default(true),
  })
  .strict();
export type ReelPresetBody = z.input<typeof ReelPresetBody>;

/**
 * `{"preset":"ai-video", topic}`: the AI video generation pipeline — script parser →
 * image generation (a picture per scene) → audio generation (narration and a music bed)
 * → animated scenes (Ken Burns motion, transitions, title and outro) → video, landscape
 * by default, published as rendered (no per-platform cut).
 */
export const AiVideoPresetBody = z
  .object({
    preset: z.literal('ai-video'),
    ...NarratedVideoPresetBase.shape,
    targetSeconds: targetSeconds.default(30),
    captions: captions.default('sentences'),
    aspect: z.enum(['16:9', '9:16', '1:1']).default('16:9'),
  })
  .strict();
export type AiVideoPresetBody = z.input<typeof AiVideoPresetBody>;

/** POST /v1/workflows: a workflow spec, or a preset that expands into one. */
export const SubmitWorkflowBody = z.union([ReelPresetBody, AiVideoPresetBody, BookPresetBody, WorkflowSpec]);
export type SubmitWorkflowBody = z.infer<typeof SubmitWorkflowBody>;

export const SubmitWorkflowResponse = z.object({
  id: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
});
export type SubmitWorkflowResponse = z.infer<typeof SubmitWorkflowResponse>;

export const WorkflowIdParams = z.object({ id: z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'not a workflow id') });

/** A step's status as a caller sees it: the record's, or its job's live status while it runs. */
export const StepViewStatus = z.enum(['waiting', 'skipped', ...JOB_STATUSES]);

export const WorkflowStepView = z.object({
  id: z.string(),
  type: z.string(),
  dependsOn: z.array(z.string()),
  status: StepViewStatus,
  jobId: z.string().optional(),
  attempts: z.number().int().nonnegative(),
  progress: z.number().min(0).max(100),
  stage: z.string().optional(),
  error: WireError.optional(),
  skippedBecause: z.string().optional(),
  /** The job's result when it is small; otherwise its size and top-level keys. */
  result: z.unknown().optional(),
  resultSummary: z.object({ bytes: z.number().int(), keys: z.array(z.string()) }).optional(),
});
export type WorkflowStepView = z.infer<typeof WorkflowStepView>;

/** GET /v1/workflows/:id. */
export const WorkflowView = z.object({
  id: z.string(),
  name: z.string().optional(),
  project: z.string(),
  status: z.enum(WORKFLOW_STATUSES),
  run: z.number().int().positive(),
  /** 0–100, each step weighing the same; a running step counts its job's progress. */
  progress: z.number().min(0).max(100),
  traceId: z.string().optional(),
  failedStep: z.string().optional(),
  steps: z.array(WorkflowStepView),
  onError: WorkflowStepView.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
  finishedAt: z.string().optional(),
});
export type WorkflowView = z.infer<typeof WorkflowView>;
