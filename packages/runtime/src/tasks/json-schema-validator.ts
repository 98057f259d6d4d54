import type { RegisteredTask } from '@reelay/contracts';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object. */
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;

export interface SchemaIssue {
  path: string;
  message: string;
}

/**
 * Checks input against a registered task's JSON Schema (draft 2020-12, as zod generates
 * it), for task types this process has no code for. Defaults in the schema are filled
 * in, as zod would; refinements and transforms that JSON Schema cannot express are left
 * to the worker's own zod parse. Compiled validators are kept per schema hash.
 */
export class JsonSchemaValidator {
  private readonly ajv = addFormats(new Ajv2020({ allErrors: true, useDefaults: true, strict: false }));
  private readonly compiled = new Map<string, ValidateFunction>();

  /** The input (with defaults filled in) and no issues, or the issues with their paths. */
  check(task: RegisteredTask, input: unknown): { value: unknown; issues: SchemaIssue[] } {
    const key = `${task.type}@${task.schemaHash}`;
    let validate = this.compiled.get(key);
    if (!validate) {
      validate = this.ajv.compile(task.inputSchema);
      this.compiled.set(key, validate);
    }
    // Ajv fills defaults in place: validate a copy, never the caller's object.
    const value = structuredClone(input ?? {});
    if (validate(value)) return { value, issues: [] };
    const issues = (validate.errors ?? []).map((e) => {
      const missing = e.keyword === 'required' ? (e.params as { missingProperty?: string }).missingProperty : undefined;
      const segments = e.instancePath.split('/').filter(Boolean);
      if (missing) segments.push(missing);
      return { path: segments.join('.'), message: missing ? 'required' : (e.message ?? 'invalid') };
    });
    return { value, issues };
  }
}
