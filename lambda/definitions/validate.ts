/**
 * Validation of a pipeline definition, pure. Two outcomes, as the PutPipelineDefinition doc describes:
 * - a refusal (InvalidRequestException; nothing is saved): more objects than allowed, or an empty string or
 *   reference value (ids and names missing or empty are refused earlier, by the input shape);
 * - otherwise a report of errors and warnings per object (`id`): a definition with errors is saved, but
 *   cannot be activated.
 * Messages start with a code in capitals, the way AWS writes them (`INVALID_FIELD_VALUE: ...`).
 */
import { cut } from '../model/text';
import { DEFAULT_OBJECT_ID, Definition, Field, PipelineObject } from './definition';
import { Inheritance } from './inheritance';
import { DEFINITION_LIMITS as L, utf8Bytes, WORKER_GROUP_MAX_BYTES } from './limits';
import { ENUM_FIELDS, OBJECT_TYPES, PARAMETER_TYPES } from './object-types';
import { hasExpression, parseDateTime, parsePeriod } from './periods';
import { EvaluationBudget } from '../expressions/budget';
import { ExpressionError } from '../expressions/errors';
import { unknownFunctions } from '../expressions/evaluate';
import { parseExpression, pathsOf, templateParts } from '../expressions/parse';
import { periodMs, periodSeconds, RUN_LIMITS, type RunLimits } from './run-limits';
import { isRunnerChecked, preconditionsOf, settingsOf } from './activity-settings';

interface ObjectMessages {
  readonly id: string;
  readonly messages: string[];
}

export interface ValidationReport {
  readonly errors: ObjectMessages[];
  readonly warnings: ObjectMessages[];
}

export type ValidationOutcome = { readonly refusal: string } | { readonly refusal?: undefined; readonly report: ValidationReport };

/**
 * How many messages an answer lists (docs/behaviour.md, Limits): any definition under the body limit gets an
 * answer well under Lambda's 6 MB. Each message is at most a few hundred characters (values are quoted cut).
 */
export const VALIDATION_MESSAGE_LIMITS = { perObject: 50, perAnswer: 500, chars: 1000 } as const;

/** A message quotes names from the definition (up to 10,240 characters each): cut, so it stays under the model's 10,000. */
const bounded = (message: string): string => (message.length > VALIDATION_MESSAGE_LIMITS.chars ? `${cut(message, VALIDATION_MESSAGE_LIMITS.chars)}…` : message);

/** Messages per object id, each once, at most VALIDATION_MESSAGE_LIMITS; what is left out is counted and said. */
class Collector {
  private readonly byId = new Map<string, Set<string>>();
  private readonly omittedById = new Map<string, number>();
  private total = 0;
  private omittedElsewhere = 0;
  private firstOmittedId?: string;

  constructor(private readonly kind: 'errors' | 'warnings') {}

  add(id: string, full: string): void {
    const message = bounded(full);
    const listed = this.byId.get(id);
    if (listed?.has(message)) return;
    if (listed && listed.size >= VALIDATION_MESSAGE_LIMITS.perObject) {
      this.omittedById.set(id, (this.omittedById.get(id) ?? 0) + 1);
    } else if (this.total >= VALIDATION_MESSAGE_LIMITS.perAnswer) {
      this.omittedElsewhere++;
      this.firstOmittedId ??= id;
    } else {
      if (listed) listed.add(message);
      else this.byId.set(id, new Set([message]));
      this.total++;
    }
  }

  list(): ObjectMessages[] {
    const out = [...this.byId].map(([id, set]) => {
      const messages = [...set];
      const omitted = this.omittedById.get(id);
      // Repeats of a message already listed are not counted: the count is of messages not shown.
      if (omitted)
        messages.push(`... and ${omitted} more ${this.kind} of this object not shown (at most ${VALIDATION_MESSAGE_LIMITS.perObject} are listed per object).`);
      return { id, messages };
    });
    if (this.omittedElsewhere > 0) {
      out.push({
        id: this.firstOmittedId!,
        messages: [
          `... and ${this.omittedElsewhere} more ${this.kind} of this and other objects not shown (at most ${VALIDATION_MESSAGE_LIMITS.perAnswer} are listed per answer).`,
        ],
      });
    }
    return out;
  }
}

