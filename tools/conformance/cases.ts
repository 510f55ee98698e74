/** Every conformance case, in the order they run: SetTaskStatus (§1-3 of docs/behaviour.md), the pipeline calls (§7), the runs (§8), expressions, schedules and preconditions (§9, §10), what the guide says (issue 18), and the limits. */
import type { Case } from './checks';
import { FIDELITY_CASES } from './fidelity-cases';
import { LIFECYCLE_CASES } from './lifecycle-cases';
import { LIMIT_CASES } from './limit-cases';
import { RUN_CASES } from './run-cases';
import { SCHEDULE_CASES } from './schedule-cases';
import { SET_TASK_STATUS_CASES } from './set-task-status-cases';

export type { Case, CaseContext } from './checks';
export const CASES: readonly Case[] = [...SET_TASK_STATUS_CASES, ...LIFECYCLE_CASES, ...RUN_CASES, ...SCHEDULE_CASES, ...FIDELITY_CASES, ...LIMIT_CASES];
