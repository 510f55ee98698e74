/**
 * Scheduled pipelines (dp-concepts-schedules, dp-object-schedule), pure: the periods of each Schedule, and which
 * of them to open now. Period k of a schedule runs from start + k·period to start + (k+1)·period; a cron
 * instance is ready at the start of its period, a timeseries one at its end. A period is opened (its instances
 * and their first attempts written) once it is ready, in order, while each activity has fewer than its
 * `maxActiveInstances` (at most 5) instances not yet final; its activities' dependencies are the instances of the
 * same period. Periods already past are backfilled in order.
 */
import { cut } from '../model/text';
import type { Definition, PipelineObject } from '../definitions/definition';
import { DEFAULT_OBJECT_ID } from '../definitions/definition';
import { Inheritance } from '../definitions/inheritance';
import { parseDateTime, parsePeriod } from '../definitions/periods';
import { inDateRange, utcMs } from '../expressions/datetime';
import { activitiesOf, refOf } from '../definitions/activity-settings';
import { planInstances } from './plan-run';
import type { Run } from './run-model';
import { periodSeconds, type RunLimits } from '../definitions/run-limits';

/** dp-concepts-schedules: "can have a maximum value of 5" (maxActiveInstances). */
const MAX_ACTIVE_INSTANCES = 5;
/** How soon a schedule held back by maxActiveInstances looks again (an instance may have ended meanwhile). */
const LIMIT_RECHECK_MS = 1000;

export interface Schedule {
  readonly id: string;
  readonly start: Date;
  /** The start of period k; undefined past the dates the service can write (year 9999). */
  periodStart(k: number): Date | undefined;
  /** The first k whose period starts at or after `t`: computed, never by walking the periods before it. */
  firstAtOrAfter(t: Date): number;
  /** Periods start before this, if set. */
  readonly end?: Date;
  readonly occurrences?: number;
}

export interface ScheduleContext {
  /** The pipeline's first activation: `startAt: FIRST_ACTIVATION_DATE_TIME`. */
  readonly firstActivation: Date;
  /** ActivatePipeline's `startTimestamp`: no period starting before it is opened. */
  readonly resumeFrom?: Date;
}

/** The Schedule object's periods; undefined with the reason when it has none that can be run. */
export const scheduleOf = (objects: Inheritance, s: PipelineObject, ctx: ScheduleContext, limits: RunLimits): Schedule | { refusal: string } => {
  const value = (key: string) => objects.field(s, key)?.stringValue;
  const periodText = value('period') ?? '';
  const seconds = limits.relaxed ? periodSeconds(periodText) : undefined;
  const period = parsePeriod(periodText);
  if (seconds === undefined && !period) return { refusal: `Schedule ${s.id} has no period this backend can run ('${cut(periodText, 32)}').` };
  const startText = value('startDateTime');
  const start = value('startAt') === 'FIRST_ACTIVATION_DATE_TIME' ? ctx.firstActivation : startText !== undefined ? parseDateTime(startText) : undefined;
  if (!start) return { refusal: `Schedule ${s.id} has no start: give startDateTime or startAt FIRST_ACTIVATION_DATE_TIME.` };
  const endText = value('endDateTime');
  const occurrencesText = value('occurrences');
  const arithmetic = seconds !== undefined ? fixedPeriods(start, seconds * 1000) : calendarPeriods(start, period!);
  if (!arithmetic) return { refusal: `Schedule ${s.id} has a period of zero length ('${cut(periodText, 32)}').` };
  const end = endText === undefined ? undefined : parseDateTime(endText);
  return {
    id: s.id,
    start,
    ...arithmetic,
    ...(end && { end }),
    ...(occurrencesText !== undefined && { occurrences: Number(occurrencesText) }),
  };
};

type PeriodArithmetic = Pick<Schedule, 'periodStart' | 'firstAtOrAfter'>;

const within = (ms: number): Date | undefined => (Number.isFinite(ms) && inDateRange(ms) ? new Date(ms) : undefined);

/** Periods of a fixed length: seconds, minutes, hours, and days and weeks (on the UTC calendar, a day is 24 hours). */
const fixedPeriods = (start: Date, lengthMs: number): PeriodArithmetic | undefined => {
  if (!(lengthMs > 0)) return undefined;
  return {
    periodStart: (k) => within(start.getTime() + k * lengthMs),
    firstAtOrAfter: (t) => Math.max(0, Math.ceil((t.getTime() - start.getTime()) / lengthMs)),
  };
};

const MS_PER_UNIT: Readonly<Record<string, number>> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

/** Periods of months and years: period k starts k·count months later, on the same day or the month's last. */
const calendarPeriods = (start: Date, period: { count: number; unit: string }): PeriodArithmetic | undefined => {
  if (period.unit in MS_PER_UNIT) return fixedPeriods(start, period.count * MS_PER_UNIT[period.unit]);
  const months = period.count * (period.unit === 'year' ? 12 : 1);
  if (!(months > 0)) return undefined;
  const y = start.getUTCFullYear();
  const m = start.getUTCMonth();
  const d = start.getUTCDate();
  const timeOfDay = start.getTime() - utcMs(y, m + 1, d);
  const periodStart = (k: number): Date | undefined => {
    const total = y * 12 + m + k * months;
    const year = Math.floor(total / 12);
    if (!Number.isSafeInteger(total) || year < 1 || year > 9999) return undefined;
    const month = total - year * 12;
    const lastDay = new Date(utcMs(year, month + 2, 0)).getUTCDate();
    return within(utcMs(year, month + 1, Math.min(d, lastDay)) + timeOfDay);
  };
  return {
    periodStart,
    firstAtOrAfter: (t) => {
      // The month count gives k to within one; the rest is a look at the two neighbours.
      const between = (t.getUTCFullYear() - y) * 12 + (t.getUTCMonth() - m);
      let k = Math.max(0, Math.floor(between / months) - 1);
      for (let i = 0; i < 3; i++, k++) {
        const at = periodStart(k);
        if (at === undefined || at >= t) return k;
      }
      return k;
    },
  };
};

