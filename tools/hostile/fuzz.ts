/**
 * Requests valid by the service model for all 19 operations, generated from the operations' own input shapes
 * (lambda/model/shapes.ts: the data the endpoint validates with), pushed to the model's edges: strings of
 * every allowed kind of character (4-byte ones included) at and near their maximum lengths, lists at and near
 * their maximum sizes, numbers at their extremes. Ids of pipelines, tasks, objects and worker groups that exist
 * (made through the API by prepareWorld) are mixed in, and definitions shaped like real ones, so that requests
 * get past "not found" and reach runs, schedules and expressions.
 */
import fc from 'fast-check';
import type { ListShape, Shape, StringShape, StructureShape } from '../../lambda/model/shapes';
import { checkString } from '../../lambda/model/violations';
import { ActivatePipeline } from '../../lambda/operations/activate-pipeline';
import { AddTags } from '../../lambda/operations/add-tags';
import { CreatePipeline } from '../../lambda/operations/create-pipeline';
import { DeactivatePipeline } from '../../lambda/operations/deactivate-pipeline';
import { DeletePipeline } from '../../lambda/operations/delete-pipeline';
import { DescribeObjects } from '../../lambda/operations/describe-objects';
import { DescribePipelines } from '../../lambda/operations/describe-pipelines';
import { EvaluateExpression } from '../../lambda/operations/evaluate-expression';
import { GetPipelineDefinition } from '../../lambda/operations/get-pipeline-definition';
import { ListPipelines } from '../../lambda/operations/list-pipelines';
import { PollForTask } from '../../lambda/operations/poll-for-task';
import { PutPipelineDefinition } from '../../lambda/operations/put-pipeline-definition';
import { QueryObjects } from '../../lambda/operations/query-objects';
import { RemoveTags } from '../../lambda/operations/remove-tags';
import { ReportTaskProgress } from '../../lambda/operations/report-task-progress';
import { ReportTaskRunnerHeartbeat } from '../../lambda/operations/report-task-runner-heartbeat';
import { SetStatus } from '../../lambda/operations/set-status';
import { SetTaskStatus } from '../../lambda/operations/set-task-status';
import { ValidatePipelineDefinition } from '../../lambda/operations/validate-pipeline-definition';
import { activate, createPipeline, DASHES, must, PARENS_IN_A_FIELD, pipelineWith, pollTask } from './corpus';
import type { RawClient } from './raw-client';

/** The input shape of each of the 19 operations, as the endpoint checks them. */
export const OPERATION_INPUTS: Readonly<Record<string, StructureShape>> = {
  ActivatePipeline: ActivatePipeline.input,
  AddTags: AddTags.input,
  CreatePipeline: CreatePipeline.input,
  DeactivatePipeline: DeactivatePipeline.input,
  DeletePipeline: DeletePipeline.input,
  DescribeObjects: DescribeObjects.input,
  DescribePipelines: DescribePipelines.input,
  EvaluateExpression: EvaluateExpression.input,
  GetPipelineDefinition: GetPipelineDefinition.input,
  ListPipelines: ListPipelines.input,
  PollForTask: PollForTask.input,
  PutPipelineDefinition: PutPipelineDefinition.input,
  QueryObjects: QueryObjects.input,
  RemoveTags: RemoveTags.input,
  ReportTaskProgress: ReportTaskProgress.input,
  ReportTaskRunnerHeartbeat: ReportTaskRunnerHeartbeat.input,
  SetStatus: SetStatus.input,
  SetTaskStatus: SetTaskStatus.input,
  ValidatePipelineDefinition: ValidatePipelineDefinition.input,
};

/** A string is generated up to this many code points (the model allows 20 MB for an expression). */
const MAX_STRING_CODE_POINTS = 12_000;
/** A generated body is cut down to this many bytes (the endpoint takes 6 MB; the corpus sends those). */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * How big a request may grow, by where the size goes: long strings in few elements, or many elements of short
 * strings. Without this, a definition of 120 objects of 120 fields of 12,000 characters would be generated
 * (and then cut down) for every PutPipelineDefinition: slow, and never what reaches the endpoint.
 */
interface Profile {
  readonly maxString: number;
  /** Elements of a list the model leaves unbounded, by how deep the list is (the last applies deeper). */
  readonly maxList: readonly number[];
}
const PROFILES: readonly Profile[] = [
  { maxString: MAX_STRING_CODE_POINTS, maxList: [120, 3, 2] },
  { maxString: 24, maxList: [120, 60, 12] },
  { maxString: 300, maxList: [12, 6, 3] },
];
const DEFAULT_PROFILE = PROFILES[2];

