/**
 * The `taskObject` PollForTask hands out: the attempt, its instance, its component, and the objects they
 * reference, each with its inherited fields resolved (own, parent chain, Default) and its expressions evaluated,
 * so that a runner can run a ShellCommandActivity's `command` from it alone.
 */
import type { Definition, Field } from '../definitions/definition';
import { Inheritance } from '../definitions/inheritance';
import type { StoredAttempt, StoredInstance } from '../store/run-store';
import { fieldTime } from './describe-pipelines';
import type { Evaluation } from '../expressions/evaluate';
import { evaluatedObjects } from './object-expressions';
import { payloadBytes } from '../protocol/aws-json';
import { referrerOf } from '../definitions/activity-settings';

const str = (key: string, stringValue: string): Field => ({ key, stringValue });
const ref = (key: string, refValue: string): Field => ({ key, refValue });

/**
 * The bytes (as the answer carries them) of the attempt, instance and component, and of the objects they refer to
 * added while under this: the rest are left out. With expressions' text budget, the answer stays under Lambda's.
 */
const TASK_OBJECT_REFERENCED_BYTES = 3 * 1024 * 1024;

export const buildTaskObject = (evaluation: Evaluation, definition: Definition, instance: StoredInstance, attempt: StoredAttempt, taskId: string) => {
  const objects = new Inheritance(definition.pipelineObjects);
  const component = objects.get(attempt.componentId);
  const componentFields = component ? objects.resolvedFields(component) : [];
  const period = [str('@scheduledStartTime', fieldTime(instance.scheduledStartTime)), str('@scheduledEndTime', fieldTime(instance.scheduledEndTime))];
  const runtime = (sphere: string, status: string): Field[] => [str('@sphere', sphere), str('@status', status), ...period];
  const map: Record<string, { id: string; name: string; fields: Field[] }> = {};
  if (component) map[component.id] = { id: component.id, name: component.name, fields: componentFields };
  map[instance.instanceId] = {
    id: instance.instanceId,
    name: instance.instanceId,
    fields: [
      ...componentFields,
      ...runtime('INSTANCE', 'RUNNING'),
      ref('@componentParent', attempt.componentId),
      ref('@headAttempt', attempt.attemptId),
      ...(instance.actualStartTime !== undefined ? [str('@actualStartTime', fieldTime(instance.actualStartTime))] : []),
    ],
  };
  map[attempt.attemptId] = {
    id: attempt.attemptId,
    name: attempt.attemptId,
    fields: [
      ...componentFields,
      ...runtime('ATTEMPT', 'RUNNING'),
      ref('@componentParent', attempt.componentId),
      ref('@instanceParent', instance.instanceId),
      ...(attempt.hostname !== undefined ? [str('hostname', attempt.hostname)] : []),
      ...(attempt.actualStartTime !== undefined ? [str('@actualStartTime', fieldTime(attempt.actualStartTime))] : []),
    ],
  };
  // The objects the component refers to (its resource, data nodes, schedule...), resolved the same way, while
  // the task object stays under its bound (a definition can make every object's chain long: docs/behaviour.md §11).
  // Measured only when there is something to add: most polls hand out a component that refers to nothing.
  let bytes: number | undefined;
  for (const f of componentFields) {
    const target = f.refValue === undefined ? undefined : objects.get(f.refValue);
    if (!target || map[target.id]) continue;
    bytes ??= payloadBytes(JSON.stringify(Object.values(map)));
    const referenced = { id: target.id, name: target.name, fields: objects.resolvedFields(target) };
    const size = payloadBytes(JSON.stringify(referenced));
    if (bytes + size > TASK_OBJECT_REFERENCED_BYTES) continue;
    map[target.id] = referenced;
    bytes += size;
  }
  // Expressions evaluated as AWS does before handing the task out: each object in its own context, in the run's period.
  // A precondition's `node` is the activity it guards (dp-pipeline-expressions: "node" in preconditions).
  const guarded = referrerOf(objects, attempt.componentId, ['precondition']);
  // A precondition's node (the data node or activity it guards) comes with it: a runner checks that node (Exists).
  if (guarded && !map[guarded.id]) map[guarded.id] = { id: guarded.id, name: guarded.name, fields: objects.resolvedFields(guarded) };
  const evaluated = evaluatedObjects(evaluation, definition, Object.values(map), [map[instance.instanceId], map[attempt.attemptId]], period, guarded?.id);
  return { taskId, pipelineId: attempt.pipelineId, attemptId: attempt.attemptId, objects: Object.fromEntries(evaluated.map((o) => [o.id, o])) };
};
