/**
 * The bound on the work expressions may cause in one request (docs/behaviour.md, Limits), in the manner of
 * CEL's cost budgets: every token parsed, node evaluated and list element mapped is a step, every character an
 * evaluation produces counts against a text allowance, and both are shared by all the evaluations of the
 * request. Going over either, or past the request's deadline, is an ExpressionError like any other, so each
 * caller answers it as it answers an expression that cannot be evaluated.
 */
import { ExpressionError } from './errors';

export const EVALUATION_LIMITS = {
  /** Tokens parsed + nodes evaluated + list elements mapped + pattern letters formatted, per request. */
  steps: 1_000_000,
  /** UTF-16 code units of the strings an evaluation produces (concatenations, formats, field values), per request. */
  textUnits: 1_048_576,
  /** What a function call on a DateTime in a zone other than UTC costs, in steps (Intl computes its fields). */
  zonedCallSteps: 100,
  /** Parentheses, function calls and unary minus nested in one expression. */
  nesting: 32,
  /** Fields whose expressions refer to fields with expressions, one inside the other. */
  fieldDepth: 16,
} as const;

/** How often (in steps) the clock is read against the deadline. */
const DEADLINE_CHECK_STEPS = 4096;

export class BudgetExceeded extends ExpressionError {}

export class EvaluationBudget {
  private steps = 0;
  private text = 0;
  private nextClockCheck = DEADLINE_CHECK_STEPS;
  /** Once spent, the same error is thrown again at once (making an Error takes a stack trace: not per field). */
  private spent?: BudgetExceeded;

  /** `deadline`: epoch ms (the request's), past which evaluation stops. */
  constructor(private readonly deadline?: number) {}

  step(n = 1): void {
    if (this.spent) throw this.spent;
    this.steps += n;
    if (this.steps > EVALUATION_LIMITS.steps) {
      this.fail(`the expressions of this request need more than ${EVALUATION_LIMITS.steps.toLocaleString('en-US')} evaluation steps.`);
    }
    if (this.deadline !== undefined && this.steps >= this.nextClockCheck) {
      this.nextClockCheck = this.steps + DEADLINE_CHECK_STEPS;
      if (Date.now() > this.deadline) this.fail("the request's deadline passed while its expressions were evaluated.");
    }
  }

  /** Counts a string the evaluation produced. */
  produced(units: number): void {
    if (this.spent) throw this.spent;
    this.text += units;
    if (this.text > EVALUATION_LIMITS.textUnits) {
      this.fail(`the expressions of this request produce more than ${EVALUATION_LIMITS.textUnits.toLocaleString('en-US')} characters of text.`);
    }
  }

  private fail(message: string): never {
    this.spent = new BudgetExceeded(message);
    throw this.spent;
  }
}
