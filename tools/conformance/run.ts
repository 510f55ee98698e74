/** Runs the conformance cases one after another and reports one line per case. */
import { Case, CASES, CaseContext } from './cases';

export interface CaseResult {
  readonly id: string;
  readonly rule: string;
  readonly status: 'pass' | 'fail' | 'skip';
  readonly detail?: string;
}

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
    try {
      const out = await c.run(ctx);
      result = out ? { id: c.id, rule: c.rule, status: 'skip', detail: out.skip } : { id: c.id, rule: c.rule, status: 'pass' };
    } catch (err) {
      result = { id: c.id, rule: c.rule, status: 'fail', detail: err instanceof Error ? err.message : String(err) };
    }
    results.push(result);
    print(`${result.status.toUpperCase().padEnd(4)}  ${c.id}: ${c.rule}${result.detail ? `\n      ${result.detail}` : ''}`);
  }
  const count = (s: CaseResult['status']) => results.filter((r) => r.status === s).length;
  return { passed: count('pass'), failed: count('fail'), skipped: count('skip'), results };
};

export const summaryLine = (r: ConformanceReport): string =>
  `conformance: ${r.passed} passed, ${r.failed} failed${r.skipped ? `, ${r.skipped} skipped` : ''}`;
