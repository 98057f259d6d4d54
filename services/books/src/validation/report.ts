/**
 * Builds a validation report: reasons collected as a check runs, `passed` when there are
 * none. One shape for all four checks, so a failed report can be handed back to the
 * writer as feedback whichever check wrote it.
 */
import type { BookValidationReason, BookValidationReport } from '@reelay/contracts';

export class ReportBuilder {
  readonly reasons: BookValidationReason[] = [];
  readonly metrics: Record<string, number> = {};

  constructor(private readonly check: BookValidationReport['check']) {}

  fail(code: string, message: string, where?: string): void {
    this.reasons.push(where === undefined ? { code, message } : { code, message, where });
  }

  metric(name: string, value: number): void {
    this.metrics[name] = Math.round(value * 100) / 100;
  }

  build(score?: number): BookValidationReport {
    const report: BookValidationReport = {
      check: this.check,
      passed: this.reasons.length === 0,
      reasons: this.reasons,
      metrics: this.metrics,
    };
    if (score !== undefined) report.score = Math.max(0, Math.min(100, Math.round(score)));
    return report;
  }
}

/** `section 2 paragraph 3`, 1-based as a reader counts. */
export function where(section: number, paragraph?: number): string {
  return paragraph === undefined ? `section ${section + 1}` : `section ${section + 1} paragraph ${paragraph + 1}`;
}