// --- characters ---------------------------------------------------------------------------------------------

const fromCodes = (min: number, max: number) => fc.integer({ min, max }).map((c) => String.fromCodePoint(c));

/** What the model's pattern allows: no control character but CR, LF, TAB; no U+FFFE/U+FFFF; no lone surrogate. */
const MODEL_CHAR = fc.oneof(
  { weight: 8, arbitrary: fromCodes(0x20, 0x7e) },
  { weight: 1, arbitrary: fc.constantFrom('\r', '\n', '\t') },
  { weight: 2, arbitrary: fromCodes(0xa0, 0xd7ff) },
  { weight: 1, arbitrary: fromCodes(0xe000, 0xfffd) },
  { weight: 3, arbitrary: fromCodes(0x10000, 0x10ffff) },
  { weight: 1, arbitrary: fc.constantFrom('😀', '中', '€', '"', '\\', '#', '{', '}', "'", '/', '\u2028') },
);
/** Tag keys and values have no pattern: any well-formed text, control characters included. */
const ANY_WELL_FORMED_CHAR = fc.oneof(
  { weight: 6, arbitrary: MODEL_CHAR },
  { weight: 1, arbitrary: fromCodes(0, 0x1f) },
  { weight: 1, arbitrary: fc.constantFrom('\uFFFE', '\uFFFF', '\u0000') },
);

/** `n` code points (each unit is one): short strings char by char, long ones as a random chunk repeated (12,000 one by one would be slow). */
const stringOfLength = (unit: fc.Arbitrary<string>, n: number): fc.Arbitrary<string> => {
  if (n <= 48) return fc.array(unit, { minLength: n, maxLength: n }).map((cs) => cs.join(''));
  return fc.array(unit, { minLength: 1, maxLength: 24 }).map((chunk) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(chunk[i % chunk.length]);
    return out.join('');
  });
};

/** Lengths at the edges: the minimum, short ones, the maximum and one under it, anything between. */
const lengthIn = (min: number, max: number): fc.Arbitrary<number> =>
  fc.oneof(
    { weight: 2, arbitrary: fc.constant(min) },
    { weight: 6, arbitrary: fc.integer({ min, max: Math.min(max, min + 16) }) },
    { weight: 2, arbitrary: fc.constant(max) },
    { weight: 1, arbitrary: fc.constant(Math.max(min, max - 1)) },
    { weight: 2, arbitrary: fc.integer({ min, max }) },
  );

const stringArbitrary = (shape: StringShape, profile: Profile): fc.Arbitrary<string> => {
  if (shape.enumValues) return fc.constantFrom(...shape.enumValues);
  const min = shape.min ?? 0;
  const max = Math.max(min, Math.min(shape.max ?? MAX_STRING_CODE_POINTS, profile.maxString));
  const unit = shape.modelPattern ? MODEL_CHAR : ANY_WELL_FORMED_CHAR;
  let s = lengthIn(min, max).chain((n) => stringOfLength(unit, n));
  const prefix = shape.forbiddenPrefix;
  // A value that happens to start with the reserved prefix gets its first character changed: same length.
  if (prefix !== undefined) s = s.map((v) => (v.startsWith(prefix) ? `x${v.slice(1)}` : v));
  return s;
};

// --- numbers ------------------------------------------------------------------------------------------------

const INTEGERS = fc.oneof(
  fc.constantFrom(0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 1000, 1001, 100),
  fc.maxSafeInteger(),
);

/** Seconds since the epoch: the dates a DateTime can hold and just past them, and any finite double. */
const TIMESTAMPS = fc.oneof(
  fc.constantFrom(
    0,
    -1,
    1.5,
    8.64e12,
    -8.64e12,
    253_402_300_799,
    253_402_300_800,
    -62_135_596_800,
    -62_135_596_801,
    1.7976931348623157e308,
    -1.7976931348623157e308,
    5e-324,
    1_800_000_000.123,
  ),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -62_135_596_800, max: 253_402_300_799 }),
);

// --- the walker ---------------------------------------------------------------------------------------------

/**
 * Values to mix in for a member, keyed by its path (`pipelineObjects[].fields[].key`) or, failing that, its
 * name: known ids, plausible field names and values. A hint is used only where the model allows its value.
 */
type Hints = Readonly<Record<string, fc.Arbitrary<unknown>>>;

