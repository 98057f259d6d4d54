import { z } from 'zod';

export const ApiScope = { write: 'jobs:write', read: 'jobs:read', admin: 'admin' } as const;
export type ApiScope = (typeof ApiScope)[keyof typeof ApiScope];

/**
 * One entry of REELAY_API_KEYS_FILE. Store `keyHash` (`sha256:<hex>`) rather than the key
 * itself; a plain `key` is accepted for development and hashed on load.
 */
export const ApiKeyEntry = z
  .object({
    name: z.string().optional(),
    key: z.string().min(16).optional(),
    keyHash: z
      .string()
      .regex(/^sha256:[0-9a-f]{64}$/)
      .optional(),
    scopes: z.array(z.enum(['jobs:write', 'jobs:read', 'admin'])).min(1),
    /** Project names, or ["*"] for all. */
    projects: z.array(z.string().min(1)).min(1),
  })
  .refine((e) => (e.key ? 1 : 0) + (e.keyHash ? 1 : 0) === 1, { message: 'give exactly one of key or keyHash' });
export type ApiKeyEntry = z.infer<typeof ApiKeyEntry>;
export const ApiKeysFile = z.array(ApiKeyEntry).min(1);
