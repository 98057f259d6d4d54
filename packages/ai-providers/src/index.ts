/**
 * @reelay/ai-providers — the provider clients more than one service needs: the
 * OpenAI-compatible chat client (json_schema structured output), the HTTP transport every
 * provider client sends through (auth, timeout, spans, typed errors, key scrubbing), the
 * error classification, pricing and the shared request budget. Not here: clients only one
 * service uses (speech, transcription stay in services/ai). The local OpenAI-compatible
 * server for tests is behind "@reelay/ai-providers/testing".
 */
export { type ChatAnswer, ChatClient, type ChatRequest } from './chat-client.js';
export { addUsage, type Prices, withCost } from './pricing.js';
export { type ProviderFailure, providerHttpError, providerNetworkError, retryAfter, scrub } from './provider-error.js';
export { ProviderHttp, type ProviderHttpOptions, type ProviderRequest } from './provider-http.js';
export { RequestBudget, type RequestBudgetLimits } from './request-budget.js';
