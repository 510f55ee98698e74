/**
 * The run limits of dp-limits.md and the defaults of the service model's docs, and their relaxed form
 * (`--relaxed-limits`, for tests and demos: periods in seconds, no minimums).
 */
import { parsePeriod } from './periods';

export interface RunLimits {
  readonly relaxed: boolean;
}

/** `RELAXED_LIMITS=true` (npm start --relaxed-limits; a stack context flag for a sandbox) relaxes them. */
export const runLimitsFromEnv = (env: NodeJS.ProcessEnv): RunLimits => ({ relaxed: env.RELAXED_LIMITS === 'true' });

const MINUTE = 60_000;

export const RUN_DEFAULTS = {
  /** Not stated by the guide pages we have; AWS's object reference gives 2 for activities. */
  maximumRetries: 2,
  retryDelayMs: 10 * MINUTE,
  /** "report progress every 15 minutes to maintain its ownership" (ReportTaskProgress). */
  reportProgressTimeoutMs: 15 * MINUTE,
  /** "If the web service does not receive this acknowledgement within 2 minutes" (ReportTaskProgress). */
  acknowledgeTimeoutMs: 2 * MINUTE,
} as const;

/** dp-limits.md: "Retries of a pipeline activity: 5 per task", "Minimum delay between retry attempts: 2 minutes". */
export const RUN_LIMITS = { maximumRetries: 5, minimumRetryDelayMs: 2 * MINUTE } as const;

/** `N seconds`: a period only relaxed limits accept; its length in seconds, or undefined when the value is not one. */
export const periodSeconds = (value: string): number | undefined => {
  const m = /^\s*(\d+)\s+seconds?\s*$/i.exec(value);
  return m ? Number(m[1]) : undefined;
};

/** A period in milliseconds: `N minutes|hours|...`, and with relaxed limits `N seconds`; undefined when not a period. */
export const periodMs = (value: string | undefined, limits: RunLimits): number | undefined => {
  if (value === undefined) return undefined;
  const seconds = periodSeconds(value);
  if (seconds !== undefined) return limits.relaxed ? seconds * 1000 : undefined;
  const p = parsePeriod(value);
  return p === undefined ? undefined : p.minutes * MINUTE;
};
