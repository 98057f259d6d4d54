import type { FastifyInstance } from 'fastify';
import { HttpError } from './http-error.js';

/**
 * JSON bodies nested deeper than this are refused before they are parsed: nothing Reelay
 * takes is nearly this deep, and a 5,000-level body would otherwise overflow the stack
 * of whatever walks it later (validation, logging, serialising) and answer 500.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The gateway's JSON parser: Fastify's own (prototype poisoning refused), behind a depth
 * check; an empty body is no body, so `POST` with `content-type: application/json` and
 * nothing in it means the same as no body at all.
 */
export function installJsonBodyParser(app: FastifyInstance<any, any, any, any, any>, maxDepth = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (text.trim() === '') return done(null, undefined);
    if (jsonDepthExceeds(text, maxDepth)) {
      return done(new HttpError('INVALID_INPUT', `JSON body nested deeper than ${maxDepth} levels`), undefined);
    }
    return parse(req, text, done);
  });
}

/** Whether the arrays and objects in `text` nest deeper than `maxDepth`; strings are skipped. */
export function jsonDepthExceeds(text: string, maxDepth: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
