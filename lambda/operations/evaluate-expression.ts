/**
 * EvaluateExpression: a string with `#{...}` expressions, evaluated in the context of an object of the
 * pipeline (a component of the definition shown, or an instance or attempt of its runs). An id that names no
 * object is TaskNotFoundException (runners ask about the attempt they hold); an expression that cannot be
 * evaluated there is InvalidRequestException, saying why.
 */
import { ExpressionError } from '../expressions/errors';
import { Evaluation } from '../expressions/evaluate';
import { scopesOf } from '../definitions/expression-scope';
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
  const scope = scopesOf(withActivationValues(read.definition, read.pipeline), runtime).scopeOf(input.objectId);
  if (!scope) {
    return { ok: false, log: { pipelineId: input.pipelineId }, error: modeledError('TaskNotFoundException', `${input.objectId} is not an object of pipeline ${input.pipelineId}.`) };
  }
  try {
    return { ok: true, output: { evaluatedExpression: new Evaluation(ctx.deadline).text(input.expression, scope) }, log: { pipelineId: input.pipelineId } };
  } catch (err) {
    if (!(err instanceof ExpressionError)) throw err;
    return { ok: false, log: { pipelineId: input.pipelineId }, error: invalidRequest(`The expression cannot be evaluated on ${input.objectId}: ${err.message}`) };
  }
};

export const EvaluateExpression: Operation<Input> = {
  input: EVALUATE_EXPRESSION_INPUT,
  infoKeys: (i) => ({ pipelineId: i.pipelineId, objectId: i.objectId }),
  debugKeys: (i) => ({ expression: i.expression }),
  run,
};
