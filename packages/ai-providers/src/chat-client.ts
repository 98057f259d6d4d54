/**
 * An OpenAI-compatible chat completions client (OpenAI, Ollama, vLLM, LocalAI) that
 * asks for structured output: `response_format: {type: "json_schema"}` with a schema
 * generated from the zod schema the answer must satisfy. The answer is validated by that
 * zod schema; an invalid one gets one more try, with the validation error shown to the
 * model, before the attempt fails (retryably: models are not deterministic).
 */
import { type AiUsage, ErrorCode } from '@reelay/contracts';
import { TransientError } from '@reelay/runtime';
import { z } from 'zod';
import { addUsage, type Prices, withCost } from './pricing.js';
import type { ProviderHttp } from './provider-http.js';
import type { RequestBudget } from './request-budget.js';

export interface ChatRequest<T extends z.ZodType> {
  /** Names the schema for the provider (letters, digits, _ and -). */
  name: string;
  system: string;
  user: string;
  schema: T;
  signal: AbortSignal;
  temperature?: number;
}

export interface ChatAnswer<T> {
  data: T;
  model: string;
  usage: AiUsage;
}

type Message = { role: 'system' | 'user' | 'assistant'; content: string };

const CompletionBody = z.object({
  model: z.string().optional(),
  choices: z
    .array(z.object({ message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }) }))
    .min(1),
  usage: z
    .object({
      prompt_tokens: z.number().int().nonnegative().optional(),
      completion_tokens: z.number().int().nonnegative().optional(),
      total_tokens: z.number().int().nonnegative().optional(),
    })
    .nullish(),
});

export class ChatClient {
  constructor(
    private readonly http: ProviderHttp,
    private readonly model: string,
    private readonly prices: Prices,
    private readonly budget?: RequestBudget,
  ) {}

  get providerModel(): string {
    return this.model;
  }

  async complete<T extends z.ZodType>(request: ChatRequest<T>): Promise<ChatAnswer<z.output<T>>> {
    const jsonSchema = z.toJSONSchema(request.schema, { target: 'draft-7' }) as Record<string, unknown>;
    delete jsonSchema.$schema;
    const messages: Message[] = [
      { role: 'system', content: request.system },
      { role: 'user', content: request.user },
    ];
    let usage: AiUsage | undefined;
    let model = this.model;
    for (let round = 1; round <= 2; round++) {
      const answer = await this.send(messages, jsonSchema, request);
      usage = addUsage(usage, answer.usage);
      model = answer.model;
      const checked = parseAnswer(answer.content, request.schema);
      if (checked.ok) return { data: checked.data, model, usage: withCost(usage, this.prices) };
      // One correction round: show the model its answer and what was wrong with it.
      messages.push({ role: 'assistant', content: answer.content });
      messages.push({
        role: 'user',
        content: `That reply was not valid: ${checked.problem}. Answer again with only a JSON object that matches the schema.`,
      });
    }
    throw new TransientError(`${this.http.name} returned invalid JSON for ${request.name} twice`, {
      code: ErrorCode.PROVIDER_ERROR,
      details: { usage: usage && withCost(usage, this.prices) },
    });
  }

  private async send(
    messages: Message[],
    schema: Record<string, unknown>,
    request: ChatRequest<z.ZodType>,
  ): Promise<{ content: string; model: string; usage: AiUsage }> {
    const response = await this.http.post({
      path: '/chat/completions',
      contentType: 'application/json',
      accept: 'application/json',
      signal: request.signal,
      attributes: { 'gen_ai.request.model': this.model, 'gen_ai.operation.name': 'chat' },
      body: JSON.stringify({
        model: this.model,
        messages,
        temperature: request.temperature ?? 0.7,
        response_format: { type: 'json_schema', json_schema: { name: request.name, strict: true, schema } },
      }),
    });
    const parsed = CompletionBody.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new TransientError(`${this.http.name} sent a chat completion this client cannot read`, { code: ErrorCode.PROVIDER_ERROR });
    }
    const body = parsed.data;
    const usage: AiUsage = { requests: 1 };
    if (body.usage?.prompt_tokens !== undefined) usage.promptTokens = body.usage.prompt_tokens;
    if (body.usage?.completion_tokens !== undefined) usage.completionTokens = body.usage.completion_tokens;
    if (body.usage?.total_tokens !== undefined) usage.totalTokens = body.usage.total_tokens;
    const tokens = usage.totalTokens ?? (usage.promptTokens ?? 0) + (usage.completionTokens ?? 0);
    await this.budget?.spendTokens(tokens);
    // A refusal has no content: it fails validation and gets the one correction round.
    const content = body.choices[0]!.message.content ?? '';
    return { content, model: body.model ?? this.model, usage };
  }
}

function parseAnswer<T extends z.ZodType>(content: string, schema: T): { ok: true; data: z.output<T> } | { ok: false; problem: string } {
  let json: unknown;
  try {
    // Some local servers wrap JSON in a markdown fence even in JSON mode.
    json = JSON.parse(content.replace(/^\s*```(?:json)?\s*|\s*```\s*$/g, ''));
  } catch (err) {
    return { ok: false, problem: `not JSON (${(err as Error).message})` };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, data: result.data };
  return { ok: false, problem: result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
}
