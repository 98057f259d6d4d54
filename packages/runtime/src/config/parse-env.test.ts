import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors.js';
import { parseEnv } from './parse-env.js';
import { RuntimeEnv } from './runtime-config.js';

describe('environment parsing', () => {
  it('fills defaults when nothing is set', () => {
    const cfg = parseEnv(RuntimeEnv, {});
    expect(cfg.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(cfg.ACK_WAIT_MS).toBe(30_000);
    expect(cfg.QUEUE_ROUTES).toEqual({});
  });
  it('names every bad variable in one error', () => {
    try {
      parseEnv(RuntimeEnv, { ACK_WAIT_MS: 'soon', LOG_LEVEL: 'loud', QUEUE_ROUTES: '{nope' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      const problems = (err as ConfigError).problems.join('\n');
      expect(problems).toMatch(/ACK_WAIT_MS/);
      expect(problems).toMatch(/LOG_LEVEL/);
      expect(problems).toMatch(/QUEUE_ROUTES: must be a JSON object/);
    }
  });
  it('never echoes a secret back in the message', () => {
    const schema = z.object({ API_TOKEN: z.string().min(40) });
    expect(() => parseEnv(schema, { API_TOKEN: 'short-secret' })).toThrow(/API_TOKEN.*\(hidden\)/);
  });
  it('reads routes as a task → queue map', () => {
    expect(parseEnv(RuntimeEnv, { QUEUE_ROUTES: '{"media.thumbnails":"preview"}' }).QUEUE_ROUTES).toEqual({
      'media.thumbnails': 'preview',
    });
  });
});
