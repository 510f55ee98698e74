/**
 * EvaluateExpression: a string with `#{...}` expressions, evaluated in the context of an object of the
 * pipeline (a component of the definition shown, or an instance or attempt of its runs). An id that names no
 * object is TaskNotFoundException (runners ask about the attempt they hold); an expression that cannot be
 * evaluated there is InvalidRequestException, saying why.
 */
import { ExpressionError } from '../expressions/errors';
import { Evaluation } from '../expressions/evaluate';
import { referrerOf } from '../definitions/activity-settings';
import { scopesOf } from '../definitions/expression-scope';
import { Inheritance } from '../definitions/inheritance';
import { required, SHAPES, structure } from '../model/shapes';
import { modeledError } from './errors';
import type { Operation, OperationResult, RequestContext } from './operation';
import { invalidRequest, loadPipeline, readDefinition, shownVersion, withActivationValues } from './pipeline-access';
import { runObjectWithParent } from './run-reads';

const EVALUATE_EXPRESSION_INPUT = structure({
  pipelineId: required(SHAPES.id),
  objectId: required(SHAPES.id),
  expression: required(SHAPES.longString),
});

/** The fields by which an object names a precondition or an alarm, which then sees it as `node`. */
const NODE_REFERENCES: readonly string[] = ['precondition', 'onFail', 'onSuccess', 'onLateAction'];

interface Input {
  readonly pipelineId: string;
  readonly objectId: string;
  readonly expression: string;
}

const run = async (input: Input, ctx: RequestContext): Promise<OperationResult> => {
  const loaded = await loadPipeline(ctx, input.pipelineId);
  if (loaded.error) return { ok: false, error: loaded.error };
  const read = await readDefinition(ctx, loaded.pipeline, shownVersion);
  if ('error' in read) return { ok: false, error: read.error };
  const runtime = input.objectId.startsWith('@') ? await runObjectWithParent(ctx, input.pipelineId, input.objectId) : [];
  const definition = withActivationValues(read.definition, read.pipeline);
  const scopes = scopesOf(definition, runtime);
  // `node` on a precondition or an alarm is the object that names it (dp-pipeline-expressions, "Node Expression"):
  // asked about one (its component, instance or attempt), the first object that refers to its component.
  const component = runtime.find((o) => o.id === input.objectId)?.fields.find((f) => f.key === '@componentParent')?.refValue ?? input.objectId;
  const referrer = referrerOf(new Inheritance(definition.pipelineObjects), component, NODE_REFERENCES);
  const node = referrer === undefined ? undefined : scopes.scopeOf(referrer.id);
  const scope = scopes.scopeOf(input.objectId, node === undefined ? {} : { node });
  if (!scope) {
    return {
      ok: false,
      log: { pipelineId: input.pipelineId },
      error: modeledError('TaskNotFoundException', `${input.objectId} is not an object of pipeline ${input.pipelineId}.`),
    };
  }
  try {
    return { ok: true, output: { evaluatedExpression: new Evaluation(ctx.deadline).text(input.expression, scope) }, log: { pipelineId: input.pipelineId } };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    return {
      ok: false,
      log: { pipelineId: input.pipelineId },
      error: invalidRequest(`The expression cannot be evaluated on ${input.objectId}: ${err.message}`),
    };
  }
};

export const EvaluateExpression: Operation<Input> = {
  input: EVALUATE_EXPRESSION_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, objectId: i.objectId }),
  debugKeys: (i) => ({ expression: i.expression }),
  run,
};