const fits = (shape: Shape, value: unknown): boolean => {
  switch (shape.kind) {
    case 'string':
      return typeof value === 'string' && checkString('', value, shape).length === 0;
    case 'list':
      return (
        Array.isArray(value) &&
        (shape.min === undefined || value.length >= shape.min) &&
        (shape.max === undefined || value.length <= shape.max) &&
        value.every((v) => fits(shape.member, v))
      );
    case 'structure':
      return (
        typeof value === 'object' &&
        value !== null &&
        Object.entries(shape.members).every(([k, m]) => {
          const v = (value as Record<string, unknown>)[k];
          return v === undefined || v === null ? !m.required : fits(m.shape, v);
        })
      );
    case 'boolean':
      return typeof value === 'boolean';
    case 'integer':
      return Number.isSafeInteger(value);
    case 'timestamp':
      return typeof value === 'number' && Number.isFinite(value);
  }
};

/** An arbitrary of values valid by `shape`: the generic generator over the model's shapes as data. */
const arbitraryOf = (shape: Shape, hints: Hints = {}, path = '', profile: Profile = DEFAULT_PROFILE): fc.Arbitrary<unknown> => {
  const generic = genericOf(shape, hints, path, profile);
  const name =
    path
      .replace(/\[\]$/, '')
      .split(/[.[\]]+/)
      .filter(Boolean)
      .pop() ?? '';
  const hint = hints[path] ?? (path.endsWith('[]') ? undefined : hints[name]);
  if (!hint) return generic;
  // A hint the model does not allow here falls back to the generic value (a filter could spin forever).
  return fc.oneof({ weight: 3, arbitrary: hint.chain((v) => (fits(shape, v) ? fc.constant(v) : generic)) }, { weight: 1, arbitrary: generic });
};

const genericOf = (shape: Shape, hints: Hints, path: string, profile: Profile): fc.Arbitrary<unknown> => {
  switch (shape.kind) {
    case 'string':
      return stringArbitrary(shape, profile);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return INTEGERS;
    case 'timestamp':
      return TIMESTAMPS;
    case 'list':
      return listArbitrary(shape, hints, path, profile);
    case 'structure': {
      const members: Record<string, fc.Arbitrary<unknown>> = {};
      const requiredKeys: string[] = [];
      for (const [key, member] of Object.entries(shape.members)) {
        const value = arbitraryOf(member.shape, hints, path ? `${path}.${key}` : key, profile);
        // null is how JSON says "absent" to AWS's deserializers: valid for an optional member.
        members[key] = member.required ? value : fc.oneof({ weight: 12, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) });
        if (member.required) requiredKeys.push(key);
      }
      return fc.record(members, { requiredKeys });
    }
  }
};

const listArbitrary = (shape: ListShape, hints: Hints, path: string, profile: Profile): fc.Arbitrary<unknown[]> => {
  const min = shape.min ?? 0;
  const depth = (path.match(/\[\]/g) ?? []).length;
  // A bound of the model is kept whatever the profile: a list at its maximum size is an edge worth reaching.
  const max = Math.max(min, shape.max ?? profile.maxList[Math.min(depth, profile.maxList.length - 1)]);
  const member = arbitraryOf(shape.member, hints, `${path}[]`, profile);
  return lengthIn(min, max).chain((n) => fc.array(member, { minLength: n, maxLength: n }));
};

// --- fitting a body under the bound -------------------------------------------------------------------------

const jsonBytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v) ?? '');

/** Halves the largest list or string of `value` that may shrink (never under the shape's minimum); false when none can. */
const halveLargest = (shape: StructureShape, value: Record<string, unknown>): boolean => {
  let best: { size: number; apply: () => void } | undefined;
  const visit = (s: Shape, v: unknown, replace: (next: unknown) => void) => {
    if (v === null || v === undefined) return;
    if (s.kind === 'string' && typeof v === 'string') {
      const points = Array.from(v);
      const floor = s.min ?? 0;
      if (points.length > floor && !s.enumValues) {
        const size = Buffer.byteLength(v);
        if (!best || size > best.size) best = { size, apply: () => replace(points.slice(0, Math.max(floor, Math.floor(points.length / 2))).join('')) };
      }
    } else if (s.kind === 'list' && Array.isArray(v)) {
      const floor = s.min ?? 0;
      if (v.length > floor && v.length > 1) {
        const size = jsonBytes(v);
        if (!best || size > best.size) best = { size, apply: () => replace(v.slice(0, Math.max(floor, Math.ceil(v.length / 2)))) };
      }
      v.forEach((item, i) => visit(s.member, item, (next) => (v[i] = next)));
    } else if (s.kind === 'structure' && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const [k, m] of Object.entries(s.members)) visit(m.shape, o[k], (next) => (o[k] = next));
    }
  };
  visit(shape, value, () => undefined);
  if (!best) return false;
  best.apply();
  return true;
};

