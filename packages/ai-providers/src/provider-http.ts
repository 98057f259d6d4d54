/**
 * One provider endpoint over Node's fetch: base URL, auth header, timeout, rate
 * budget, a client span per request, and failures classified into typed errors. Every
 * provider client (chat, speech, transcription, ElevenLabs) sends through this, so keys
 * are added in one place and scrubbed from everything that comes back.
 */
import { inSpan, SpanKind } from '@reelay/runtime';
import { providerHttpError, providerNetworkError } from './provider-error.js';
import type { RequestBudget } from './request-budget.js';

export interface ProviderHttpOptions {
  /** Names the provider in spans, errors and rate-limit keys. */
  name: string;
  baseUrl: string;
  apiKey?: string | undefined;
  /**
   * How the key travels: `Authorization: Bearer` (OpenAI-compatible), `xi-api-key`
   * (ElevenLabs) or `Authorization: Basic <key>` with the key as the provider issued it
   * (D-ID's `API_USER:API_PASSWORD` key, sent as it is).
   */
  auth: 'bearer' | 'xi-api-key' | 'basic';
  timeoutMs: number;
  budget?: RequestBudget | undefined;
}

export interface ProviderRequest {
  path: string;
  /** Absent for a GET. */
  body?: string | FormData;
  contentType?: string;
  accept?: string;
  signal: AbortSignal;
  /**
   * Leave the rate budget alone: for status polls of work the provider is already doing,
   * so a full window never abandons a render half way (its redelivery would pay again).
   */
  outsideBudget?: boolean;
  /** Extra span attributes (model, voice…). */
  attributes?: Record<string, string | number | boolean>;
}

export class ProviderHttp {
  private readonly base: string;

  constructor(readonly options: ProviderHttpOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
  }

  get name(): string {
    return this.options.name;
  }

  /** POSTs and returns the successful response; throws a classified error otherwise. */
  post(request: ProviderRequest): Promise<Response> {
    return this.send('POST', request);
  }

  /** GETs (a status poll) and returns the successful response; throws a classified error otherwise. */
  get(request: Omit<ProviderRequest, 'body' | 'contentType'>): Promise<Response> {
    return this.send('GET', request);
  }

  private async send(method: 'GET' | 'POST', request: ProviderRequest): Promise<Response> {
    const url = new URL(this.base + request.path);
    return inSpan(
      `${this.options.name} ${method} ${url.pathname}`,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'http.request.method': method,
          'server.address': url.hostname,
          'url.path': url.pathname,
          'gen_ai.system': this.options.name,
          ...request.attributes,
        },
      },
      async (span) => {
        if (!request.outsideBudget) await this.options.budget?.take();
        const headers: Record<string, string> = {};
        if (request.contentType) headers['content-type'] = request.contentType;
        if (request.accept) headers.accept = request.accept;
        if (this.options.apiKey) {
          if (this.options.auth === 'bearer') headers.authorization = `Bearer ${this.options.apiKey}`;
          else if (this.options.auth === 'basic') headers.authorization = `Basic ${this.options.apiKey}`;
          else headers['xi-api-key'] = this.options.apiKey;
        }
        const signal = AbortSignal.any([request.signal, AbortSignal.timeout(this.options.timeoutMs)]);
        let response: Response;
        try {
          response = await fetch(url, { method, headers, body: request.body ?? null, signal });
        } catch (err) {
          // The job's own abort (cancel, soft limit) is not the provider's fault: pass its reason on.
          if (request.signal.aborted) throw request.signal.reason;
          throw providerNetworkError(this.options.name, err, this.options.timeoutMs, [this.options.apiKey]);
        }
        span.setAttribute('http.response.status_code', response.status);
        if (!response.ok) {
          const body = await response.text().catch(() => '');
          throw providerHttpError({
            provider: this.options.name,
            status: response.status,
            headers: response.headers,
            body,
            secrets: [this.options.apiKey],
          });
        }
        return response;
      },
    );
  }
}
