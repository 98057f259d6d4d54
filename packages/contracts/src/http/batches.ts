import { z } from 'zod';
import { JOB_STATUSES } from '../job-record.js';
import { SubmitJobBody } from './jobs.js';

export const SubmitBatchBody = z.object({ items: z.array(SubmitJobBody).min(1).max(1000) }).strict();
export type SubmitBatchBody = z.infer<typeof SubmitBatchBody>;

export const SubmitBatchResponse = z.object({ id: z.string(), jobIds: z.array(z.string()) });
export type SubmitBatchResponse = z.infer<typeof SubmitBatchResponse>;

export const BatchView = z.object({
  id: z.string(),
  project: z.string(),
  createdAt: z.string(),
  total: z.number().int(),
  counts: z.record(z.enum(JOB_STATUSES), z.number().int()),
  /** True once every job has finished. */
  done: z.boolean(),
  jobIds: z.array(z.string()),
});
export type BatchView = z.infer<typeof BatchView>;