/** Cuts lists and strings in half, largest first, until the body is at most `maxBytes`; still valid by the shape. */
const fitBody = (shape: StructureShape, value: Record<string, unknown>, maxBytes = MAX_BODY_BYTES): Record<string, unknown> => {
  for (let round = 0; round < 200 && jsonBytes(value) > maxBytes; round++) if (!halveLargest(shape, value)) break;
  return value;
};

// --- what exists --------------------------------------------------------------------------------------------

/** What the fuzz account has made through the API, so that generated requests name things that exist. */
export interface World {
  /** Pipelines with runs and definitions, and the ids of their objects (components, instances, attempts). The fuzz never deletes these. */
  readonly pipelines: { readonly pipelineId: string; readonly objectIds: string[] }[];
  /** Pipelines DeletePipeline may take (the fuzz's own, one with a run, one deleted), and an id that names none. */
  readonly disposable: string[];
  readonly taskIds: string[];
  readonly workerGroups: string[];
}

const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString().slice(0, 19);

const objectsOf = async (client: RawClient, pipelineId: string, components: string[]) => {
  const ids = new Set(components);
  for (const sphere of ['INSTANCE', 'ATTEMPT']) {
    const listed = await must(client.call('QueryObjects', { pipelineId, sphere, limit: 1000 }), 'QueryObjects');
    for (const id of listed.ids as string[]) ids.add(id);
  }
  return [...ids];
};

/**
 * Makes the fuzz account's world through the API: an on-demand pipeline activated and polled (a task RUNNING,
 * one FINISHED, one waiting on a dependency), a 15-minute schedule backfilled over the last two days and polled,
 * a pipeline with a definition never activated, one with a run that the fuzz may delete, and a deleted one.
 */
export const prepareWorld = async (client: RawClient): Promise<World> => {
  const tag = Math.random().toString(36).slice(2, 8);
  const wgOnDemand = `fuzz-ondemand-${tag}`;
  const wgScheduled = `fuzz-scheduled-${tag}`;
  const parameterObjects = [
    {
      id: 'myP1',
      attributes: [
        { key: 'type', stringValue: 'String' },
        { key: 'default', stringValue: 'p1' },
      ],
    },
  ];
  const onDemandObjects = [
    {
      id: 'Default',
      name: 'Default',
      fields: [
        { key: 'scheduleType', stringValue: 'ondemand' },
        { key: 'workerGroup', stringValue: wgOnDemand },
        { key: 'myL', stringValue: 'a' },
        { key: 'myL', stringValue: 'b' },
      ],
    },
    {
      id: 'A',
      name: 'A',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: 'echo #{@scheduledStartTime} #{myL}' },
      ],
    },
    {
      id: 'B',
      name: 'B',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: 'echo #{myP1}' },
        { key: 'dependsOn', refValue: 'A' },
      ],
    },
    {
      id: 'C',
      name: 'C',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: 'echo c' },
      ],
    },
  ];
  const onDemand = await pipelineWith(client, 'fuzz-ondemand', { pipelineObjects: onDemandObjects, parameterObjects });
  await activate(client, onDemand.pipelineId);
  const first = await pollTask(client, wgOnDemand);
  const second = await pollTask(client, wgOnDemand);
  await must(client.call('SetTaskStatus', { taskId: second.taskId, taskStatus: 'FINISHED' }), 'SetTaskStatus');
  const scheduledObjects = [
    {
      id: 'Default',
      name: 'Default',
      fields: [
        { key: 'scheduleType', stringValue: 'cron' },
        { key: 'schedule', refValue: 'S' },
        { key: 'workerGroup', stringValue: wgScheduled },
      ],
    },
    {
      id: 'S',
      name: 'S',
      fields: [
        { key: 'type', stringValue: 'Schedule' },
        { key: 'period', stringValue: '15 minutes' },
        { key: 'startDateTime', stringValue: minutesAgo(2 * 24 * 60) },
      ],
    },
    {
      id: 'Run',
      name: 'Run',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: "echo #{format(@scheduledStartTime,'YYYY-MM-dd HH:mm')}" },
      ],
    },
    {
      id: 'Check',
      name: 'Check',
      fields: [
        { key: 'type', stringValue: 'ShellCommandPrecondition' },
        { key: 'command', stringValue: 'true' },
      ],
    },
    {
      id: 'Guarded',
      name: 'Guarded',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        { key: 'command', stringValue: 'echo #{node.@id}' },
        { key: 'precondition', refValue: 'Check' },
      ],
    },
  ];
  const scheduled = await pipelineWith(client, 'fuzz-scheduled', {
    pipelineObjects: scheduledObjects,
    parameterObjects,
    parameterValues: [{ id: 'myP1', stringValue: '#{myP1}' }],
  });
  await activate(client, scheduled.pipelineId);
  const third = await pollTask(client, wgScheduled);
  const idle = await pipelineWith(client, 'fuzz-idle', {
    pipelineObjects: [{ id: 'Default', name: 'Default', fields: [{ key: 'scheduleType', stringValue: 'ondemand' }] }],
  });
  const doomed = await pipelineWith(client, 'fuzz-doomed', { pipelineObjects: onDemandObjects, parameterObjects });
  await activate(client, doomed.pipelineId);
  const deleted = await createPipeline(client, 'fuzz-deleted');
  await must(client.call('DeletePipeline', { pipelineId: deleted }), 'DeletePipeline');
  return {
    pipelines: [
      { pipelineId: onDemand.pipelineId, objectIds: await objectsOf(client, onDemand.pipelineId, ['Default', 'A', 'B', 'C']) },
      { pipelineId: scheduled.pipelineId, objectIds: await objectsOf(client, scheduled.pipelineId, ['Default', 'S', 'Run', 'Check', 'Guarded']) },
      { pipelineId: idle.pipelineId, objectIds: ['Default'] },
    ],
    disposable: [doomed.pipelineId, deleted, 'df-00000000000000000000'],
    taskIds: [first.taskId, second.taskId, third.taskId],
    workerGroups: [wgOnDemand, wgScheduled],
  };
};

