import { readFile } from 'node:fs/promises';
import { ErrorCode, type PublishPlatform } from '@reelay/contracts';
import { PermanentError } from '@reelay/runtime';
import { z } from 'zod';

/**
 * Platform accounts per project, from the secrets file PUBLISH_CREDENTIALS_FILE:
 * `{projects: {<project>: {youtube: {accounts: {<name>: {accessToken, refreshToken, ...}}}}}}`.
 * Validated once at start. Nothing here ever reaches a log, an event, an error or a
 * result: errors name the project, platform and account, never a value.
 */

const OAuthAccount = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  /** Overrides the platform's token endpoint (tests, proxies). */
  tokenUrl: z.url().optional(),
});
export type OAuthAccount = z.infer<typeof OAuthAccount>;

const InstagramAccount = OAuthAccount.extend({
  /** The Instagram professional account id the Graph API posts as. */
  igUserId: z.string().regex(/^\d+$/),
});
export type InstagramAccount = z.infer<typeof InstagramAccount>;

const WebhookAccount = z.object({ secret: z.string().min(16) });
export type WebhookAccount = z.infer<typeof WebhookAccount>;

const accounts = <T extends z.ZodType>(account: T) => z.object({ accounts: z.record(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/), account) });

const ProjectCredentials = z.object({
  youtube: accounts(OAuthAccount).optional(),
  tiktok: accounts(OAuthAccount).optional(),
  instagram: accounts(InstagramAccount).optional(),
  x: accounts(OAuthAccount).optional(),
  webhook: accounts(WebhookAccount).optional(),
});

export const CredentialsFile = z.object({ projects: z.record(z.string(), ProjectCredentials) });
export type CredentialsFile = z.infer<typeof CredentialsFile>;

export interface AccountsByTarget {
  youtube: OAuthAccount;
  tiktok: OAuthAccount;
  instagram: InstagramAccount;
  x: OAuthAccount;
  webhook: WebhookAccount;
}
export type CredentialTarget = PublishPlatform | 'webhook';

/** A job names an account its project does not have: no retry will help. */
export class MissingCredentialsError extends PermanentError {
  constructor(message: string) {
    super(message, { code: ErrorCode.PERMANENT });
  }
}

export class Credentials {
  private constructor(private readonly file: CredentialsFile | undefined) {}

  /** Reads and validates the file; a broken file stops the process at start, not at the first job. */
  static async load(path: string | undefined): Promise<Credentials> {
    if (!path) return new Credentials(undefined);
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(path, 'utf8'));
    } catch (err) {
      throw new Error(`PUBLISH_CREDENTIALS_FILE: cannot read ${path} as JSON (${(err as Error).message.split('\n')[0]})`);
    }
    const parsed = CredentialsFile.safeParse(raw);
    if (!parsed.success) {
      // Paths only: a zod message may quote the offending value, which may be a secret.
      const where = parsed.error.issues.map((i) => i.path.join('.')).join(', ');
      throw new Error(`PUBLISH_CREDENTIALS_FILE: ${path} is not a valid credentials file (check ${where})`);
    }
    return new Credentials(parsed.data);
  }

  account<T extends CredentialTarget>(project: string, target: T, name: string): AccountsByTarget[T] {
    if (!this.file) {
      throw new MissingCredentialsError(`no credentials: PUBLISH_CREDENTIALS_FILE is not set on this publisher`);
    }
    const entry = this.file.projects[project]?.[target]?.accounts[name];
    if (!entry) {
      throw new MissingCredentialsError(`project "${project}" has no ${target} account "${name}" in the credentials file`);
    }
    return entry as AccountsByTarget[T];
  }
}
