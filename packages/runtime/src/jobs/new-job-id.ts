import { v7 as uuidv7 } from 'uuid';

/** Time-ordered ids: sorting ids sorts jobs by creation, which listing relies on. */
export function newJobId(): string {
  return uuidv7();
}