/** Adds what an answer names (a new pipeline, a task handed out, object ids) to the world, so that later requests use it. */
export const learnFrom = (world: World, request: FuzzRequest, status: number, body: unknown): void => {
  if (status !== 200 || typeof body !== 'object' || body === null) return;
  const b = body as Record<string, unknown>;
  const add = (list: string[], v: unknown, cap = 200) => {
    if (typeof v === 'string' && !list.includes(v) && list.length < cap) list.push(v);
  };
  const objectsOfPipeline = (pipelineId: unknown) => world.pipelines.find((p) => p.pipelineId === pipelineId)?.objectIds;
  if (request.operation === 'CreatePipeline') add(world.disposable, b.pipelineId, 100);
  if (request.operation === 'PollForTask' && b.taskObject) {
    const task = b.taskObject as { taskId?: string; pipelineId?: string; objects?: Record<string, unknown> };
    add(world.taskIds, task.taskId);
    const known = objectsOfPipeline(task.pipelineId);
    if (known) for (const id of Object.keys(task.objects ?? {})) add(known, id);
  }
  if (request.operation === 'QueryObjects' && Array.isArray(b.ids)) {
    const known = objectsOfPipeline(request.body.pipelineId);
    if (known) for (const id of b.ids.slice(0, 20)) add(known, id);
  }
};

// --- plausible values ---------------------------------------------------------------------------------------

const EXPRESSIONS = [
  '#{@scheduledStartTime}',
  "#{format(@scheduledStartTime,'YYYY-MM-dd HH:mm:ss Z')}",
  "#{format(minusDays(@scheduledStartTime,1),'EEEE, MMMM d, yyyy')}",
  "#{inTimeZone(@scheduledStartTime,'America/Los_Angeles')}",
  "#{inTimeZone(@scheduledStartTime,'aMeRiCa/NeW_yOrK')}",
  '#{plusYears(@scheduledStartTime, 999999999)}',
  "#{plusMinutes(inTimeZone('9999-12-31T23:59:59','Pacific/Kiritimati'), 1)}",
  '#{makeDateTime(9999,12,31,23,59)}',
  '#{myP1}',
  '#{*myP1}',
  '#{myL+myL+myL+myL+myL+myL}',
  '#{myL + 1}',
  '#{node.@id}',
  '#{parent.@id}',
  '#{@id}.#{name}',
  '#{schedule.period}',
  '#{@scheduledStartTime.format("YYYY")}',
  '#{1/0}',
  '#{9007199254740991 * 9007199254740991}',
  '#{-(-(-(-1)))}',
  "#{'}'}",
  '#{',
  '#{}',
  '#{unknownFunction(1)}',
  '#{f0}',
  DASHES,
  PARENS_IN_A_FIELD,
  `#{${'('.repeat(32)}1${')'.repeat(32)}}`,
  `#{${'('.repeat(33)}1${')'.repeat(33)}}`,
  `#{format(@scheduledStartTime,'${'y'.repeat(5000)}')}`,
  `#{inTimeZone(@scheduledStartTime,'${'Z'.repeat(5000)}')}`,
];

