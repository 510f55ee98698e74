/**
 * Expressions evaluated where AWS evaluates them (docs/behaviour.md §9): in the objects PollForTask hands out,
 * in DescribeObjects with `evaluateExpressions`, and by EvaluateExpression. Each object's fields are evaluated
 * in its own context; a field whose expression cannot be evaluated there (a runtime field of a component, say,
 * or once the request's evaluation budget is spent) is shown as written.
 */
import type { Definition, Field, PipelineObject } from '../definitions/definition';
import { ExpressionError } from '../expressions/errors';
import type { Evaluation } from '../expressions/evaluate';
import { scopesOf } from '../definitions/expression-scope';

/**
 * The objects with the expressions of their string fields evaluated. `runtime`: the instances and attempts
 * among them, or that they name; `period`: the runtime fields the components among them see as their own (those
 * of the instance a task object is built for).
 */
export const evaluatedObjects = <T extends PipelineObject>(
  /** The request's evaluation: one budget for all its expressions (docs/behaviour.md, Limits). */
  evaluation: Evaluation,
  definition: Definition,
  objects: readonly T[],
  runtime: readonly PipelineObject[] = [],
  period: readonly Field[] = [],
  /** The object `node` names for these objects (the activity a precondition guards), if any. */
  nodeId?: string,
): T[] => {
  const scopes = scopesOf(definition, runtime);
  const node = nodeId === undefined ? undefined : scopes.scopeOf(nodeId, { period });
  return objects.map((o) => {
    const scope = scopes.scopeOf(o.id, { period, node });
    if (!scope || !o.fields.some((f) => f.stringValue?.includes('#{'))) return o;
    const fields = o.fields.flatMap((f): Field[] => {
      if (!f.stringValue?.includes('#{')) return [f];
      try {
        return evaluation.fieldValues(f.stringValue, scope).map((stringValue) => ({ key: f.key, stringValue }));
      } catch (err) {
        if (err instanceof ExpressionError) return [f];
        throw err;
      }
    });
    return { ...o, fields };
  });
};
