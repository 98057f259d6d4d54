import { z } from 'zod';

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
