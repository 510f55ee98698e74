/** The wire form of a validation report (PutPipelineDefinition and ValidatePipelineDefinition answer with it). */
import type { ValidationReport } from '../definitions/validate';

export const reportOutput = (report: ValidationReport) => ({
  validationErrors: report.errors.map((e) => ({ id: e.id, errors: e.messages })),
  validationWarnings: report.warnings.map((w) => ({ id: w.id, warnings: w.messages })),
  errored: report.errors.length > 0,
});

/** The errors of a report in one line, for the InvalidRequestException of an activation: at most 10 of them. */
export const reportSummary = (report: ValidationReport): string => {
  const all = report.errors.flatMap((e) => e.messages.map((m) => `${e.id}: ${m}`));
  const shown = all.slice(0, 10).join(' ');
  return all.length > 10 ? `${shown} (and ${all.length - 10} more)` : shown;
};