const PERIODS = [
  '15 minutes',
  '1 hours',
  '1 Day',
  '2 weeks',
  '1 months',
  '1 years',
  '9000 years',
  '99999999999999999999 minutes',
  '0 minutes',
  '1 seconds',
  '0 seconds',
  '14 minutes',
  '-1 hours',
  'every day',
];
const DATETIMES = [
  '0001-01-01T00:00:00',
  '2012-12-12T00:00:00',
  '2026-01-01T00:00:00',
  '9999-12-31T23:45:00',
  '9999-12-31T23:59:59',
  '10000-01-01T00:00:00',
  '2026-02-30T00:00:00',
  '#{@scheduledStartTime}',
];
const TYPES = [
  'ShellCommandActivity',
  'CopyActivity',
  'Schedule',
  'ShellCommandPrecondition',
  'Exists',
  'S3KeyExists',
  'Ec2Resource',
  'S3DataNode',
  'SnsAlarm',
  'NoSuchType',
];
const FIELD_NAMES = [
  'type',
  'command',
  'scriptArgument',
  'workerGroup',
  'schedule',
  'dependsOn',
  'parent',
  'precondition',
  'runsOn',
  'period',
  'startDateTime',
  'endDateTime',
  'startAt',
  'occurrences',
  'scheduleType',
  'failureAndRerunMode',
  'maximumRetries',
  'retryDelay',
  'attemptTimeout',
  'reportProgressTimeout',
  'maxActiveInstances',
  'myL',
  'myP1',
  'f0',
  'input',
  'output',
  'role',
  'resourceRole',
];
const SELECTOR_FIELDS = [
  'name',
  '@sphere',
  'parent',
  '@componentParent',
  '@instanceParent',
  '@status',
  '@scheduledStartTime',
  '@scheduledEndTime',
  '@actualStartTime',
  '@actualEndTime',
  'nope',
];

