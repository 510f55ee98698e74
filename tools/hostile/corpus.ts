/**
 * The hostile corpus: requests that are valid by the service model (under its limits) but cost the endpoint
 * as much as a request can, one case per item of issue 16 and more. Each case makes its own state through the
 * API (no table access), so it runs against any endpoint of ours, and pins the answer docs/behaviour.md (§11,
 * Limits) gives it: a documented 400 or a 200 with a bounded answer, never a 5xx, a hang or a dropped
 * connection. Cases marked `relaxed` need an endpoint started with --relaxed-limits.
 */
import { randomBytes } from 'node:crypto';
import { describeAnswer, RawAnswer, RawClient } from './raw-client';

// Cases are built per run and closures hold their fixtures, so the context type is left to each case.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Ctx = any;

export interface HostileCase {
  readonly name: string;
  /** The item of issue 16's "Why" list the case covers, or `extra`. */
  readonly covers: string;
  /** Makes the case's state through the API; throws SetupFailed when the endpoint refuses it. */
  readonly setup?: (client: RawClient) => Promise<Ctx>;
  readonly operation: string;
  /** The request body (an object, or a string sent as it is); `i` counts the repeats. */
  readonly body: (ctx: Ctx, i: number) => unknown;
  /** Sent this many times (bodies may differ by `i`), each answer held to `expect`: for caches that grow per request. */
  readonly repeat?: number;
  readonly expect: { readonly status: number; readonly type?: string };
  /** What else the answer must show (a field as written, a page size...): undefined when it does, else why not. */
  readonly check?: (answer: RawAnswer, ctx: Ctx, client: RawClient) => Promise<string | undefined> | string | undefined;
  /** Needs an endpoint with relaxed limits (periods in seconds). */
  readonly relaxed?: boolean;
  /**
   * Why the case takes tens of seconds (it waits out leases, or the endpoint does while the bug it shows is
   * there): `npm run fuzz` and the bench run it, the jest test lists it as skipped to stay within its time.
   */
  readonly slow?: string;
}

export class SetupFailed extends Error {}

/** Each run's names differ, so that a corpus can run again against the same endpoint (CreatePipeline is idempotent on name + uniqueId). */
const RUN = randomBytes(4).toString('hex');
let serial = 0;
const unique = (tag: string) => `${tag}-${RUN}-${++serial}`;

const bodyOf = (a: RawAnswer) => (typeof a.body === 'object' && a.body !== null ? (a.body as Record<string, unknown>) : {});

/** The answer's body when it is 200, else SetupFailed naming the step. */
export const must = async (answer: Promise<RawAnswer>, what: string): Promise<Ctx> => {
  const a = await answer;
  if (a.status !== 200) throw new SetupFailed(`${what}: ${describeAnswer(a)}`);
  return bodyOf(a);
};

const str = (key: string, stringValue: string) => ({ key, stringValue });
const ref = (key: string, refValue: string) => ({ key, refValue });
const obj = (id: string, fields: { key: string; stringValue?: string; refValue?: string }[], name = id) => ({ id, name, fields });

export interface Definition {
  readonly pipelineObjects: unknown[];
  readonly parameterObjects?: unknown[];
  readonly parameterValues?: unknown[];
}

export const createPipeline = async (client: RawClient, tag: string): Promise<string> =>
  (await must(client.call('CreatePipeline', { name: tag, uniqueId: unique(tag) }), `CreatePipeline ${tag}`)).pipelineId as string;

/** A pipeline with the definition put (its report returned too); the put must be accepted, errored or not. */
export const pipelineWith = async (client: RawClient, tag: string, definition: Definition) => {
  const pipelineId = await createPipeline(client, tag);
  const report = await must(client.call('PutPipelineDefinition', { pipelineId, ...definition }), `PutPipelineDefinition ${tag}`);
  return { pipelineId, report };
};

export const activate = (client: RawClient, pipelineId: string, extra: Record<string, unknown> = {}) =>
  must(client.call('ActivatePipeline', { pipelineId, ...extra }), 'ActivatePipeline');

/** A poll that must hand out a task at once (the work is ready): a long poll that finds nothing is a setup failure. */
export const pollTask = async (client: RawClient, workerGroup: string) => {
  const polled = await must(client.call('PollForTask', { workerGroup, hostname: 'hostile' }), `PollForTask ${workerGroup.slice(0, 40)}`);
  if (!polled.taskObject) throw new SetupFailed(`PollForTask ${workerGroup.slice(0, 40)} handed out nothing`);
  return polled.taskObject as { taskId: string; attemptId: string; objects: Record<string, { id: string; fields: { key: string; stringValue?: string }[] }> };
};

const onDemandDefault = (workerGroup: string, more: ReturnType<typeof str>[] = []) =>
  obj('Default', [str('scheduleType', 'ondemand'), str('workerGroup', workerGroup), str('failureAndRerunMode', 'CASCADE'), ...more]);
const shell = (id: string, command: string, more: { key: string; stringValue?: string; refValue?: string }[] = []) =>
  obj(id, [str('type', 'ShellCommandActivity'), str('command', command), ...more]);

/** A fixture shared by several cases of one run (per client, so each run makes its own). */
const shared = <T>(build: (client: RawClient) => Promise<T>) => {
  const made = new WeakMap<RawClient, Promise<T>>();
  return (client: RawClient): Promise<T> => {
    let p = made.get(client);
    if (!p) made.set(client, (p = build(client)));
    return p;
  };
};

// --- checks -------------------------------------------------------------------------------------------------

const messagesOf = (report: Ctx): string[] => [
  ...(report.validationErrors ?? []).flatMap((e: { errors: string[] }) => e.errors),
  ...(report.validationWarnings ?? []).flatMap((w: { warnings: string[] }) => w.warnings),
];

const erroredWith = (code: RegExp) => (a: RawAnswer) => {
  const b = bodyOf(a);
  if (b.errored !== true) return `expected errored: true, got ${JSON.stringify(b).slice(0, 300)}`;
  return messagesOf(b).some((m) => code.test(m)) ? undefined : `no message matches ${code}: ${JSON.stringify(messagesOf(b)).slice(0, 400)}`;
};

const messageMatches = (re: RegExp) => (a: RawAnswer) => {
  const m = String(bodyOf(a).message ?? '');
  return re.test(m) ? undefined : `message ${JSON.stringify(m.slice(0, 300))} does not match ${re}`;
};

