import { z } from 'zod';
import { ProjectName } from '../project.js';

/**
 * Fields more than one workflow preset body takes — the reel and ai-video presets
 * (http/workflows.ts) and the book preset (tasks/book.ts): the run's name and project, and
 * the publish targets they have in common. One schema each, so a folder or a webhook
 * target means the same whichever preset names it. The presets' own bodies and target
 * unions are what the package exports; these are their parts.
 */

/** The run's name (the workflow's, shown in lists) and the project it runs under. */
export const PresetRunFields = z.object({
  name: z.string().min(1).max(200).optional(),
  project: ProjectName.optional(),
});

/** A `publish.folder` step: the file is written into `dir`, under one of PUBLISH_FOLDER_ROOTS. */
export const FolderTarget = z
  .object({
    type: z.literal('folder'),
    dir: z.string().min(1).max(4096),
    fileName: z.string().min(1).max(255).optional(),
    overwrite: z.boolean().default(false),
  })
  .strict();

/** A `publish.webhook` step: one signed POST to `url`; `account` names the signing secret. */
export const WebhookTarget = z
  .object({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/ }),
    account: z.string().optional(),
  })
  .strict();
