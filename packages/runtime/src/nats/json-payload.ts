/** A message body as JSON, or undefined when it is not JSON: callers validate with zod next. */
export function jsonPayload(data: Uint8Array): unknown {
  try {
    return JSON.parse(new TextDecoder().decode(data));
  } catch {
    return undefined;
  }
}