const marker = (value: Record<string, unknown>) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Definitions shaped like real ones (on demand or scheduled, dependencies, preconditions, parents, parameters) with edge values. */
const plausibleObjects = (world: World): fc.Arbitrary<unknown[]> => {
  const field = (key: string, value: fc.Arbitrary<string>) => value.map((stringValue) => ({ key, stringValue }));
  const group = fc.oneof(fc.constantFrom(...world.workerGroups), fc.constantFrom('wg', '中'.repeat(338), '😀'.repeat(254)));
  return fc.integer({ min: 1, max: 12 }).chain((n) => {
    const ids = Array.from({ length: n }, (_, i) => `A${i}`);
    const refTo = (key: string) => fc.constantFrom(...ids, 'S', 'Check', 'Nope').map((refValue) => ({ key, refValue }));
    const activity = (id: string) =>
      fc
        .tuple(
          fc.constantFrom(...TYPES),
          fc.array(field('command', fc.constantFrom(...EXPRESSIONS)), { minLength: 1, maxLength: 3 }),
          fc.array(
            fc.oneof(
              refTo('dependsOn'),
              refTo('precondition'),
              refTo('parent'),
              refTo('schedule'),
              field('scriptArgument', fc.constantFrom(...EXPRESSIONS)),
              field('maximumRetries', fc.constantFrom('0', '1', '5', '6', '99999999999999999999')),
              field('retryDelay', fc.constantFrom(...PERIODS)),
            ),
            { maxLength: 5 },
          ),
        )
        .map(([type, commands, more]) => ({ id, name: id, fields: [{ key: 'type', stringValue: type }, ...commands, ...more] }));
    const defaults = fc
      .tuple(fc.constantFrom('ondemand', 'cron', 'timeseries', 'ONDEMAND'), group, fc.constantFrom('CASCADE', 'none'), fc.boolean())
      .map(([scheduleType, workerGroup, mode, scheduled]) => ({
        id: 'Default',
        name: 'Default',
        fields: [
          { key: 'scheduleType', stringValue: scheduleType },
          { key: 'workerGroup', stringValue: workerGroup },
          { key: 'failureAndRerunMode', stringValue: mode },
          { key: 'retryDelay', stringValue: '1 seconds' },
          { key: 'myL', stringValue: 'x' },
          { key: 'myL', stringValue: '2' },
          ...(scheduled ? [{ key: 'schedule', refValue: 'S' }] : []),
        ],
      }));
    const schedule = fc
      .tuple(
        fc.constantFrom(...PERIODS),
        fc.constantFrom(...DATETIMES),
        fc.option(fc.constantFrom(...DATETIMES), { nil: undefined }),
        fc.option(fc.constantFrom('1', '3', '0', '99999999999999'), { nil: undefined }),
      )
      .map(([period, start, end, occurrences]) => ({
        id: 'S',
        name: 'S',
        fields: [
          { key: 'type', stringValue: 'Schedule' },
          { key: 'period', stringValue: period },
          start === '#{@scheduledStartTime}' ? { key: 'startAt', stringValue: 'FIRST_ACTIVATION_DATE_TIME' } : { key: 'startDateTime', stringValue: start },
          ...(end ? [{ key: 'endDateTime', stringValue: end }] : []),
          ...(occurrences ? [{ key: 'occurrences', stringValue: occurrences }] : []),
        ],
      }));
    const check = fc.constantFrom('true', 'false', DASHES).map((command) => ({
      id: 'Check',
      name: 'Check',
      fields: [
        { key: 'type', stringValue: 'ShellCommandPrecondition' },
        { key: 'command', stringValue: command },
      ],
    }));
    return fc.tuple(defaults, schedule, check, ...ids.map(activity)).map((objects) => objects);
  });
};

/** The hints of every operation's members, from what exists. */
const hintsFor = (world: World): Hints => {
  const core = world.pipelines.map((p) => p.pipelineId);
  const pipelineId = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...core) }, { weight: 1, arbitrary: fc.constantFrom(...world.disposable) });
  const objectId = fc.oneof(
    fc.constantFrom(...world.pipelines.flatMap((p) => p.objectIds)),
    fc.constantFrom('Default', '@nope', '@A_2026-01-01T00:00:00_Attempt=1'),
  );
  const expression = fc.oneof(
    fc.constantFrom(...EXPRESSIONS),
    fc.array(fc.constantFrom(...EXPRESSIONS, ' and ', 'text '), { minLength: 1, maxLength: 40 }).map((parts) => parts.join('')),
  );
  const rare = <T>(common: fc.Arbitrary<T>, odd: fc.Arbitrary<T>) => fc.oneof({ weight: 12, arbitrary: common }, { weight: 1, arbitrary: odd });
  return {
    pipelineId,
    'pipelineIds[]': pipelineId,
    taskId: fc.constantFrom(...world.taskIds),
    objectId,
    'objectIds[]': objectId,
    workerGroup: fc.constantFrom(...world.workerGroups),
    sphere: rare(fc.constantFrom('COMPONENT', 'INSTANCE', 'ATTEMPT'), fc.constant('attempt')),
    status: rare(fc.constantFrom('PAUSE', 'RESUME', 'TRY_CANCEL', 'RERUN', 'MARK_FINISHED'), fc.constant('CANCEL')),
    version: rare(fc.constantFrom('latest', 'active'), fc.constant('ACTIVE')),
    expression,
    marker: fc.oneof(
      fc.integer({ min: 0, max: 2000 }).map((offset) => marker({ offset })),
      fc.constantFrom(marker({ offset: Number.MAX_SAFE_INTEGER }), marker({ after: 'df-' }), marker({ after: '\uffff' }), marker({ offset: -1 }), ''),
      fc.constantFrom(...core).map((after) => marker({ after })),
    ),
    pipelineObjects: plausibleObjects(world),
    'pipelineObjects[].fields[].key': fc.constantFrom(...FIELD_NAMES),
    'pipelineObjects[].fields[].stringValue': fc.oneof(
      fc.constantFrom(...EXPRESSIONS, ...PERIODS, ...DATETIMES, ...TYPES, 'ondemand', 'cron'),
      fc.constantFrom(...world.workerGroups),
    ),
    'pipelineObjects[].fields[].refValue': fc.constantFrom('Default', 'A0', 'A1', 'S', 'Check'),
    'parameterObjects[].id': fc.constantFrom('myP1', 'myP2', 'myL'),
    'parameterObjects[].attributes[].key': fc.constantFrom('type', 'default', 'description', 'optional', 'allowedValues', 'isArray'),
    'parameterObjects[].attributes[].stringValue': fc.constantFrom('String', 'Integer', 'Double', 'AWS::S3::ObjectKey', 'Boolean', ...EXPRESSIONS),
    'parameterValues[].id': rare(fc.constantFrom('myP1', 'myP2'), fc.constant('myUndeclared')),
    'parameterValues[].stringValue': fc.constantFrom(...EXPRESSIONS, 'plain'),
    'query.selectors[].fieldName': fc.constantFrom(...SELECTOR_FIELDS),
    'query.selectors[].operator.type': rare(fc.constantFrom('EQ', 'REF_EQ', 'LE', 'GE', 'BETWEEN'), fc.constant('LIKE')),
    'query.selectors[].operator.values[]': fc.constantFrom(
      '0001-01-01T00:00:00',
      '9999-12-31T23:59:59',
      '2026-01-01T00:00:00',
      'RUNNING',
      'WAITING_FOR_RUNNER',
      'FINISHED',
      'A',
      'Run',
      'Default',
      'not a date',
    ),
    'fields[].key': fc.constantFrom('progress', 'type', '@status', 'command'),
    'tags[].key': rare(fc.constantFrom('env', 'team', 'k', '😀'.repeat(128)), fc.constantFrom('aws:reserved', 'AWS:x')),
    'tagKeys[]': fc.constantFrom('env', 'k', 'aws:reserved'),
    taskrunnerId: fc.constantFrom('runner-1', '😀'.repeat(256), '😀'.repeat(257), 'x'.repeat(1024)),
    limit: fc.constantFrom(1, 2, 100, 1000, 1001, 0, -1, Number.MAX_SAFE_INTEGER),
  };
};

