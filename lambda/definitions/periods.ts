/** Period and date-time values of pipeline definitions (dp-object-schedule): `"15 minutes"`, `"1 Day"`, `2012-12-12T00:00:00`. */
import { inDateRange } from '../expressions/datetime';

const MINUTES_PER_UNIT: Readonly<Record<string, number>> = {
  minute: 1,
  hour: 60,
  day: 24 * 60,
  week: 7 * 24 * 60,
  month: 30 * 24 * 60,
  year: 365 * 24 * 60,
};

export interface Period {
  readonly count: number;
  readonly unit: string;
  /** Approximate length in minutes (a month counts 30 days), for minimums. */
  readonly minutes: number;
}

/** `N unit` with unit minutes|hours|days|weeks|months|years, singular or plural, in any case. */
export const parsePeriod = (value: string): Period | undefined => {
  const m = /^\s*(\d+)\s+(minute|hour|day|week|month|year)s?\s*$/i.exec(value);
  if (!m) return undefined;
  const count = Number(m[1]);
  const unit = m[2].toLowerCase();
  return { count, unit, minutes: count * MINUTES_PER_UNIT[unit] };
};

/** `YYYY-MM-DDTHH:MM:SS`, a real date from year 1 to 9999, read as UTC. */
export const parseDateTime = (value: string): Date | undefined => {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}Z`);
  return Number.isNaN(date.getTime()) || !inDateRange(date.getTime()) || date.toISOString().slice(0, 19) !== value ? undefined : date;
};

/** True when the value holds an expression, which only evaluation (at run time) can check. */
export const hasExpression = (value: string): boolean => value.includes('#{');