/** Whether period k exists (before the end, within the occurrences, within the dates the service can write). */
const exists = (s: Schedule, k: number) => {
  const start = s.periodStart(k);
  return (
    start !== undefined && s.periodStart(k + 1) !== undefined && (s.occurrences === undefined || k < s.occurrences) && (s.end === undefined || start < s.end)
  );
};

export interface OpenedPeriods {
  /** The periods to open now, each a run (id: the period's start), and the schedule it is a period of. */
  readonly runs: readonly { readonly runId: string; readonly run: Run; readonly scheduleId: string }[];
  /** When to look again; undefined when every period of every schedule is open. */
  readonly next?: Date;
}

export type SchedulePlan =
  { readonly refusal: string } | { readonly schedules: readonly { schedule: Schedule; activities: readonly PipelineObject[] }[]; readonly timeseries: boolean };

/** The schedules of a cron or timeseries pipeline and the activities on each; a refusal when it cannot run. */
export const schedulesOf = (definition: Definition, ctx: ScheduleContext, limits: RunLimits): SchedulePlan => {
  const objects = new Inheritance(definition.pipelineObjects);
  const scheduleType = (objects.get(DEFAULT_OBJECT_ID)?.fields.find((f) => f.key === 'scheduleType')?.stringValue ?? 'cron').toLowerCase();
  const bySchedule = new Map<string, PipelineObject[]>();
  for (const a of activitiesOf(objects)) {
    const id = refOf(objects, objects.field(a, 'schedule'));
    if (id === undefined) return { refusal: `Activity ${a.id} has no schedule: a ${scheduleType} pipeline needs one on each activity (or on Default).` };
    bySchedule.set(id, [...(bySchedule.get(id) ?? []), a]);
  }
  const schedules: { schedule: Schedule; activities: PipelineObject[] }[] = [];
  for (const [id, activities] of bySchedule) {
    const s = objects.get(id)!;
    const schedule = scheduleOf(objects, s, ctx, limits);
    if ('refusal' in schedule) return schedule;
    schedules.push({ schedule, activities });
  }
  return { schedules, timeseries: scheduleType === 'timeseries' };
};

/** What the schedules have opened so far, as a pipeline's run summary keeps it (no history is read). */
export interface OpenedSoFar {
  /** The instances of the component that are not final. */
  openOf(componentId: string): number;
  /** The start (ISO 8601) of the latest period of the schedule opened, if any. */
  latestOf(scheduleId: string): string | undefined;
}

/** The periods to open at `now`, given what is open (every period up to the latest opened is open already). */
export const periodsToOpen = (
  definition: Definition,
  ctx: ScheduleContext,
  opened: OpenedSoFar,
  now: Date,
  limits: RunLimits,
): OpenedPeriods | { refusal: string } => {
  const plan = schedulesOf(definition, ctx, limits);
  if ('refusal' in plan) return plan;
  const objects = new Inheritance(definition.pipelineObjects);
  const runs: { runId: string; run: Run; scheduleId: string }[] = [];
  let next: Date | undefined;
  const later = (d: Date) => (next === undefined || d < next ? (next = d) : next);
  for (const { schedule, activities } of plan.schedules) {
    const open = new Map<string, number>(activities.map((a) => [a.id, opened.openOf(a.id)]));
    const limitOf = (a: PipelineObject) =>
      Math.min(MAX_ACTIVE_INSTANCES, Math.max(1, Number.parseInt(objects.field(a, 'maxActiveInstances')?.stringValue ?? '', 10) || MAX_ACTIVE_INSTANCES));
    const latest = opened.latestOf(schedule.id);
    // The first period not opened yet: after the latest opened, and not before startTimestamp.
    const floor = [latest === undefined ? undefined : new Date(new Date(latest).getTime() + 1), ctx.resumeFrom].filter((d): d is Date => d !== undefined);
    let k = Math.max(0, ...floor.map((f) => schedule.firstAtOrAfter(f)));
    for (; exists(schedule, k); k++) {
      const start = schedule.periodStart(k)!;
      const end = schedule.periodStart(k + 1)!;
      const readyAt = plan.timeseries ? end : start;
      if (readyAt > now) {
        later(readyAt);
        break;
      }
      if (activities.some((a) => open.get(a.id)! >= limitOf(a))) {
        later(new Date(now.getTime() + LIMIT_RECHECK_MS));
        break;
      }
      const run = planInstances(objects, activities, start, end, readyAt, limits);
      runs.push({ runId: start.toISOString(), run, scheduleId: schedule.id });
      for (const a of activities) open.set(a.id, open.get(a.id)! + 1);
    }
  }
  return { runs, ...(next !== undefined && { next }) };
};