/** The refusals of the PutPipelineDefinition doc that this shape of input can have. */
const refusalOf = (def: Definition): string | undefined => {
  if (def.pipelineObjects.length > L.objects) {
    return `The pipeline has ${def.pipelineObjects.length} objects; at most ${L.objects} are allowed.`;
  }
  for (const o of def.pipelineObjects) {
    for (const f of o.fields) {
      if (f.stringValue === '' || f.refValue === '') {
        return `Field '${f.key}' of object '${o.id}' is empty: a string or reference field must have a value.`;
      }
    }
  }
  return undefined;
};

/**
 * What is wrong with the expressions of a value, without evaluating them: syntax, unknown functions and
 * argument counts (errors), and `myX` names that have no value (`known`: a parameter declared or given a value, or
 * a field of the object): `unvalued` says what those are at this stage.
 */
const expressionProblems = (
  key: string,
  value: string,
  known: (name: string) => boolean,
  budget: EvaluationBudget,
  unvalued: (name: string) => void,
): string[] => {
  const failed = (err: unknown) => {
    if (err instanceof ExpressionError) return [`INVALID_EXPRESSION: field '${key}': ${err.message}`];
    throw err;
  };
  let parts: ReturnType<typeof templateParts>;
  try {
    parts = templateParts(value);
  } catch (err) {
    return failed(err);
  }
  return parts.flatMap((part) => {
    if (!('expression' in part)) return [];
    try {
      const ast = parseExpression(part.expression, budget);
      for (const name of pathsOf(ast).map((p) => p[0])) {
        if (name.replace(/^\*/, '').startsWith('my') && !known(name) && !known(name.replace(/^\*/, ''))) unvalued(name);
      }
      return unknownFunctions(ast).map((m) => `INVALID_EXPRESSION: field '${key}': ${m}.`);
    } catch (err) {
      return failed(err);
    }
  });
};

/**
 * The `dependsOn` cycles of the activities (a self-dependency included): each object on a cycle, with the
 * cycle as found from it. Iterative (an explicit stack), linear in objects and references.
 */
const dependencyCycles = (objects: Inheritance): Map<string, string[]> => {
  const edges = new Map<string, string[]>();
  for (const o of objects.all()) {
    const targets = objects.fields(o, 'dependsOn').flatMap((f) => {
      const id = f.refValue ?? (f.stringValue !== undefined && objects.get(f.stringValue) ? f.stringValue : undefined);
      return id === undefined ? [] : [id];
    });
    if (targets.length > 0) edges.set(o.id, [...new Set(targets)]);
  }
  const state = new Map<string, 'open' | 'done'>();
  const found = new Map<string, string[]>();
  for (const root of edges.keys()) {
    if (state.has(root)) continue;
    const path: string[] = [];
    const stack: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'open');
    path.push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const targets = edges.get(top.id) ?? [];
      if (top.next >= targets.length) {
        state.set(top.id, 'done');
        stack.pop();
        path.pop();
        continue;
      }
      const target = targets[top.next++];
      const seen = state.get(target);
      if (seen === 'open') {
        const cycle = [...path.slice(path.indexOf(target)), target];
        const shown = (cycle.length > 12 ? [...cycle.slice(0, 5), '...', ...cycle.slice(-5)] : cycle).map((id) => (id.length > 64 ? `${cut(id, 64)}…` : id));
        for (const id of cycle) if (!found.has(id)) found.set(id, shown);
      } else if (seen === undefined) {
        state.set(target, 'open');
        path.push(target);
        stack.push({ id: target, next: 0 });
      }
    }
  }
  return found;
};

