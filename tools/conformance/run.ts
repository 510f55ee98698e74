/** Runs the conformance cases one after another and reports one line per case. */
import { Case, CASES, CaseContext } from './cases';

export interface CaseResult {
  readonly id: string;
  readonly rule: string;
  /** The call the case checks: the first operation its rule names (SetTaskStatus for the wire and validation cases). */
  readonly call: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail?: string;
}

const OPERATIONS = [
  'ActivatePipeline',
  'AddTags',
  'CreatePipeline',
  'DeactivatePipeline',
  'DeletePipeline',
  'DescribeObjects',
  'DescribePipelines',
  'EvaluateExpression',
  'GetPipelineDefinition',
  'ListPipelines',
  'PollForTask',
  'PutPipelineDefinition',
  'QueryObjects',
  'RemoveTags',
  'ReportTaskProgress',
  'ReportTaskRunnerHeartbeat',
  'SetStatus',
  'SetTaskStatus',
  'ValidatePipelineDefinition',
];

/** The call a case checks, from its rule's words (the earliest operation named), else from its id. */
const callOf = (c: Case): string => {
  const named = OPERATIONS.map((op) => ({ op, at: c.rule.search(new RegExp(`\\b${op}\\b`)) }))
    .filter((x) => x.at >= 0)
    .sort((a, b) => a.at - b.at)[0];
  if (named) return named.op;
  if (/^(wire|validate|state)-/.test(c.id)) return 'SetTaskStatus';
  if (/^lifecycle-create/.test(c.id)) return 'CreatePipeline';
  if (/^lifecycle-definition|^lifecycle-real/.test(c.id)) return 'PutPipelineDefinition';
  if (/^lifecycle-(deleted|accounts)/.test(c.id)) return 'DescribePipelines';
  return c.id.startsWith('schedule-') || c.id.startsWith('run-') || c.id.startsWith('precondition-') ? 'PollForTask' : 'other';
};

/** One row per call: how many of its cases passed, failed, were skipped. */
export const perCall = (results: readonly CaseResult[]) => {
  const rows = new Map<string, { passed: number; failed: number; skipped: number }>();
  for (const r of results) {
    const row = rows.get(r.call) ?? { passed: 0, failed: 0, skipped: 0 };
    row[r.status === 'pass' ? 'passed' : r.status === 'fail' ? 'failed' : 'skipped']++;
    rows.set(r.call, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([call, counts]) => ({ call, ...counts }));
};

/** The per-call table, as aligned text. */
export const perCallTable = (results: readonly CaseResult[]): string => {
  const rows = perCall(results);
  const width = Math.max(4, ...rows.map((r) => r.call.length));
  return [
    `${'call'.padEnd(width)}  passed  failed  skipped`,
    ...rows.map((r) => `${r.call.padEnd(width)}  ${String(r.passed).padStart(6)}  ${String(r.failed).padStart(6)}  ${String(r.skipped).padStart(7)}`),
  ].join('\n');
};

const NO_TABLES = 'needs table access (--dynamodb-endpoint or --stack): it seeds its task straight into the tables';

export interface ConformanceReport {
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly results: readonly CaseResult[];
}

export const runConformance = async (
  ctx: CaseContext,
  print: (line: string) => void = () => undefined,
  cases: readonly Case[] = CASES,
): Promise<ConformanceReport> => {
  const results: CaseResult[] = [];
  for (const c of cases) {
    let result: CaseResult;
    const base = { id: c.id, rule: c.rule, call: callOf(c) };
    try {
      const out = c.needsTables && !ctx.tables ? { skip: NO_TABLES } : await c.run(ctx);
      result = out ? { ...base, status: 'skip', detail: out.skip } : { ...base, status: 'pass' };
    } catch (err) {
      result = { ...base, status: 'fail', detail: err instanceof Error ? err.message : String(err) };
    }
    results.push(result);
    print(`${result.status.toUpperCase().padEnd(4)}  ${c.id}: ${c.rule}${result.detail ? `\n      ${result.detail}` : ''}`);
  }
  const count = (s: CaseResult['status']) => results.filter((r) => r.status === s).length;
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip'), results };
};

export const summaryLine = (r: ConformanceReport): string => `conformance: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped`;
