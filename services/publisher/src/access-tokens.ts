import { ProviderError } from './provider-errors.js';
import type { OAuthAccount } from './credentials.js';
import type { PlatformHttp } from './platform-http.js';

/**
 * The access token of one platform account in this process, refreshed with the OAuth 2
 * refresh_token grant when the platform answers 401. The refreshed token is kept in
 * memory for later jobs; the secrets file stays read-only (each replica refreshes on its
 * own, which the platforms allow).
 */
export class AccessToken {
  private token: string;
  private refreshing: Promise<string> | undefined;

  constructor(
    private readonly platform: string,
    private readonly account: OAuthAccount,
    private readonly tokenUrl: string | undefined,
    /** TikTok names the client `client_key`; everyone else `client_id`. */
    private readonly clientParam: 'client_id' | 'client_key' = 'client_id',
  ) {
    this.token = account.accessToken;
  }

  get current(): string {
    return this.token;
  }

  get canRefresh(): boolean {
    return Boolean(this.account.refreshToken && (this.account.tokenUrl ?? this.tokenUrl));
  }

  /** One refresh at a time: concurrent jobs on the same account share it. */
  refresh(http: PlatformHttp, rejected: string): Promise<string> {
    if (this.token !== rejected) return Promise.resolve(this.token);
    this.refreshing ??= this.exchange(http).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async exchange(http: PlatformHttp): Promise<string> {
    const url = this.account.tokenUrl ?? this.tokenUrl;
    if (!url || !this.account.refreshToken) throw new ProviderError(this.platform, 401, 'access token rejected and no refresh token');
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: this.account.refreshToken });
    if (this.account.clientId) form.set(this.clientParam, this.account.clientId);
    if (this.account.clientSecret) form.set('client_secret', this.account.clientSecret);
    const res = await http.send({ method: 'POST', url, form, auth: false });
    const body = (await res.json()) as { access_token?: unknown };
    if (typeof body.access_token !== 'string' || body.access_token.length === 0) {
      throw new ProviderError(this.platform, res.status, 'token endpoint answered without an access_token');
    }
    this.token = body.access_token;
    return this.token;
  }
}

/** One AccessToken per (project, platform, account) for the life of the process. */
export class AccessTokens {
  private readonly tokens = new Map<string, AccessToken>();

  constructor(private readonly tokenUrls: Partial<Record<string, string>>) {}

  for(project: string, platform: string, name: string, account: OAuthAccount): AccessToken {
    const key = `${project}\u0000${platform}\u0000${name}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = new AccessToken(platform, account, this.tokenUrls[platform], platform === 'tiktok' ? 'client_key' : 'client_id');
      this.tokens.set(key, token);
    }
    return token;
  }
}