/** dp-object-schedule's "On-demand with explicit Schedule object": the Schedule of an on-demand pipeline. */
const ON_DEMAND_PERIOD = 'ONDEMAND_PERIOD';
const ON_DEMAND_ACTIVATION_TIME = 'ONDEMAND_ACTIVATION_TIME';

/** Fields whose value is a reference to another object; a string there that names an object is read as one. */
const REFERENCE_FIELDS = ['parent', 'schedule', 'runsOn', 'dependsOn', 'input', 'output', 'precondition', 'onFail', 'onSuccess', 'onLateAction'];

/** The period fields of activities (dp-object-activities) that the run reads or that name a timeout. */
const RUN_PERIOD_FIELDS = ['retryDelay', 'reportProgressTimeout', 'attemptTimeout', 'lateAfterTimeout'] as const;

/**
 * `limits`: with relaxed limits (docs/behaviour.md §8) periods may be in seconds and dp-limits.md's run limits do
 * not apply. `stage`: `save` (PutPipelineDefinition, ValidatePipelineDefinition) or `activate`. A `#{myX}` with no value yet
 * (no parameter object, no value, no field of that name) is a warning when saved, since its value may come at
 * activation (ActivatePipeline `parameterValues`), and an error when activated (docs/decisions.md, issue 18).
 */