/** Every string of the answer is well-formed UTF-16 (the model's patterns allow no lone surrogate; clients decode them as U+FFFD). */
export const illFormedStrings = (value: unknown, path = ''): string[] => {
  if (typeof value === 'string')
    return value.isWellFormed() ? [] : [`${path || '(body)'}: ${JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value)}`];
  if (Array.isArray(value)) return value.flatMap((v, i) => illFormedStrings(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null) return Object.entries(value).flatMap(([k, v]) => illFormedStrings(v, path ? `${path}.${k}` : k));
  return [];
};

const wellFormed = (a: RawAnswer) => {
  const bad = illFormedStrings(a.body);
  return bad.length === 0 ? undefined : `the answer holds ill-formed text (a lone surrogate): ${bad.slice(0, 3).join('; ')}`;
};

const all =
  (...checks: ((a: RawAnswer, ctx: Ctx, client: RawClient) => Promise<string | undefined> | string | undefined)[]) =>
  async (a: RawAnswer, ctx: Ctx, client: RawClient) => {
    for (const c of checks) {
      const why = await c(a, ctx, client);
      if (why !== undefined) return why;
    }
    return undefined;
  };

const fieldOf = (o: { fields: { key: string; stringValue?: string }[] } | undefined, key: string) =>
  o?.fields.filter((f) => f.key === key).map((f) => f.stringValue);
/** The PollForTask answer's task object, if it handed one out. */
const taskOf = (a: RawAnswer) => bodyOf(a).taskObject as { objects: Record<string, { fields: { key: string; stringValue?: string }[] }> } | undefined;
/** A setup, then its pipeline activated. */
const thenActivated =
  <T extends { pipelineId: string }>(setup: (client: RawClient) => Promise<T>) =>
  async (client: RawClient): Promise<T> => {
    const made = await setup(client);
    await activate(client, made.pipelineId);
    return made;
  };

/** Lambda returns at most 6 MB; the endpoint keeps every answer under 6,283,264 bytes (§11). */
const ANSWER_LIMIT = 6_283_264;
const under = (bytes: number) => (a: RawAnswer) => (a.bytes < bytes ? undefined : `the answer took ${a.bytes} bytes; expected under ${bytes}`);

// --- values -------------------------------------------------------------------------------------------------

const EMOJI = '😀';
const CJK = '中';
/** A field value of 10,239 UTF-8 bytes: unary minus nested 10,235 deep. */
export const DASHES = `#{${'-'.repeat(10_235)}1}`;
/** Nested parentheses that fit a field value (10,240 bytes): 5,117 deep. */
export const PARENS_IN_A_FIELD = `#{${'('.repeat(5117)}1${')'.repeat(5117)}}`;
const PARENS_20K = `#{${'('.repeat(20_000)}1${')'.repeat(20_000)}}`;
/** 8.64e12 seconds: past year 275,000 (Date's own limit is 8.64e15 ms). */
const FAR_FUTURE_SECONDS = 8.64e12;
const YEAR_9999_LAST_SECOND = 253_402_300_799;

/** A letter-case spelling of a zone, different per `i` (the endpoint once cached a formatter per spelling). */
const spelling = (zone: string, i: number) => Array.from(zone, (ch, k) => (((i * 2654435761) >>> (k % 31)) & 1 ? ch.toUpperCase() : ch.toLowerCase())).join('');

// --- fixtures -----------------------------------------------------------------------------------------------

/** A Default whose field `myL` is given 49 times (1.9 KB of definition): `myL + myL` is a list of 2,401 values. */
const listField = shared((client) =>
  pipelineWith(client, 'list-49', {
    pipelineObjects: [
      obj('Default', [
        str('scheduleType', 'ondemand'),
        ...Array.from({ length: 49 }, (_, i) => str('myL', `v${String(i).padStart(2, '0')}-abcdefghijklmnopqrst`)),
      ]),
    ],
  }),
);

/** Fields `f0` to `f8`, each the sum of the next nine times (fan-out 9, depth 8): `f8` is `leaf`. */
const fanOut = (leaf: string) => {
  const fields = [str('scheduleType', 'ondemand'), str('workerGroup', unique('wg-fan'))];
  for (let d = 0; d < 8; d++)
    fields.push(
      str(
        `f${d}`,
        `#{${Array(9)
          .fill(`f${d + 1}`)
          .join('+')}}`,
      ),
    );
  fields.push(str('f8', leaf));
  return fields;
};
const fanOutNumbers = shared((client) => pipelineWith(client, 'fan-9x8-numbers', { pipelineObjects: [obj('Default', fanOut('1'))] }));
const fanOutText = shared(async (client) => {
  const fields = fanOut('x');
  const workerGroup = fields[1].stringValue;
  const made = await pipelineWith(client, 'fan-9x8-text', { pipelineObjects: [obj('Default', fields), shell('A', 'echo #{f0}')] });
  return { ...made, workerGroup };
});

/** A 15-minute Schedule from 0001-01-01 (cron), one activity, activated: backfilling from year 1. */
const yearOne = shared(async (client) => {
  const workerGroup = unique('wg-year-1');
  const made = await pipelineWith(client, 'schedule-year-1', {
    pipelineObjects: [
      obj('Default', [str('scheduleType', 'cron'), ref('schedule', 'Every15'), str('workerGroup', workerGroup), str('failureAndRerunMode', 'CASCADE')]),
      obj('Every15', [str('type', 'Schedule'), str('period', '15 minutes'), str('startDateTime', '0001-01-01T00:00:00')]),
      shell('Hello', 'echo #{format(@scheduledStartTime,"YYYY-MM-dd HH:mm")} #{inTimeZone(@scheduledStartTime,"America/Los_Angeles")}'),
    ],
  });
  return { ...made, workerGroup };
});
const yearOneActive = shared(async (client) => {
  const made = await yearOne(client);
  await activate(client, made.pipelineId);
  const instances = await must(client.call('QueryObjects', { pipelineId: made.pipelineId, sphere: 'INSTANCE', limit: 100 }), 'QueryObjects INSTANCE');
  return { ...made, instanceIds: instances.ids as string[] };
});

/** Parameter values that hold the hostile expressions; fields that use them. On demand, not activated. */
const parameterHeld = shared(async (client) => {
  const workerGroup = unique('wg-param');
  const made = await pipelineWith(client, 'parameter-held', {
    pipelineObjects: [onDemandDefault(workerGroup), shell('A', 'echo #{myDash}', [str('scriptArgument', '#{myParen}'), str('scriptArgument', '#{myZone}')])],
    parameterObjects: ['myDash', 'myParen', 'myZone'].map((id) => ({ id, attributes: [{ key: 'type', stringValue: 'String' }] })),
    parameterValues: [
      { id: 'myDash', stringValue: DASHES },
      { id: 'myParen', stringValue: PARENS_IN_A_FIELD },
      { id: 'myZone', stringValue: `#{inTimeZone('2020-01-01T00:00:00','${'Z'.repeat(10_000)}')}` },
    ],
  });
  return { ...made, workerGroup };
});

/** The hostile expressions written in the fields themselves: saved with INVALID_EXPRESSION errors, never activated. */
const fieldHeld = shared((client) =>
  pipelineWith(client, 'field-held', {
    pipelineObjects: [onDemandDefault(unique('wg-field')), shell('A', DASHES, [str('scriptArgument', PARENS_IN_A_FIELD)])],
  }),
);

/**
 * 100 attempts with large error texts: 99 activities (with Default, the most objects a definition has) each
 * failed once, and A0 retried once (maximumRetries 1, retryDelay 1 second: relaxed limits) and failed again.
 * Each attempt carries about 46 KB, 4.6 MB in all: past one page of DescribeObjects (4 MiB). Larger attempts
 * would show the same paging but make the setup slow, because every SetTaskStatus of a run task reads the
 * whole run (reported with issue 16's corpus).
 */
const bigAttempts = shared(async (client) => {
  const workerGroup = unique('wg-big');
  const activities = Array.from({ length: 99 }, (_, i) =>
    shell(`A${i}`, `echo ${i}`, i === 0 ? [str('maximumRetries', '1'), str('retryDelay', '1 seconds')] : []),
  );
  const { pipelineId } = await pipelineWith(client, 'big-attempts', {
    pipelineObjects: [onDemandDefault(workerGroup, [str('maximumRetries', '0')]), ...activities],
  });
  await activate(client, pipelineId);
  const fail = (taskId: string) =>
    must(
      client.call('SetTaskStatus', { taskId, taskStatus: 'FAILED', errorId: 'Hostile', errorMessage: EMOJI.repeat(11_000), errorStackTrace: 's'.repeat(2000) }),
      'SetTaskStatus',
    );
  const tasks: string[] = [];
  for (let i = 0; i < 99; i++) tasks.push((await pollTask(client, workerGroup)).taskId);
  const retryDue = Date.now() + 1000;
  // Four at a time: the handler's thread and the engine's then both have work.
  for (let i = 0; i < tasks.length; i += 4) await Promise.all(tasks.slice(i, i + 4).map(fail));
  // A0's retry is ready a second after its failure; failing the other 98 took about that long.
  await new Promise((r) => setTimeout(r, Math.max(0, retryDue - Date.now() + 200)));
  await fail((await pollTask(client, workerGroup)).taskId);
  const attempts = await must(client.call('QueryObjects', { pipelineId, sphere: 'ATTEMPT', limit: 1000 }), 'QueryObjects ATTEMPT');
  const attemptIds = attempts.ids as string[];
  if (attemptIds.length !== 100) throw new SetupFailed(`expected 100 attempts, QueryObjects listed ${attemptIds.length}`);
  return { pipelineId, attemptIds };
});

/**
 * The largest on-demand run (99 activities), every attempt handed out and holding 96 KB of reported fields
 * (ReportTaskProgress's bound): 9.5 MB of attempts, which every call that reads the run reads.
 */
const heavyRun = shared(async (client) => {
  const workerGroup = unique('wg-heavy-run');
  const activities = Array.from({ length: 99 }, (_, i) => shell(`A${i}`, 'echo'));
  const { pipelineId } = await pipelineWith(client, 'heavy-run', { pipelineObjects: [onDemandDefault(workerGroup), ...activities] });
  await activate(client, pipelineId);
  const fields = Array.from({ length: 9 }, (_, i) => str(`report${i}`, EMOJI.repeat(2700)));
  for (let i = 0; i < 99; i++) {
    const task = await pollTask(client, workerGroup);
    await must(client.call('ReportTaskProgress', { taskId: task.taskId, fields }), 'ReportTaskProgress');
  }
  const instances = await must(client.call('QueryObjects', { pipelineId, sphere: 'INSTANCE', limit: 1000 }), 'QueryObjects INSTANCE');
  return { pipelineId, instanceIds: instances.ids as string[] };
});

/**
 * A saved definition (errored: objects over 15,360 bytes) of 4.2 MB of JSON, its values 2.1 MB of backslashes:
 * each takes 2 bytes in JSON and 4 in an API Gateway proxy result, which carries the body as a JSON string.
 */
const backslashes = shared(async (client) => {
  const pipelineId = await createPipeline(client, 'backslashes');
  const pipelineObjects = Array.from({ length: 100 }, (_, i) =>
    obj(i === 0 ? 'Default' : `O${i}`, [str('type', 'S3DataNode'), ...[1, 2, 3].map((k) => str(`note${k}`, '\\'.repeat(7_000)))]),
  );
  const put = await client.call('PutPipelineDefinition', { pipelineId, pipelineObjects });
  if (put.status !== 200 && put.status !== 400) throw new SetupFailed(`PutPipelineDefinition: ${describeAnswer(put)}`);
  return { pipelineId, saved: put.status === 200, objectIds: pipelineObjects.map((o) => o.id) };
});

/**
 * An activity whose parent chain runs through 98 objects of 15 KB, each with a field that refers to itself:
 * the task object resolves every referenced object's inherited fields (1.5 MB of definition, no validation error).
 */
const deepChain = shared(async (client) => {
  const workerGroup = unique('wg-chain');
  const chain = Array.from({ length: 98 }, (_, i) =>
    obj(`P${i}`, [
      ...(i < 97 ? [ref('parent', `P${i + 1}`)] : []),
      ref(`self${i}`, `P${i}`),
      ...Array.from({ length: 47 }, (_, j) => str(`k${i}_${j}`, 'v'.repeat(300))),
    ]),
  );
  const { pipelineId, report } = await pipelineWith(client, 'deep-chain', {
    pipelineObjects: [onDemandDefault(workerGroup), shell('A', 'echo', [ref('parent', 'P0')]), ...chain],
  });
  if (report.errored) throw new SetupFailed(`the definition should be valid: ${JSON.stringify(report).slice(0, 300)}`);
  await activate(client, pipelineId);
  return { pipelineId, workerGroup };
});

/** heavyRun's run with leases of 2 seconds (relaxed limits), passed by the time the case polls. */
const heavyRunLeasesPassed = async (client: RawClient) => {
  const workerGroup = unique('wg-leases');
  const activities = Array.from({ length: 99 }, (_, i) => shell(`A${i}`, 'echo'));
  const { pipelineId } = await pipelineWith(client, 'leases-passed', {
    pipelineObjects: [onDemandDefault(workerGroup, [str('reportProgressTimeout', '2 seconds')]), ...activities],
  });
  await activate(client, pipelineId);
  const fields = Array.from({ length: 9 }, (_, i) => str(`report${i}`, EMOJI.repeat(2700)));
  for (let i = 0; i < 99; i++) {
    const task = await must(client.call('PollForTask', { workerGroup, hostname: EMOJI.repeat(1024) }), 'PollForTask');
    if (!task.taskObject) throw new SetupFailed('PollForTask handed out nothing');
    await must(client.call('ReportTaskProgress', { taskId: task.taskObject.taskId, fields }), 'ReportTaskProgress');
  }
  await new Promise((r) => setTimeout(r, 2500));
  return { pipelineId, workerGroup };
};

/** An on-demand pipeline activated and polled: a task of ours that is RUNNING. */
const runningTask = shared(async (client) => {
  const workerGroup = unique('wg-task');
  const { pipelineId } = await pipelineWith(client, 'running-task', {
    pipelineObjects: [onDemandDefault(workerGroup), shell('A', 'echo a'), shell('B', 'echo b')],
  });
  await activate(client, pipelineId);
  const task = await pollTask(client, workerGroup);
  return { pipelineId, workerGroup, taskId: task.taskId };
});

/** The worst ValidatePipelineDefinition report: 100 objects (the most), each with fields that each make a long, different message. */
const hugeReport = (char: string, fieldsPerObject: number, valueChars: number) => ({
  pipelineObjects: Array.from({ length: 100 }, (_, i) =>
    obj(
      `${char.repeat(1000)}${i}`,
      Array.from({ length: fieldsPerObject }, (_, k) => ({ key: `${k}${char.repeat(250)}`, refValue: `${k}${char.repeat(valueChars)}` })),
    ),
  ),
});

/** Definitions with dependsOn cycles. */
const cycle = (tag: string, objects: unknown[]) => shared((client) => pipelineWith(client, tag, { pipelineObjects: objects }));
const twoCycle = cycle('cycle-a-b-a', [
  onDemandDefault('wg-cycle'),
  shell('A', 'echo a', [ref('dependsOn', 'B')]),
  shell('B', 'echo b', [ref('dependsOn', 'A')]),
]);
const selfCycle = cycle('cycle-a-a', [onDemandDefault('wg-cycle'), shell('A', 'echo a', [ref('dependsOn', 'A')])]);
/** A cycle of all 99 activities, written as strings (read as references): found in one pass. */
const longCycle = cycle('cycle-99', [
  onDemandDefault('wg-cycle'),
  ...Array.from({ length: 99 }, (_, i) => shell(`A${i}`, 'echo', [str('dependsOn', `A${(i + 1) % 99}`)])),
]);

const zeroPeriod = (period: string) =>
  shared((client) =>
    pipelineWith(client, `period-${period.replace(/\W+/g, '-')}`, {
      pipelineObjects: [
        obj('Default', [str('scheduleType', 'cron'), ref('schedule', 'S'), str('workerGroup', unique('wg-zero'))]),
        obj('S', [str('type', 'Schedule'), str('period', period), str('startDateTime', '2026-01-01T00:00:00')]),
        shell('A', 'echo'),
      ],
    }),
  );
const zeroSeconds = zeroPeriod('0 seconds');
const zeroMinutes = zeroPeriod('0 minutes');

/** A Schedule whose period is so long that the second period would start after 9999: one period, then the schedule ends. */
const hugePeriod = (period: string) =>
  shared(async (client) => {
    const workerGroup = unique('wg-huge-period');
    const made = await pipelineWith(client, `period-huge-${period.length}`, {
      pipelineObjects: [
        obj('Default', [str('scheduleType', 'timeseries'), ref('schedule', 'S'), str('workerGroup', workerGroup)]),
        obj('S', [str('type', 'Schedule'), str('period', period), str('startDateTime', '0001-01-01T00:00:00')]),
        shell('A', 'echo #{@scheduledEndTime}'),
      ],
    });
    return { ...made, workerGroup };
  });
const centuriesPeriod = hugePeriod('9000 years');
const hugeCountPeriod = hugePeriod('99999999999999999999999 minutes');

const maxedPipeline = shared(async (client) => {
  const tags = Array.from({ length: 10 }, (_, i) => ({ key: `${i}${EMOJI.repeat(127)}`, value: EMOJI.repeat(256) }));
  const created = await must(
    client.call('CreatePipeline', { name: EMOJI.repeat(1024), uniqueId: `${unique('max')}${EMOJI.repeat(1000)}`, description: EMOJI.repeat(1024), tags }),
    'CreatePipeline with every member at its maximum',
  );
  return { pipelineId: created.pipelineId as string };
});

// --- the corpus ---------------------------------------------------------------------------------------------

const ok = { status: 200 } as const;
const invalid = { status: 400, type: 'InvalidRequestException' } as const;
const evaluate = (expression: string) => (ctx: Ctx) => ({ pipelineId: ctx.pipelineId, objectId: 'Default', expression });

export const HOSTILE_CORPUS: readonly HostileCase[] = [
  // A field given 49 times, summed six times over: 49^6 values if nothing bounded it.
  {
    name: 'list-field-49-times-summed-6-times',
    covers: 'a 1.9 KB definition (a field given 49 times) and EvaluateExpression #{myL+myL+myL+myL+myL+myL}',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate('#{myL+myL+myL+myL+myL+myL}'),
    expect: invalid,
    check: messageMatches(/more than 1,048,576 characters|more than 1,000,000 evaluation steps/),
  },
  {
    name: 'list-field-49-times-in-describe-objects',
    covers: 'a 1.9 KB definition (a field given 49 times): the list through DescribeObjects evaluateExpressions',
    setup: listField,
    operation: 'DescribeObjects',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: ['Default'], evaluateExpressions: true }),
    expect: ok,
  },
  // Fields referring to each other, fan-out 9, depth 8: 9^8 = 43,046,721 evaluations without memoization.
  {
    name: 'fan-out-9-depth-8-number-sum',
    covers: 'a valid 1 KB definition whose fields refer to each other (fan-out 9, depth 8)',
    setup: fanOutNumbers,
    operation: 'EvaluateExpression',
    body: evaluate('#{f0}'),
    expect: ok,
    check: (a) => (bodyOf(a).evaluatedExpression === String(9 ** 8) ? undefined : `expected ${9 ** 8}, got ${JSON.stringify(bodyOf(a).evaluatedExpression)}`),
  },
  {
    name: 'fan-out-9-depth-8-text',
    covers: 'a valid 1 KB definition whose fields refer to each other (fan-out 9, depth 8): text, 43 million characters',
    setup: fanOutText,
    operation: 'EvaluateExpression',
    body: evaluate('#{f0}'),
    expect: invalid,
    check: messageMatches(/characters of text/),
  },
  {
    name: 'fan-out-9-depth-8-text-in-describe-objects',
    covers: 'fan-out 9, depth 8 through DescribeObjects evaluateExpressions: the fields shown as written',
    setup: fanOutText,
    operation: 'DescribeObjects',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: ['Default', 'A'], evaluateExpressions: true }),
    expect: ok,
    check: (a) => {
      const objects = (bodyOf(a).pipelineObjects ?? []) as { id: string; fields: { key: string; stringValue?: string }[] }[];
      const f0 = fieldOf(
        objects.find((o) => o.id === 'Default'),
        'f0',
      );
      return f0?.[0]?.startsWith('#{f1+') ? undefined : `f0 should be shown as written, got ${JSON.stringify(f0?.[0]?.slice(0, 80))}`;
    },
  },
  {
    name: 'fan-out-9-depth-8-text-poll-for-task',
    covers: 'fan-out 9, depth 8 through PollForTask: the task handed out with the field as written',
    setup: thenActivated(fanOutText),
    operation: 'PollForTask',
    body: (ctx) => ({ workerGroup: ctx.workerGroup, hostname: 'hostile' }),
    expect: ok,
    check: (a) => {
      const task = taskOf(a);
      if (!task) return 'no task handed out';
      const command = fieldOf(task.objects.A, 'command');
      return command?.[0] === 'echo #{f0}' ? undefined : `A's command should be as written, got ${JSON.stringify(command?.[0]?.slice(0, 80))}`;
    },
  },
  // A 15-minute schedule from year 1: 73 million periods before today.
  {
    name: 'schedule-from-year-1-activate',
    covers: 'a Schedule starting at 0001-01-01 with a 15-minute period',
    setup: yearOne,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: ok,
  },
  {
    name: 'schedule-from-year-1-describe-pipelines',
    covers: 'a Schedule starting at 0001-01-01: every later call on the pipeline',
    setup: yearOneActive,
    operation: 'DescribePipelines',
    body: (ctx) => ({ pipelineIds: [ctx.pipelineId] }),
    expect: ok,
  },
  {
    name: 'schedule-from-year-1-query-objects',
    covers: 'a Schedule starting at 0001-01-01: every later call on the pipeline',
    setup: yearOneActive,
    operation: 'QueryObjects',
    body: (ctx) => ({
      pipelineId: ctx.pipelineId,
      sphere: 'INSTANCE',
      query: { selectors: [{ fieldName: '@scheduledStartTime', operator: { type: 'BETWEEN', values: ['0001-01-01T00:00:00', '0001-01-02T00:00:00'] } }] },
    }),
    expect: ok,
    check: (a) =>
      (bodyOf(a).ids as string[] | undefined)?.length === 5
        ? undefined
        : `expected the 5 instances backfilled first (maxActiveInstances), got ${JSON.stringify(bodyOf(a).ids)}`,
  },
  {
    name: 'schedule-from-year-1-describe-objects',
    covers: 'a Schedule starting at 0001-01-01: every later call on the pipeline',
    setup: yearOneActive,
    operation: 'DescribeObjects',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: ['Default', 'Every15', 'Hello', ...ctx.instanceIds], evaluateExpressions: true }),
    expect: ok,
  },
  {
    name: 'schedule-from-year-1-evaluate-on-an-instance',
    covers: 'a Schedule starting at 0001-01-01: every later call on the pipeline',
    setup: yearOneActive,
    operation: 'EvaluateExpression',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectId: ctx.instanceIds[0], expression: '#{minusMinutes(@scheduledStartTime, 1)}' }),
    expect: invalid,
    check: messageMatches(/outside the dates the service can write/),
  },
  {
    name: 'schedule-from-year-1-poll-for-task',
    covers: 'a Schedule starting at 0001-01-01: the first period handed out',
    setup: yearOneActive,
    operation: 'PollForTask',
    body: (ctx) => ({ workerGroup: ctx.workerGroup }),
    expect: ok,
    check: (a) => {
      const task = taskOf(a);
      const command = task && fieldOf(task.objects.Hello, 'command')?.[0];
      return command?.startsWith('echo 0001-01-01 00:00 0000-12-31T16:') ? undefined : `expected the first period's command, got ${JSON.stringify(command)}`;
    },
  },
  {
    name: 'schedule-from-year-1-reactivate-at-year-9999',
    covers: 'startTimestamp: the last second a date can hold',
    setup: yearOneActive,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, startTimestamp: YEAR_9999_LAST_SECOND }),
    expect: ok,
  },
  {
    name: 'schedule-from-year-1-deactivate',
    covers: 'a Schedule starting at 0001-01-01: every later call on the pipeline',
    setup: yearOneActive,
    operation: 'DeactivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: ok,
  },
  {
    name: 'schedule-of-9000-years-from-year-1',
    covers: "extra: a period so long that the next one would start after 9999 (over the guide's 3-year maximum: refused)",
    setup: centuriesPeriod,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: invalid,
  },
  {
    name: 'schedule-of-1e23-minutes',
    covers: "extra: a period count past what a number holds exactly (over the guide's 3-year maximum: refused)",
    setup: hugeCountPeriod,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: invalid,
  },
  {
    name: 'schedule-of-1e23-minutes-describe-pipelines',
    covers: 'extra: a period count past what a number holds exactly',
    setup: hugeCountPeriod, // saved with its validation error, never activated
    operation: 'DescribePipelines',
    body: (ctx) => ({ pipelineIds: [ctx.pipelineId] }),
    expect: ok,
  },
  {
    name: 'schedule-of-1-second-from-year-1-poll-for-task',
    covers: 'with relaxed limits, a 1-second Schedule from 0001-01-01: 64 billion periods before today',
    relaxed: true,
    setup: async (client) => {
      const workerGroup = unique('wg-1s');
      const { pipelineId } = await pipelineWith(client, 'schedule-1s-year-1', {
        pipelineObjects: [
          obj('Default', [str('scheduleType', 'timeseries'), ref('schedule', 'S'), str('workerGroup', workerGroup)]),
          obj('S', [
            str('type', 'Schedule'),
            str('period', '1 seconds'),
            str('startDateTime', '0001-01-01T00:00:00'),
            str('endDateTime', '9999-12-31T23:59:59'),
          ]),
          shell('A', 'echo #{@scheduledStartTime}'),
        ],
      });
      await activate(client, pipelineId);
      return { pipelineId, workerGroup };
    },
    operation: 'PollForTask',
    body: (ctx) => ({ workerGroup: ctx.workerGroup }),
    expect: ok,
    check: (a) => {
      const task = taskOf(a);
      const command = task && fieldOf(task.objects.A, 'command')?.[0];
      return command === 'echo 0001-01-01T00:00:00' ? undefined : `expected the first period, got ${JSON.stringify(command)}`;
    },
  },
  // startTimestamp 8.64e12 seconds.
  {
    name: 'activate-start-timestamp-8.64e12',
    covers: 'startTimestamp 8.64e12 on ActivatePipeline',
    setup: yearOne,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, startTimestamp: FAR_FUTURE_SECONDS }),
    expect: invalid,
    check: messageMatches(/startTimestamp/),
  },
  {
    name: 'activate-start-timestamp-minus-8.64e12',
    covers: 'startTimestamp 8.64e12 on ActivatePipeline: before year 1',
    setup: yearOne,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, startTimestamp: -FAR_FUTURE_SECONDS }),
    expect: invalid,
  },
  {
    name: 'activate-start-timestamp-1e308',
    covers: 'startTimestamp 8.64e12 on ActivatePipeline: the largest finite number',
    setup: yearOne,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, startTimestamp: 1.7976931348623157e308 }),
    expect: invalid,
  },
  {
    name: 'activate-start-timestamp-1e400-is-not-a-number',
    covers: 'extra: a JSON number past what a double holds is not a timestamp',
    setup: yearOne,
    operation: 'ActivatePipeline',
    body: (ctx) => `{"pipelineId":"${ctx.pipelineId}","startTimestamp":1e400}`,
    expect: { status: 400, type: 'SerializationException' },
  },
  {
    name: 'activate-start-timestamp-one-second-before-year-1',
    covers: 'startTimestamp: just outside what a date can hold',
    setup: yearOne,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, startTimestamp: -62_135_596_801 }),
    expect: invalid,
  },
  // A zero period with relaxed limits.
  {
    name: 'period-0-seconds-put',
    covers: 'with relaxed limits, a `0 seconds` period',
    relaxed: true,
    setup: createPipelineOnly('period-0-seconds'),
    operation: 'PutPipelineDefinition',
    body: (ctx) => ({
      pipelineId: ctx.pipelineId,
      pipelineObjects: [
        obj('Default', [str('scheduleType', 'cron'), ref('schedule', 'S'), str('workerGroup', 'wg-zero')]),
        obj('S', [str('type', 'Schedule'), str('period', '0 seconds'), str('startDateTime', '2026-01-01T00:00:00')]),
        shell('A', 'echo'),
      ],
    }),
    expect: ok,
    check: erroredWith(/^INVALID_FIELD_VALUE: 'period'/),
  },
  {
    name: 'period-0-seconds-activate',
    covers: 'with relaxed limits, a `0 seconds` period',
    relaxed: true,
    setup: zeroSeconds,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: invalid,
    check: messageMatches(/period/),
  },
  {
    name: 'period-0-minutes-activate',
    covers: 'a zero period in minutes (refused with relaxed limits too)',
    setup: zeroMinutes,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: invalid,
  },
  // Expressions past the nesting bound.
  {
    name: 'dashes-10239-bytes-evaluate',
    covers: 'a 10,239-byte field #{------...1}',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate(DASHES),
    expect: invalid,
    check: messageMatches(/more than 32 deep/),
  },
  {
    name: 'parentheses-20000-evaluate',
    covers: '20,000 nested parentheses',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate(PARENS_20K),
    expect: invalid,
    check: messageMatches(/more than 32 deep/),
  },
  {
    name: 'dashes-in-a-parameter-evaluate',
    covers: 'a 10,239-byte #{------...1} held by a parameter value',
    setup: parameterHeld,
    operation: 'EvaluateExpression',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectId: 'A', expression: 'run #{command}' }),
    expect: invalid,
  },
  {
    name: 'dashes-and-parentheses-in-parameters-describe-objects',
    covers: 'a 10,239-byte #{------...1} and nested parentheses through DescribeObjects evaluateExpressions',
    setup: parameterHeld,
    operation: 'DescribeObjects',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: ['A', 'Default'], evaluateExpressions: true }),
    expect: ok,
    check: (a) => {
      const objects = (bodyOf(a).pipelineObjects ?? []) as { id: string; fields: { key: string; stringValue?: string }[] }[];
      const A = objects.find((o) => o.id === 'A');
      const shown = [...(fieldOf(A, 'command') ?? []), ...(fieldOf(A, 'scriptArgument') ?? [])];
      const written = ['echo #{myDash}', '#{myParen}', '#{myZone}'];
      return JSON.stringify(shown) === JSON.stringify(written)
        ? undefined
        : `expected the fields as written ${JSON.stringify(written)}, got ${JSON.stringify(shown).slice(0, 200)}`;
    },
  },
  {
    name: 'dashes-and-parentheses-in-parameters-poll-for-task',
    covers: 'a 10,239-byte #{------...1} and nested parentheses through PollForTask after activation',
    setup: thenActivated(parameterHeld),
    operation: 'PollForTask',
    body: (ctx) => ({ workerGroup: ctx.workerGroup, hostname: 'hostile' }),
    expect: ok,
    check: (a) => {
      const task = taskOf(a);
      if (!task) return 'no task handed out: the attempt must be handed out with its fields as written';
      const command = fieldOf(task.objects.A, 'command');
      return command?.[0] === 'echo #{myDash}' ? undefined : `A's command should be as written, got ${JSON.stringify(command?.[0]?.slice(0, 80))}`;
    },
  },
  {
    name: 'dashes-in-a-field-put',
    covers: 'a 10,239-byte field #{------...1} at PutPipelineDefinition',
    setup: createPipelineOnly('dashes-field'),
    operation: 'PutPipelineDefinition',
    body: (ctx) => ({
      pipelineId: ctx.pipelineId,
      pipelineObjects: [onDemandDefault('wg-dashes'), shell('A', DASHES, [str('scriptArgument', PARENS_IN_A_FIELD)])],
    }),
    expect: ok,
    check: erroredWith(/^INVALID_EXPRESSION: field 'command'/),
  },
  {
    name: 'dashes-in-a-field-describe-objects',
    covers: 'a 10,239-byte field #{------...1} through DescribeObjects evaluateExpressions',
    setup: fieldHeld,
    operation: 'DescribeObjects',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: ['A'], evaluateExpressions: true }),
    expect: ok,
    check: (a) => {
      const A = ((bodyOf(a).pipelineObjects ?? []) as { id: string; fields: { key: string; stringValue?: string }[] }[])[0];
      return fieldOf(A, 'command')?.[0] === DASHES ? undefined : 'the command should be shown as written';
    },
  },
  {
    name: 'dashes-in-a-field-activate',
    covers: 'a 10,239-byte field #{------...1} at ActivatePipeline',
    setup: fieldHeld,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: invalid,
    check: messageMatches(/INVALID_EXPRESSION/),
  },
  // Dates past year 9999.
  {
    name: 'plus-years-999999999-utc',
    covers: 'plusYears(..., 999999999) in UTC',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate("#{plusYears('2020-01-01T00:00:00', 999999999)}"),
    expect: invalid,
    check: messageMatches(/years 1 to 9999/),
  },
  {
    name: 'plus-years-999999999-in-a-time-zone',
    covers: "plusYears(..., 999999999) inside inTimeZone(..., 'America/Los_Angeles')",
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate("#{plusYears(inTimeZone('2020-01-01T00:00:00','America/Los_Angeles'), 999999999)}"),
    expect: invalid,
    check: messageMatches(/years 1 to 9999/),
  },
  {
    name: 'plus-minutes-max-safe-integer',
    covers: 'extra: date arithmetic with the largest exact integer',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate("#{format(plusMinutes(inTimeZone('2020-01-01T00:00:00','Asia/Kolkata'), 9007199254740991), 'YYYY')}"),
    expect: invalid,
  },
  {
    name: 'minus-months-before-year-1-in-a-time-zone',
    covers: 'extra: the first date minus a month, in a zone west of UTC',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate("#{minusMonths(inTimeZone('0001-01-01T00:00:00','America/Los_Angeles'), 1)}"),
    expect: invalid,
  },
  {
    name: 'last-date-in-a-zone-east-of-utc',
    covers: 'extra: 9999-12-31T23:59:59 shown in a zone 14 hours ahead (its wall clock is in year 10000)',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate(
      "#{format(inTimeZone('9999-12-31T23:59:59','Pacific/Kiritimati'),'YYYY-MM-dd HH:mm ZZ')} #{inTimeZone('9999-12-31T23:59:59','Pacific/Kiritimati')}",
    ),
    expect: ok,
    check: (a) => (/NaN/.test(String(bodyOf(a).evaluatedExpression)) ? `NaN in ${JSON.stringify(bodyOf(a).evaluatedExpression)}` : undefined),
  },
  // Time-zone names.
  {
    name: 'time-zone-name-of-1-MB',
    covers: 'a 1 MB time-zone name',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate(`#{inTimeZone('2020-01-01T00:00:00','${'America/Los_Angeles'.repeat(55_189)}')}`),
    expect: invalid,
    check: messageMatches(/is not a time zone/),
  },
  {
    name: 'time-zone-names-in-random-letter-case',
    covers: 'time-zone names in random letter case (one request each, 300 spellings)',
    setup: listField,
    operation: 'EvaluateExpression',
    repeat: 300,
    body: (ctx, i) =>
      evaluate(
        `#{format(inTimeZone('2020-06-01T12:00:00','${spelling(i % 2 ? 'America/Argentina/ComodRivadavia' : 'Antarctica/DumontDUrville', i)}'), 'HH:mm z')}`,
      )(ctx),
    expect: ok,
  },
  {
    name: 'time-zone-aliases-unknown-spellings',
    covers: 'time-zone names: 300 different names that are not zones (each goes to Intl once, the cache is bounded)',
    setup: listField,
    operation: 'EvaluateExpression',
    repeat: 300,
    body: (ctx, i) => evaluate(`#{inTimeZone('2020-06-01T12:00:00','Etc/Nowhere_${i.toString(36)}${'x'.repeat(40)}')}`)(ctx),
    expect: invalid,
  },
  // Large definitions and their reports.
  {
    name: 'validate-5-MB-definition-ascii',
    covers: 'a 5 MB ValidatePipelineDefinition body',
    setup: createPipelineOnly('validate-5mb'),
    operation: 'ValidatePipelineDefinition',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, ...hugeReport('x', 100, 250) }),
    expect: ok,
    check: all(erroredWith(/^REFERENCE_TO_NONEXISTENT_OBJECT/), under(1024 * 1024)),
  },
  {
    name: 'validate-5-MB-definition-3-byte-characters',
    covers: 'a 5 MB ValidatePipelineDefinition body whose messages quote names of 3-byte characters',
    setup: createPipelineOnly('validate-5mb-cjk'),
    operation: 'ValidatePipelineDefinition',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, ...hugeReport(CJK, 32, 250) }),
    expect: ok,
    check: all(erroredWith(/^LIMIT_EXCEEDED|^REFERENCE_TO_NONEXISTENT_OBJECT/), under(ANSWER_LIMIT)),
  },
  {
    name: 'validate-5-MB-definition-most-report-text',
    covers: 'extra: a 5 MB ValidatePipelineDefinition whose report is as large as the caps allow: 500 warnings of 1,000 3-byte characters, ids of 1,024',
    setup: createPipelineOnly('validate-5mb-warnings'),
    operation: 'ValidatePipelineDefinition',
    body: (ctx) => {
      // Ids differ in their first characters, so that messages quoting them still differ once cut at 1,000.
      const id = (i: number) => `${String(i).padStart(4, '0')}${CJK.repeat(1020)}`;
      const pipelineObjects = Array.from({ length: 100 }, (_, i) =>
        obj(
          id(i),
          Array.from({ length: 16 }, (_, k) => str('dependsOn', id((i + k + 1) % 100))),
          'n',
        ),
      );
      return { pipelineId: ctx.pipelineId, pipelineObjects };
    },
    expect: ok,
    check: under(ANSWER_LIMIT),
  },
  {
    name: 'validate-5-MB-of-expressions-at-the-nesting-bound',
    covers: 'extra: 5 MB of expressions 32 deep, each a long chain: the parsing budget of one request (Put checks the same way)',
    setup: createPipelineOnly('validate-5mb-expressions'),
    operation: 'ValidatePipelineDefinition',
    body: (ctx) => ({
      pipelineId: ctx.pipelineId,
      pipelineObjects: Array.from({ length: 100 }, (_, i) =>
        obj(`O${i}`, [
          str('type', 'ShellCommandActivity'),
          str('workerGroup', 'wg'),
          ...Array.from({ length: 5 }, (_, k) => str('command', `#{${'('.repeat(32)}1${'+1'.repeat(4_900)}${')'.repeat(32)}} ${k}`)),
        ]),
      ),
    }),
    expect: ok,
  },
  {
    name: 'validation-message-cut-inside-a-surrogate-pair',
    covers: 'extra: names of 4-byte characters quoted in messages that are cut (at 64 or 1,000 characters)',
    setup: createPipelineOnly('surrogate-cut'),
    operation: 'ValidatePipelineDefinition',
    body: (ctx) => ({
      pipelineId: ctx.pipelineId,
      pipelineObjects: [
        obj('Default', [
          str('scheduleType', 'ondemand'),
          { key: `a${EMOJI.repeat(255)}`, refValue: EMOJI.repeat(256) },
          { key: `ab${EMOJI.repeat(254)}`, refValue: EMOJI.repeat(256) },
        ]),
      ],
    }),
    expect: ok,
    check: wellFormed,
  },
  {
    name: 'expression-error-quoting-a-4-byte-character',
    covers: 'extra: an expression error that quotes the character it stopped at',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate(`#{${'a'.repeat(63)}${EMOJI}+${EMOJI}}`),
    expect: invalid,
    check: wellFormed,
  },
  // Keys measured in UTF-8.
  {
    name: 'heartbeat-taskrunner-id-of-1024-emoji',
    covers: 'a taskrunnerId of 1,024 emoji (valid by the model: 1,024 code points)',
    operation: 'ReportTaskRunnerHeartbeat',
    body: () => ({ taskrunnerId: EMOJI.repeat(1024), workerGroup: 'wg', hostname: EMOJI.repeat(1024) }),
    expect: invalid,
    check: messageMatches(/UTF-8 bytes/),
  },
  {
    name: 'heartbeat-taskrunner-id-of-256-emoji',
    covers: 'a taskrunnerId of 1,024 UTF-8 bytes exactly: a key at its bound',
    operation: 'ReportTaskRunnerHeartbeat',
    body: () => ({ taskrunnerId: EMOJI.repeat(256), workerGroup: EMOJI.repeat(1024), hostname: EMOJI.repeat(1024) }),
    expect: ok,
  },
  {
    name: 'heartbeat-taskrunner-id-of-257-emoji',
    covers: 'a taskrunnerId of 1,028 UTF-8 bytes: one character past the bound',
    operation: 'ReportTaskRunnerHeartbeat',
    body: () => ({ taskrunnerId: EMOJI.repeat(257) }),
    expect: invalid,
  },
  {
    name: 'poll-worker-group-of-1024-emoji',
    covers: 'a PollForTask workerGroup of 1,024 emoji',
    operation: 'PollForTask',
    body: () => ({ workerGroup: EMOJI.repeat(1024), hostname: EMOJI.repeat(1024) }),
    expect: invalid,
    check: messageMatches(/UTF-8 bytes/),
  },
  {
    name: 'poll-worker-group-of-1014-bytes-with-work',
    covers: 'a worker group at its bound (1,014 UTF-8 bytes of 3-byte characters): activated and handed out',
    setup: async (client) => {
      const workerGroup = `${CJK.repeat(337)}${unique('').slice(0, 3)}`.slice(0, 338);
      const { pipelineId } = await pipelineWith(client, 'wg-1014', { pipelineObjects: [onDemandDefault(workerGroup), shell('A', 'echo')] });
      await activate(client, pipelineId);
      return { pipelineId, workerGroup };
    },
    operation: 'PollForTask',
    body: (ctx) => ({ workerGroup: ctx.workerGroup, hostname: EMOJI.repeat(1024) }),
    expect: ok,
    check: (a) => (bodyOf(a).taskObject ? undefined : 'no task handed out'),
  },
  {
    name: 'activity-worker-group-of-1015-bytes',
    covers: "an activity's worker group one byte past the bound",
    setup: createPipelineOnly('wg-1015'),
    operation: 'PutPipelineDefinition',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, pipelineObjects: [onDemandDefault(`${CJK.repeat(338)}x`), shell('A', 'echo')] }),
    expect: ok,
    check: erroredWith(/^LIMIT_EXCEEDED: the worker group/),
  },
  {
    name: 'describe-pipelines-25-ids-of-1024-emoji',
    covers: 'extra: pipeline ids longer than a key can be (4,096 UTF-8 bytes)',
    operation: 'DescribePipelines',
    body: () => ({ pipelineIds: Array.from({ length: 25 }, (_, i) => `${String.fromCharCode(65 + i)}${EMOJI.repeat(1023)}`) }),
    expect: { status: 400, type: 'PipelineNotFoundException' },
  },
  {
    name: 'set-task-status-task-id-of-2048-emoji',
    covers: 'extra: a taskId longer than a key can be (8,192 UTF-8 bytes)',
    operation: 'SetTaskStatus',
    body: () => ({
      taskId: EMOJI.repeat(2048),
      taskStatus: 'FAILED',
      errorMessage: EMOJI.repeat(65_536),
      errorStackTrace: EMOJI.repeat(4095),
      errorId: EMOJI.repeat(1024),
    }),
    expect: { status: 400, type: 'TaskNotFoundException' },
  },
  {
    name: 'create-pipeline-every-member-at-its-maximum-in-emoji',
    covers: 'extra: name, uniqueId, description and 10 tags at their maximum lengths in 4-byte characters',
    setup: maxedPipeline,
    operation: 'DescribePipelines',
    body: (ctx) => ({ pipelineIds: [ctx.pipelineId] }),
    expect: ok,
  },
  {
    name: 'list-pipelines-marker-of-1024-emoji',
    covers: 'extra: a marker that is not ours',
    operation: 'ListPipelines',
    body: () => ({ marker: EMOJI.repeat(1024) }),
    expect: invalid,
  },
  // dependsOn cycles.
  {
    name: 'depends-on-cycle-a-b-a-put',
    covers: '`dependsOn` cycles: A on B, B on A',
    setup: createPipelineOnly('cycle-put'),
    operation: 'PutPipelineDefinition',
    body: (ctx) => ({
      pipelineId: ctx.pipelineId,
      pipelineObjects: [onDemandDefault('wg-cycle'), shell('A', 'echo a', [ref('dependsOn', 'B')]), shell('B', 'echo b', [ref('dependsOn', 'A')])],
    }),
    expect: ok,
    check: erroredWith(/^INVALID_FIELD_VALUE: 'dependsOn' forms a cycle/),
  },
  {
    name: 'depends-on-cycle-a-b-a-activate',
    covers: '`dependsOn` cycles: A on B, B on A',
    setup: twoCycle,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: invalid,
    check: messageMatches(/cycle/),
  },
  {
    name: 'depends-on-self-put',
    covers: '`dependsOn` cycles: A on itself',
    setup: createPipelineOnly('cycle-self-put'),
    operation: 'PutPipelineDefinition',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, pipelineObjects: [onDemandDefault('wg-cycle'), shell('A', 'echo a', [ref('dependsOn', 'A')])] }),
    expect: ok,
    check: erroredWith(/^INVALID_FIELD_VALUE: 'dependsOn' forms a cycle/),
  },
  {
    name: 'depends-on-self-activate',
    covers: '`dependsOn` cycles: A on itself',
    setup: selfCycle,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: invalid,
    check: messageMatches(/cycle/),
  },
  {
    name: 'depends-on-cycle-of-99-activities-activate',
    covers: 'extra: a dependsOn cycle through all 99 activities, written as strings',
    setup: longCycle,
    operation: 'ActivatePipeline',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: invalid,
    check: messageMatches(/cycle/),
  },
  // ReportTaskProgress fields.
  {
    name: 'report-task-progress-5-MB-of-fields',
    covers: 'ReportTaskProgress with 5 MB of fields',
    setup: runningTask,
    operation: 'ReportTaskProgress',
    body: (ctx) => ({ taskId: ctx.taskId, fields: Array.from({ length: 500 }, (_, i) => str(`f${i}`, EMOJI.repeat(2_500))) }),
    expect: invalid,
    check: messageMatches(/bytes/),
  },
  {
    name: 'report-task-progress-fields-just-under-the-bound',
    covers: 'extra: reported fields just under 98,304 bytes, kept on the attempt',
    setup: runningTask,
    operation: 'ReportTaskProgress',
    body: (ctx) => ({ taskId: ctx.taskId, fields: Array.from({ length: 9 }, (_, i) => str(`f${i}`, EMOJI.repeat(2_700))) }),
    expect: ok,
  },
  // Answers of many large objects.
  {
    name: 'describe-objects-100-large-attempts-paged',
    covers: 'DescribeObjects of 100 attempt ids whose attempts carry large error messages',
    relaxed: true,
    setup: bigAttempts,
    operation: 'DescribeObjects',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: ctx.attemptIds, evaluateExpressions: true }),
    expect: ok,
    check: async (first, ctx, client) => {
      let page = first;
      const seen: string[] = [];
      for (let n = 1; ; n++) {
        if (page.status !== 200) return `page ${n}: ${describeAnswer(page)}`;
        if (page.bytes >= ANSWER_LIMIT) return `page ${n} took ${page.bytes} bytes`;
        const b = bodyOf(page);
        seen.push(...((b.pipelineObjects ?? []) as { id: string }[]).map((o) => o.id));
        if (b.hasMoreResults !== true) break;
        if (n > 100) return 'more than 100 pages';
        page = await client.call('DescribeObjects', { pipelineId: ctx.pipelineId, objectIds: ctx.attemptIds, evaluateExpressions: true, marker: b.marker });
      }
      if (bodyOf(first).hasMoreResults !== true) return 'expected more than one page: the attempts hold 4.6 MB, a page 4 MiB';
      return seen.length === 100 && new Set(seen).size === 100
        ? undefined
        : `the pages listed ${seen.length} objects (${new Set(seen).size} different), not the 100 asked`;
    },
  },
  {
    name: 'describe-pipelines-of-a-run-with-9.5-MB-of-attempts',
    covers: 'extra: a call that reads a run whose 99 attempts each hold 96 KB of reported fields',
    setup: heavyRun,
    operation: 'DescribePipelines',
    body: (ctx) => ({ pipelineIds: [ctx.pipelineId] }),
    expect: ok,
  },
  {
    name: 'set-status-try-cancel-99-instances-with-large-attempts',
    covers: 'extra: SetStatus TRY_CANCEL on every instance of the largest on-demand run, its attempts holding 96 KB of reported fields each',
    setup: heavyRun,
    operation: 'SetStatus',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: ctx.instanceIds, status: 'TRY_CANCEL' }),
    expect: ok,
  },
  {
    name: 'describe-objects-100-objects-of-backslashes-paged',
    covers: 'extra: the page bound (4 MiB of JSON) against the answer bound (payload bytes: quotes and backslashes count twice)',
    setup: backslashes,
    operation: 'DescribeObjects',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: ctx.objectIds }),
    expect: ok,
    check: async (first, ctx, client) => {
      let page = first;
      let seen = 0;
      for (let n = 1; n <= 100; n++) {
        if (page.status !== 200) return `page ${n}: ${describeAnswer(page)}`;
        const b = bodyOf(page);
        seen += ((b.pipelineObjects ?? []) as unknown[]).length;
        if (b.hasMoreResults !== true) break;
        page = await client.call('DescribeObjects', { pipelineId: ctx.pipelineId, objectIds: ctx.objectIds, marker: b.marker });
      }
      return !ctx.saved || seen === 100 ? undefined : `the pages listed ${seen} objects, not 100`;
    },
  },
  {
    name: 'get-pipeline-definition-of-a-4.2-MB-definition-of-backslashes',
    covers: 'extra: a definition PutPipelineDefinition saved must be readable (or refused when put)',
    setup: backslashes,
    operation: 'GetPipelineDefinition',
    body: (ctx) => ({ pipelineId: ctx.pipelineId }),
    expect: ok,
  },
  {
    name: 'poll-for-task-activity-with-a-98-object-parent-chain',
    covers: 'PollForTask on an activity whose task object cannot be handed out: never claimed and then refused',
    setup: deepChain,
    operation: 'PollForTask',
    body: (ctx) => ({ workerGroup: ctx.workerGroup }),
    expect: ok,
    check: async (a, ctx, client) => {
      if (bodyOf(a).taskObject) return undefined;
      // Nothing handed out: then the attempt must not be held (RUNNING) by nobody.
      const attempts = await must(client.call('QueryObjects', { pipelineId: ctx.pipelineId, sphere: 'ATTEMPT' }), 'QueryObjects ATTEMPT');
      const described = await must(client.call('DescribeObjects', { pipelineId: ctx.pipelineId, objectIds: attempts.ids }), 'DescribeObjects');
      const held = ((described.pipelineObjects ?? []) as { id: string; fields: { key: string; stringValue?: string }[] }[]).filter(
        (o) => fieldOf(o, '@status')?.[0] === 'RUNNING',
      );
      return held.length === 0 ? undefined : `no task handed out, yet ${held.map((o) => o.id).join(', ')} is RUNNING`;
    },
  },
  {
    name: 'poll-for-task-meeting-99-passed-leases-of-large-attempts',
    covers: 'extra: PollForTask gives up 99 passed leases of attempts holding 100 KB each (relaxed limits: a lease of 2 seconds)',
    relaxed: true,
    // Whether a poll passes its deadline depends on where its rounds of ten give-ups fall in its 14 s: in these
    // runs the first or second poll got a 500 three times out of four.
    slow: 'each poll may wait out its 14 s, and while leases are given up one run read per lease, about 30 s in all',
    setup: heavyRunLeasesPassed,
    operation: 'PollForTask',
    repeat: 2,
    body: (ctx) => ({ workerGroup: ctx.workerGroup }),
    expect: ok,
  },
  {
    name: 'query-objects-limit-max-safe-integer',
    covers: 'extra: QueryObjects limit at the largest integer',
    relaxed: true,
    setup: bigAttempts,
    operation: 'QueryObjects',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, sphere: 'ATTEMPT', limit: Number.MAX_SAFE_INTEGER }),
    expect: ok,
  },
  {
    name: 'query-objects-4-MB-of-selector-values',
    covers: 'extra: 10 selectors (the most) with 400 values of 1,024 characters each',
    setup: yearOneActive,
    operation: 'QueryObjects',
    body: (ctx) => ({
      pipelineId: ctx.pipelineId,
      sphere: 'INSTANCE',
      query: {
        selectors: Array.from({ length: 10 }, () => ({
          fieldName: '@status',
          operator: { type: 'EQ', values: Array.from({ length: 400 }, (_, i) => `${i}${'s'.repeat(1020)}`) },
        })),
      },
    }),
    expect: ok,
  },
  {
    name: 'describe-objects-marker-past-the-end',
    covers: 'extra: a marker of ours with the largest offset',
    setup: yearOneActive,
    operation: 'DescribeObjects',
    body: (ctx) => ({
      pipelineId: ctx.pipelineId,
      objectIds: ctx.instanceIds,
      marker: Buffer.from(JSON.stringify({ offset: Number.MAX_SAFE_INTEGER })).toString('base64url'),
    }),
    expect: ok,
  },
  {
    name: 'set-status-4-MB-of-object-ids',
    covers: 'extra: SetStatus with 4,000 ids of 1,024 characters',
    setup: yearOneActive,
    operation: 'SetStatus',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, objectIds: Array.from({ length: 4000 }, (_, i) => `${i}${'i'.repeat(1020)}`), status: 'PAUSE' }),
    expect: invalid,
  },
  {
    name: 'remove-tags-4000-keys',
    covers: 'extra: RemoveTags with 4,000 keys of 1,024 characters',
    setup: maxedPipeline,
    operation: 'RemoveTags',
    body: (ctx) => ({ pipelineId: ctx.pipelineId, tagKeys: Array.from({ length: 4000 }, (_, i) => `${i}${'k'.repeat(1020)}`) }),
    expect: ok,
  },
  {
    name: 'evaluate-5-MB-of-plain-text',
    covers: 'extra: an expression string of 5 MB with nothing to evaluate',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate('t'.repeat(5 * 1024 * 1024)),
    expect: invalid,
    check: messageMatches(/characters of text/),
  },
  {
    name: 'evaluate-1-MB-of-small-expressions',
    covers: 'extra: 262,144 expressions in one string, under the budgets',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate('#{1}'.repeat(262_144)),
    expect: ok,
  },
  {
    name: 'evaluate-4-MB-of-small-expressions',
    covers: 'extra: a million expressions in one string, over the step budget',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate('#{1}'.repeat(1_048_576)),
    expect: invalid,
    check: messageMatches(/evaluation steps/),
  },
  {
    name: 'evaluate-format-pattern-of-1-MB',
    covers: 'extra: a format pattern of a million letters',
    setup: listField,
    operation: 'EvaluateExpression',
    body: evaluate(`#{format('2020-01-01T00:00:00','${'y'.repeat(1 << 20)}')}`),
    expect: invalid,
  },
  {
    name: 'unknown-member-holding-1-MB-of-nested-arrays',
    covers: 'extra: an unknown member (ignored by the model) holding JSON nested 500,000 deep',
    operation: 'ListPipelines',
    body: () => `{"ignored":${'['.repeat(500_000)}${']'.repeat(500_000)}}`,
    expect: ok,
  },
];

function createPipelineOnly(tag: string) {
  return async (client: RawClient) => ({ pipelineId: await createPipeline(client, tag) });
}
