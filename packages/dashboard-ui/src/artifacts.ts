/** The artifacts a job's result mentions: every object shaped like an ArtifactRef, anywhere in it. */
export interface FoundArtifact {
  id: string;
  name: string;
  contentType: string;
  size: number;
}

export function findArtifacts(value: unknown, out: FoundArtifact[] = [], depth = 0): FoundArtifact[] {
  if (depth > 8 || value === null || typeof value !== 'object') return out;
  if (Array.isArray(value)) {
    for (const v of value) findArtifacts(v, out, depth + 1);
    return out;
  }
  const o = value as Record<string, unknown>;
  if (typeof o.id === 'string' && typeof o.contentType === 'string' && typeof o.size === 'number') {
    if (!out.some((a) => a.id === o.id)) {
      out.push({ id: o.id, name: typeof o.name === 'string' ? o.name : o.id, contentType: o.contentType, size: o.size });
    }
    return out;
  }
  for (const v of Object.values(o)) findArtifacts(v, out, depth + 1);
  return out;
}