export const validateDefinition = (def: Definition, limits: RunLimits = { relaxed: false }, stage: 'save' | 'activate' = 'save'): ValidationOutcome => {
  const refusal = refusalOf(def);
  if (refusal) return { refusal };
  const errors = new Collector('errors');
  const warnings = new Collector('warnings');
  // Parsing every expression of the definition is one request's work: one budget (docs/behaviour.md, Limits).
  const budget = new EvaluationBudget();
  const seenIds = new Set<string>();
  for (const o of def.pipelineObjects) {
    if (seenIds.has(o.id)) errors.add(o.id, `DUPLICATE_OBJECT_ID: more than one object has the id '${o.id}'.`);
    seenIds.add(o.id);
  }
  const objects = new Inheritance(def.pipelineObjects);
  const parents = new Set(def.pipelineObjects.flatMap((o) => objects.parentOf(o) ?? []));
  // The AWS CLI puts `--parameter-values` without parameter objects, as AWS's own walkthroughs do: a value gives a name.
  const parameterIds = new Set([...def.parameterObjects.map((p) => p.id), ...def.parameterValues.map((v) => v.id)]);
  /** The preconditions some object names in its `precondition` field. */
  const guarding = new Set(objects.all().flatMap((o) => preconditionsOf(objects, o).map((p) => p.id)));
  const inherited = (o: PipelineObject, key: string): Field | undefined => objects.field(o, key);

  for (const o of objects.all()) checkObject(o);
  for (const [id, cycle] of dependencyCycles(objects))
    errors.add(id, `INVALID_FIELD_VALUE: 'dependsOn' forms a cycle (${cycle.join(' -> ')}): the activities would wait for each other forever.`);
  checkParameters();
  return { report: { errors: errors.list(), warnings: warnings.list() } };

  function checkObject(o: PipelineObject): void {
    checkLimits(o);
    checkFields(o);
    checkType(o);
    checkRunSettings(o);
    for (const [key, allowed] of Object.entries(ENUM_FIELDS)) {
      const value = o.fields.find((f) => f.key === key)?.stringValue;
      if (value !== undefined && !hasExpression(value) && !allowed.includes(value.toLowerCase())) {
        errors.add(o.id, `INVALID_FIELD_VALUE: '${key}' must be one of ${allowed.join(', ')}, not '${cut(value, 64)}'.`);
      }
    }
  }

  /** dp-limits.md: the id, the fields and the object's size. */
  function checkLimits(o: PipelineObject): void {
    const err = (m: string) => errors.add(o.id, m);
    if (utf8Bytes(o.id) > L.idOrFieldNameBytes) err(`LIMIT_EXCEEDED: the id is longer than ${L.idOrFieldNameBytes} UTF-8 bytes.`);
    if (o.fields.length > L.fieldsPerObject) err(`LIMIT_EXCEEDED: the object has ${o.fields.length} fields; at most ${L.fieldsPerObject} are allowed.`);
    let objectBytes = 0;
    for (const f of o.fields) {
      const value = f.stringValue ?? f.refValue ?? '';
      objectBytes += utf8Bytes(f.key) + utf8Bytes(value);
      if (utf8Bytes(f.key) > L.idOrFieldNameBytes) err(`LIMIT_EXCEEDED: field name '${cut(f.key, 64)}' is longer than ${L.idOrFieldNameBytes} UTF-8 bytes.`);
      if (utf8Bytes(value) > L.fieldValueBytes) err(`LIMIT_EXCEEDED: the value of field '${cut(f.key, 64)}' is longer than ${L.fieldValueBytes} UTF-8 bytes.`);
    }
    if (objectBytes > L.objectBytes) err(`LIMIT_EXCEEDED: the object's fields take ${objectBytes} UTF-8 bytes; at most ${L.objectBytes} are allowed.`);
  }

  /** Field values, references and expressions. */
  function checkFields(o: PipelineObject): void {
    const err = (m: string) => errors.add(o.id, m);
    for (const f of o.fields) {
      if (f.stringValue !== undefined && f.refValue !== undefined) err(`INVALID_FIELD: field '${f.key}' has both a stringValue and a refValue.`);
      else if (f.stringValue === undefined && f.refValue === undefined) err(`INVALID_FIELD: field '${f.key}' has neither a stringValue nor a refValue.`);
      if (f.refValue !== undefined && !objects.get(f.refValue)) {
        err(`REFERENCE_TO_NONEXISTENT_OBJECT: field '${f.key}' refers to '${f.refValue}', which is not an object of this pipeline.`);
      }
      if (f.stringValue?.includes('#{')) {
        const unvalued = (name: string) =>
          stage === 'activate'
            ? err(
                `INVALID_EXPRESSION: field '${f.key}' refers to '${name}', which has no value: no parameter object declares it, no value is given for it, and the object has no field of that name.`,
              )
            : warnings.add(
                o.id,
                `UNDECLARED_PARAMETER: field '${f.key}' refers to '${name}', which has no value yet: give one when you activate (parameterValues), or declare it with a default.`,
              );
        for (const problem of expressionProblems(f.key, f.stringValue, (name) => parameterIds.has(name) || inherited(o, name) !== undefined, budget, unvalued))
          err(problem);
      }
    }
    const parent = o.fields.find((f) => f.key === 'parent');
    if (parent?.stringValue !== undefined && !objects.get(parent.stringValue)) err(`INVALID_FIELD_VALUE: 'parent' must be a reference to another object.`);
    for (const f of o.fields.filter((x) => REFERENCE_FIELDS.includes(x.key) && x.stringValue !== undefined && objects.get(x.stringValue))) {
      warnings.add(
        o.id,
        `REFERENCE_AS_STRING: '${f.key}' names the object '${f.stringValue}' as a string; it is read as a reference ({"ref": "${f.stringValue}"}).`,
      );
    }
    if (objects.hasParentCycle(o)) err(`INVALID_FIELD_VALUE: the 'parent' references of this object form a cycle.`);
  }

  /** The type, what it requires, and what this backend does with it (a resource, a precondition AWS checks). */
  function checkType(o: PipelineObject): void {
    const err = (m: string) => errors.add(o.id, m);
    const typeField = objects.type(o);
    if (typeField === undefined) {
      if (o.id !== DEFAULT_OBJECT_ID && !parents.has(o.id)) err(`MISSING_REQUIRED_FIELD: the object has no 'type'.`);
    } else if (typeField.refValue !== undefined) {
      err(`INVALID_FIELD_VALUE: 'type' must be a string, not a reference.`);
    } else {
      const typeName = typeField.stringValue ?? '';
      const type = Object.hasOwn(OBJECT_TYPES, typeName) ? OBJECT_TYPES[typeName] : undefined;
      if (type === undefined) {
        if (!hasExpression(typeName)) err(`INVALID_OBJECT_TYPE: '${typeName}' is not a pipeline object type.`);
      } else {
        for (const group of type.required) {
          if (!group.some((key) => inherited(o, key) !== undefined)) {
            err(`MISSING_REQUIRED_FIELD: ${group.map((k) => `'${k}'`).join(' or ')} is required for ${typeName}.`);
          }
        }
        if (type.category === 'schedule') checkSchedule(o);
        if (type.category === 'precondition' && guarding.has(o.id) && !isRunnerChecked(objects, o)) {
          warnings.add(
            o.id,
            `PRECONDITION_NOT_CHECKED: a ${typeName} precondition is checked by AWS itself; this backend cannot check it and counts it as met.`,
          );
        }
        if (type.category === 'activity' || (type.category === 'precondition' && isRunnerChecked(objects, o))) {
          // The worker group a task goes to is part of DynamoDB keys (docs/behaviour.md, Limits).
          const group = settingsOf(objects, o, new Set(), limits).workerGroup;
          if (utf8Bytes(group) > WORKER_GROUP_MAX_BYTES)
            err(`LIMIT_EXCEEDED: the worker group its tasks go to takes ${utf8Bytes(group)} UTF-8 bytes; at most ${WORKER_GROUP_MAX_BYTES} are allowed.`);
        }
        if (typeName === 'Ec2Resource' && o.fields.some((f) => f.key === 'workerGroup')) {
          warnings.add(
            o.id,
            `FIELD_NOT_ALLOWED: dp-object-ec2resource does not allow 'workerGroup' on an Ec2Resource; this backend, which starts no resource, sends the tasks of the activities that run on it to that worker group.`,
          );
        }
        if (type.category === 'activity' && inherited(o, 'runsOn') !== undefined) {
          const group = settingsOf(objects, o, new Set(), limits).workerGroup;
          warnings.add(
            o.id,
            `RESOURCE_NOT_PROVISIONED: the activity runs on a resource ('runsOn'), which this backend does not start: its tasks go to worker group '${cut(group, 64)}' (the resource's workerGroup, else its id) for a task runner you start there${inherited(o, 'workerGroup') !== undefined ? "; its 'workerGroup' is ignored, as the guide says when runsOn is given" : ''}.`,
          );
        }
      }
    }
  }

  /** Own fields only (an inherited one is checked on the object that holds it); expressions wait for evaluation. */
  function checkRunSettings(o: PipelineObject): void {
    const err = (m: string) => errors.add(o.id, m);
    const own = (key: string) => {
      const v = o.fields.find((f) => f.key === key)?.stringValue;
      return v === undefined || hasExpression(v) ? undefined : v;
    };
    for (const key of RUN_PERIOD_FIELDS) {
      const v = own(key);
      if (v === undefined) continue;
      const ms = periodMs(v, limits);
      if (ms === undefined && periodSeconds(v) !== undefined) {
        err(
          `INVALID_FIELD_VALUE: '${key}' is given in seconds, which only an endpoint with relaxed limits accepts (npm start -- --relaxed-limits); give it in minutes or longer.`,
        );
      } else if (ms === undefined) {
        err(`INVALID_FIELD_VALUE: '${key}' must be a period ("N minutes|hours|days|weeks|months|years"), not '${cut(v, 64)}'.`);
      } else if (key === 'retryDelay' && !limits.relaxed && ms < RUN_LIMITS.minimumRetryDelayMs) {
        err(`LIMIT_EXCEEDED: 'retryDelay' must be at least ${RUN_LIMITS.minimumRetryDelayMs / 60_000} minutes (the minimum delay between retry attempts).`);
      }
    }
    const retries = own('maximumRetries');
    if (retries !== undefined && !/^\s*\d+\s*$/.test(retries)) {
      err(`INVALID_FIELD_VALUE: 'maximumRetries' must be a whole number, not '${cut(retries, 64)}'.`);
    } else if (retries !== undefined && !limits.relaxed && Number(retries) > RUN_LIMITS.maximumRetries) {
      err(`LIMIT_EXCEEDED: 'maximumRetries' is ${Number(retries)}; at most ${RUN_LIMITS.maximumRetries} retries of an activity are allowed.`);
    }
  }

  function checkSchedule(o: PipelineObject): void {
    const err = (m: string) => errors.add(o.id, m);
    const value = (key: string) => inherited(o, key)?.stringValue;
    const period = value('period');
    // dp-object-schedule, "On-demand with explicit Schedule object": an on-demand pipeline may name one so.
    if (period !== undefined && !hasExpression(period) && period !== ON_DEMAND_PERIOD) {
      const p = parsePeriod(period);
      // With relaxed limits a period may be in seconds and has no minimum (docs/behaviour.md §10).
      const relaxedSeconds = limits.relaxed && periodSeconds(period) !== undefined;
      if (!p && !relaxedSeconds) err(`INVALID_FIELD_VALUE: 'period' must be "N minutes|hours|days|weeks|months|years", not '${cut(period, 64)}'.`);
      else if (p && !limits.relaxed && p.minutes < L.minimumPeriodMinutes)
        err(`INVALID_FIELD_VALUE: 'period' must be at least ${L.minimumPeriodMinutes} minutes.`);
      else if ((p?.count ?? periodSeconds(period)) === 0) err(`INVALID_FIELD_VALUE: 'period' must be longer than zero.`);
      else if (p && longerThanYears(p, L.maximumPeriodYears)) err(`INVALID_FIELD_VALUE: 'period' must be at most ${L.maximumPeriodYears} years.`);
    }
    for (const key of ['startDateTime', 'endDateTime']) {
      const v = value(key);
      if (v !== undefined && !hasExpression(v) && !parseDateTime(v)) err(`INVALID_FIELD_VALUE: '${key}' value must be a literal datetime value.`);
    }
    const startAt = value('startAt');
    if (startAt !== undefined && !hasExpression(startAt) && startAt !== 'FIRST_ACTIVATION_DATE_TIME' && startAt !== ON_DEMAND_ACTIVATION_TIME) {
      err(`INVALID_FIELD_VALUE: 'startAt' must be FIRST_ACTIVATION_DATE_TIME (or ONDEMAND_ACTIVATION_TIME, with period ONDEMAND_PERIOD).`);
    }
    if (startAt !== undefined && value('startDateTime') !== undefined) err(`INVALID_FIELD_VALUE: use either 'startAt' or 'startDateTime', not both.`);
    const occurrences = value('occurrences');
    if (occurrences !== undefined && value('endDateTime') !== undefined) err(`INVALID_FIELD_VALUE: use either 'occurrences' or 'endDateTime', not both.`);
    if (occurrences !== undefined && !hasExpression(occurrences) && !/^[1-9]\d*$/.test(occurrences.trim())) {
      err(`INVALID_FIELD_VALUE: 'occurrences' must be a positive integer.`);
    }
    const start = value('startDateTime');
    const end = value('endDateTime');
    if (start && end && parseDateTime(start) && parseDateTime(end) && parseDateTime(end)! <= parseDateTime(start)!) {
      err(`INVALID_FIELD_VALUE: 'endDateTime' must be later than 'startDateTime'.`);
    }
  }

  /**
   * Parameters (dp-custom-templates): at most 50, declared or given a value; ids prefixed by `my` (`*my` for a
   * value to mask); a declared one's values of its `type` (Integer, Double), one value unless `isArray`, among its
   * `allowedValues` if it has them; and a declared one that is not `optional` needs a value (not blank) or a
   * `default`: a warning when saved (its value may come at activation), an error when activated.
   */
  function checkParameters(): void {
    const seen = new Set<string>();
    for (const p of def.parameterObjects) {
      if (seen.has(p.id)) errors.add(p.id, `DUPLICATE_OBJECT_ID: more than one parameter object has the id '${p.id}'.`);
      seen.add(p.id);
    }
    const values = new Map<string, string[]>();
    for (const v of def.parameterValues) values.set(v.id, [...(values.get(v.id) ?? []), v.stringValue]);
    const ids = [...new Set([...seen, ...values.keys()])];
    if (ids.length > L.parameters)
      errors.add(
        ids[L.parameters],
        `LIMIT_EXCEEDED: the definition has ${ids.length} parameters (declared or given a value); at most ${L.parameters} are allowed.`,
      );
    for (const id of ids) {
      if (!/^\*?my/.test(id)) errors.add(id, `INVALID_FIELD_VALUE: parameter id '${cut(id, 64)}' must start with 'my' ('*my' for a value to mask).`);
    }
    for (const p of def.parameterObjects) {
      const attribute = (key: string) => p.attributes.filter((a) => a.key === key).map((a) => a.stringValue);
      const [type = 'String'] = attribute('type');
      if (!(PARAMETER_TYPES as readonly string[]).includes(type)) {
        errors.add(p.id, `INVALID_FIELD_VALUE: parameter type must be one of ${PARAMETER_TYPES.join(', ')}, not '${cut(type, 64)}'.`);
      }
      // A blank value is none: the values files written for real accounts leave every value '' to be filled in.
      const nonBlank = values.get(p.id)?.filter((v) => v !== '');
      const given = nonBlank !== undefined && nonBlank.length > 0 ? nonBlank : undefined;
      const defaults = attribute('default');
      const isArray = attribute('isArray')[0]?.toLowerCase() === 'true';
      const allowed = attribute('allowedValues');
      for (const [source, list] of [
        ['value', given ?? []],
        ['default', defaults],
      ] as const) {
        if (list.length > 1 && !isArray)
          errors.add(p.id, `INVALID_FIELD_VALUE: parameter '${p.id}' has ${list.length} ${source}s but is not an array (isArray).`);
        for (const v of list) {
          if (type === 'Integer' && !/^[-+]?\d+$/.test(v.trim()))
            errors.add(p.id, `INVALID_FIELD_VALUE: the ${source} of parameter '${p.id}' must be an Integer, not '${cut(v, 64)}'.`);
          if (type === 'Double' && (v.trim() === '' || !Number.isFinite(Number(v))))
            errors.add(p.id, `INVALID_FIELD_VALUE: the ${source} of parameter '${p.id}' must be a Double, not '${cut(v, 64)}'.`);
          if (allowed.length > 0 && !allowed.includes(v))
            errors.add(p.id, `INVALID_FIELD_VALUE: the ${source} '${cut(v, 64)}' of parameter '${p.id}' is not one of its allowedValues.`);
        }
      }
      const optional = attribute('optional')[0]?.toLowerCase() === 'true';
      if (!optional && given === undefined && defaults.length === 0) {
        const missing = `parameter '${p.id}' is required (not optional) and has no value and no default`;
        if (stage === 'activate') errors.add(p.id, `MISSING_PARAMETER_VALUE: ${missing}: give it with parameterValues.`);
        else warnings.add(p.id, `MISSING_PARAMETER_VALUE: ${missing} yet: give one when you activate (parameterValues).`);
      }
    }
  }
};

/** Whether a period is longer than `years` (months and years by count; shorter units against 365-day years). */
const longerThanYears = (p: { count: number; unit: string; minutes: number }, years: number): boolean =>
  p.unit === 'month' ? p.count > 12 * years : p.unit === 'year' ? p.count > years : p.minutes > years * 365 * 24 * 60;
