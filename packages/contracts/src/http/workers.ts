import { z } from 'zod';
import { WorkerHeartbeat } from '../worker-heartbeat.js';

export const WorkerListResponse = z.object({ items: z.array(WorkerHeartbeat) });