/** Ids that belong together: a pipeline and objects of its own (DescribeObjects, EvaluateExpression, SetStatus reach their objects). */
const pipelineAndObjects = (world: World) =>
  fc
    .constantFrom(...world.pipelines)
    .chain((p) => fc.record({ pipelineId: fc.constant(p.pipelineId), objectIds: fc.array(fc.constantFrom(...p.objectIds), { minLength: 1, maxLength: 100 }) }));

export interface FuzzRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

/** Any of the 19 operations with a body valid by its input shape, at most MAX_BODY_BYTES. */
const requestArbitrary = (world: World): fc.Arbitrary<FuzzRequest> => {
  const hints = hintsFor(world);
  // DeletePipeline takes only what the fuzz may lose: deleting the world's pipelines would leave later requests nothing but PipelineDeletedException.
  const perOperationHints: Record<string, Hints> = { DeletePipeline: { ...hints, pipelineId: fc.constantFrom(...world.disposable) } };
  const together = pipelineAndObjects(world);
  const perOperation = Object.entries(OPERATION_INPUTS).map(([operation, shape]) => {
    const generic = fc.oneof(...PROFILES.map((profile) => arbitraryOf(shape, perOperationHints[operation] ?? hints, '', profile))) as fc.Arbitrary<
      Record<string, unknown>
    >;
    // Half of the calls that name objects name objects of the pipeline they name.
    const body =
      'objectIds' in shape.members || 'objectId' in shape.members
        ? fc.oneof(
            generic,
            fc.tuple(generic, together).map(([b, t]) => ({
              ...b,
              pipelineId: t.pipelineId,
              ...('objectIds' in shape.members ? { objectIds: t.objectIds } : { objectId: t.objectIds[0] }),
            })),
          )
        : generic;
    return body.map((b) => ({ operation, body: fitBody(shape, b) }));
  });
  return fc.oneof(...perOperation);
};

/** `count` requests from `seed`, made `batch` at a time from the world as it is then (answers add to it between batches). */
export function* fuzzRequests(world: World, count: number, seed: number, batch = 50): Generator<FuzzRequest> {
  for (let made = 0, round = 0; made < count; round++) {
    const n = Math.min(batch, count - made);
    // A fresh arbitrary each batch: the world has grown; the seed of each batch follows from the run's.
    for (const r of fc.sample(requestArbitrary(world), { seed: (seed + round * 7919) | 0, numRuns: n })) yield r;
    made += n;
  }
}
