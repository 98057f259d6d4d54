import { z } from 'zod';

/** A project's name, as every request that names one takes it: letters, digits, - and _. */
export const ProjectName = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, - and _ only');
export type ProjectName = z.infer<typeof ProjectName>;
