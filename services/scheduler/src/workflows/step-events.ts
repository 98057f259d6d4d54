/**
 * The engine reads every job event, and most belong to no workflow. A record names its
 * workflow in a top-level `workflowId`, which JSON.stringify writes as exactly these
 * bytes, and leaves out when unset. So an event whose bytes lack them is no step's: it is
 * acked without being decoded, parsed or validated. One that has them (a step's, or a job
 * whose input happens to say "workflowId") is parsed, and the parse decides.
 */
const WORKFLOW_ID_KEY = Buffer.from('"workflowId"');

export function mayBeStepEvent(data: Uint8Array): boolean {
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength).includes(WORKFLOW_ID_KEY);
}

/** An event's or a record's bytes as JSON; undefined for malformed bytes, which are acked and dropped, never allowed to stop a loop. */
export function parseJson(data: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8'));
  } catch {
    return undefined;
  }
}
