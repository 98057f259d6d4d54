import { z } from 'zod';
import { ProjectName } from './project.js';

/**
 * A file in the artifact store. Media moves between services by this reference, never
 * by a path on one machine.
 */
export const ArtifactRef = z.object({
  id: z.string(),
  name: z.string(),
  size: z.number().int().nonnegative(),
  contentType: z.string(),
  project: z.string(),
  createdAt: z.string(),
  sha256: z.string().optional(),
});
export type ArtifactRef = z.infer<typeof ArtifactRef>;

/** An input field that names an artifact by id. */
export const ArtifactId = z.string().regex(/^[A-Za-z0-9-]{8,64}$/, 'must be an artifact id');

/** POST /v1/artifacts?project=&name= — the file is the raw request body. */
export const ArtifactUploadQuery = z.object({ project: ProjectName.optional(), name: z.string().max(200).optional() });
export type ArtifactUploadQuery = z.infer<typeof ArtifactUploadQuery>;
