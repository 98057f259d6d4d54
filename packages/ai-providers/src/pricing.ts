/**
 * What a provider call cost, from prices the operator configures (providers report
 * usage, not money). No price configured means no cost is recorded, rather than a guess.
 */
import type { AiUsage } from '@reelay/contracts';

export interface Prices {
  inputPer1MTokensUsd?: number | undefined;
  outputPer1MTokensUsd?: number | undefined;
  per1MCharactersUsd?: number | undefined;
  perAudioMinuteUsd?: number | undefined;
}

export function withCost(usage: AiUsage, prices: Prices): AiUsage {
  let cost = 0;
  let priced = false;
  if (prices.inputPer1MTokensUsd !== undefined && usage.promptTokens !== undefined) {
    cost += (usage.promptTokens / 1e6) * prices.inputPer1MTokensUsd;
    priced = true;
  }
  if (prices.outputPer1MTokensUsd !== undefined && usage.completionTokens !== undefined) {
    cost += (usage.completionTokens / 1e6) * prices.outputPer1MTokensUsd;
    priced = true;
  }
  if (prices.per1MCharactersUsd !== undefined && usage.characters !== undefined) {
    cost += (usage.characters / 1e6) * prices.per1MCharactersUsd;
    priced = true;
  }
  if (prices.perAudioMinuteUsd !== undefined && usage.audioSeconds !== undefined) {
    cost += (usage.audioSeconds / 60) * prices.perAudioMinuteUsd;
    priced = true;
  }
  // Micro-dollars: enough for per-request costs without float noise in the record.
  return priced ? { ...usage, costUsd: Math.round(cost * 1e6) / 1e6 } : usage;
}

/** Sums the usage of several requests made for one job. */
export function addUsage(a: AiUsage | undefined, b: AiUsage): AiUsage {
  if (!a) return b;
  const sum = (x?: number, y?: number) => (x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0));
  const out: AiUsage = { requests: a.requests + b.requests };
  const keys = ['promptTokens', 'completionTokens', 'totalTokens', 'characters', 'audioSeconds'] as const;
  for (const key of keys) {
    const value = sum(a[key], b[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}
