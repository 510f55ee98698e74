/**
 * The bounds of docs/behaviour.md's Limits section that pure code keeps: expressions (nesting, memoized fields,
 * the step and text budget, dates in range, time zones), schedules computed instead of walked, validation
 * answers capped, dependsOn cycles. Each case is an input that once froze, exhausted or crashed the endpoint.
 */
import fc from 'fast-check';
import type { Definition, Field, PipelineObject } from '../../lambda/definitions/definition';
import { Inheritance } from '../../lambda/definitions/inheritance';
import { validateDefinition, VALIDATION_MESSAGE_LIMITS } from '../../lambda/definitions/validate';
import { BudgetExceeded, EVALUATION_LIMITS } from '../../lambda/expressions/budget';
import { canonicalZone, MAX_ZONE_NAME_LENGTH, zoneCacheSizes } from '../../lambda/expressions/datetime';
import { ExpressionError } from '../../lambda/expressions/errors';
import { evaluateFieldValues, evaluateTemplate, Evaluation } from '../../lambda/expressions/evaluate';
import { parseExpression } from '../../lambda/expressions/parse';
import { scopesOf } from '../../lambda/definitions/expression-scope';
import { periodsToOpen, scheduleOf } from '../../lambda/runs/schedule';
import { NOTHING_OPEN } from '../support/pipelines';
import { object } from '../support/pipelines';

const def = (pipelineObjects: PipelineObject[], extra: Partial<Definition> = {}): Definition => ({
  pipelineObjects,
  parameterObjects: [],
  parameterValues: [],
  ...extra,
});
const fields = (entries: [string, string][]): Field[] => entries.map(([key, stringValue]) => ({ key, stringValue }));
const on = (d: Definition, id: string, text: string) => evaluateTemplate(text, scopesOf(d).scopeOf(id)!);
const ACT = def([object('Act', { type: 'ShellCommandActivity', myDateTime: '2011-05-24T17:10:00' })]);

describe('expressions: nesting is checked before the parser descends', () => {
  it.each([
    ['20,000 nested parentheses', `${'('.repeat(20_000)}1${')'.repeat(20_000)}`],
    ['10,239 unary minus signs', `${'-'.repeat(10_239)}1`],
    ['calls nested 1,000 deep', `${'day('.repeat(1000)}myDateTime${')'.repeat(1000)}`],
  ])('%s: an ExpressionError naming the bound, not a stack overflow', (_, expression) => {
    expect(() => parseExpression(expression)).toThrow(new RegExp(`more than ${EVALUATION_LIMITS.nesting} deep`));
    expect(() => on(ACT, 'Act', `#{${expression}}`)).toThrow(ExpressionError);
  });

  it(`accepts nesting up to the bound (${EVALUATION_LIMITS.nesting})`, () => {
    const n = EVALUATION_LIMITS.nesting;
    expect(on(ACT, 'Act', `#{${'('.repeat(n)}1+2${')'.repeat(n)}}`)).toBe('3');
  });

  it('a chain of 100,000 operators is one level, evaluated left to right without recursion', () => {
    expect(on(ACT, 'Act', `#{${Array(100_000).fill('1').join('+')}}`)).toBe('100000');
    expect(on(ACT, 'Act', '#{10-2-3} #{2*3+4*5} #{100/10/5}')).toBe('5 26 2');
  });

  it("a function called as a method of its first argument (the guide's dp-object-exists writes it so)", () => {
    const d = def([object('Act', { type: 'ShellCommandActivity' })]);
    const instance = object('@Act_1', { '@componentParent': { ref: 'Act' }, '@scheduledStartTime': '2012-12-12T10:05:00' });
    const scope = scopesOf(d, [instance]).scopeOf('@Act_1')!;
    expect(evaluateTemplate("#{@scheduledStartTime.format('YYYY-MM-dd-hh:mm')}", scope)).toBe('2012-12-12-10:05');
  });
});

describe('expressions: each field is evaluated once per object, within one budget', () => {
  /** Fields that refer to each other, fan-out 9 and depth 8: 9^8 = 43 million evaluations without memoization. */
  const fanOut = (leaf: string) => {
    const entries: [string, string][] = [['myF0', leaf]];
    for (let level = 1; level <= 8; level++)
      entries.push([
        `myF${level}`,
        `#{${Array(9)
          .fill(`myF${level - 1}`)
          .join(' + ')}}`,
      ]);
    return def([{ id: 'Act', name: 'Act', fields: [{ key: 'type', stringValue: 'ShellCommandActivity' }, ...fields(entries)] }]);
  };

  it('fan-out 9, depth 8, summed: the value, each field evaluated once (a hundred steps, not 43 million)', () => {
    expect(on(fanOut('1'), 'Act', '#{myF8}')).toBe(String(9 ** 8));
  });

  it('fan-out 9, depth 8, concatenated: 43 million characters is over the text budget, an ExpressionError', () => {
    expect(() => on(fanOut('x'), 'Act', '#{myF8}')).toThrow(BudgetExceeded);
  });

  it('a list multiplied by itself six times (49^6 values) runs out of steps, not memory', () => {
    const d = def([object('Act', { type: 'ShellCommandActivity' })], {
      parameterValues: Array.from({ length: 49 }, (_, i) => ({ id: 'myL', stringValue: String(i) })),
    });
    expect(() => evaluateFieldValues('#{myL+myL+myL+myL+myL+myL}', scopesOf(d).scopeOf('Act')!)).toThrow(
      new RegExp(`more than ${EVALUATION_LIMITS.steps.toLocaleString('en-US')} evaluation steps`),
    );
  });

  it('the budget is shared by every evaluation of a request', () => {
    const evaluation = new Evaluation();
    const scope = scopesOf(ACT).scopeOf('Act')!;
    const big = `#{${Array(300_000).fill('1').join('+')}}`;
    expect(evaluation.text(big, scope)).toBe('300000');
    expect(() => {
      for (let i = 0; i < 10; i++) evaluation.text(big, scope);
    }).toThrow(BudgetExceeded);
  });

  it('a request past its deadline stops evaluating', () => {
    const evaluation = new Evaluation(Date.now() - 1);
    expect(() => evaluation.text(`#{${Array(10_000).fill('1').join('+')}}`, scopesOf(ACT).scopeOf('Act')!)).toThrow(/deadline passed/);
  });
});

describe('expressions: dates stay within years 1 to 9999', () => {
  it.each([
    '#{plusYears(myDateTime, 999999999)}',
    "#{plusYears(inTimeZone(myDateTime,'America/Los_Angeles'), 999999999)}",
    '#{minusYears(myDateTime, 2011)}',
    '#{plusMonths(myDateTime, 120000)}',
    '#{plusMinutes(myDateTime, 9007199254740991)}',
    '#{plusDays(myDateTime, 4000000)}',
    '#{makeDate(10000,1,1)}',
  ])('%s is an evaluation error, never NaN text', (expression) => {
    expect(() => on(ACT, 'Act', expression)).toThrow(/outside the dates the service can write|not a date and time/);
  });

  it('the first and last days of the range are written as such', () => {
    expect(on(ACT, 'Act', '#{makeDate(1,1,1)} #{plusMinutes(makeDateTime(9999,12,31,23,58),1)}')).toBe('0001-01-01T00:00:00 9999-12-31T23:59:00');
    expect(on(ACT, 'Act', '#{minusYears(myDateTime, 2010)}')).toBe('0001-05-24T17:10:00');
  });
});

describe('expressions: time zones are checked before Intl sees them', () => {
  it('a 1 MB name, and names over the bound, are refused by their length before Intl or a cache sees them', () => {
    const before = zoneCacheSizes().aliases;
    expect(() => canonicalZone('A'.repeat(1024 * 1024))).toThrow(ExpressionError);
    for (let i = 0; i < 100; i++) expect(() => canonicalZone(`${'A'.repeat(MAX_ZONE_NAME_LENGTH)}${i}`)).toThrow(/is not a time zone/);
    expect(zoneCacheSizes().aliases).toBe(before);
  });

  it('any letter case of a listed zone is that zone, and caches stay bounded', () => {
    const name = 'America/Los_Angeles';
    const before = zoneCacheSizes();
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: name.length, maxLength: name.length }), (upper) => {
        const spelled = [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('');
        expect(canonicalZone(spelled)).toBe(name);
        expect(on(ACT, 'Act', `#{inTimeZone(myDateTime,'${spelled}')}`)).toBe('2011-05-24T10:10:00-07:00');
      }),
      { numRuns: 2000 },
    );
    const after = zoneCacheSizes();
    expect(after.aliases).toBe(before.aliases);
    expect(after.formatters).toBeLessThanOrEqual(before.formatters + 1);
  });

  it('aliases resolve through Intl once per spelling, in a cache of fixed size', () => {
    expect(canonicalZone('US/Pacific')).toBe('America/Los_Angeles');
    for (let i = 0; i < 1000; i++) expect(() => canonicalZone(`Nowhere/Zone${i}`)).toThrow(ExpressionError);
    expect(zoneCacheSizes().aliases).toBeLessThanOrEqual(256);
  });
});

describe('schedules: the period containing a time is computed, never walked', () => {
  const inherit = (...objects: PipelineObject[]) => new Inheritance(objects);
  const scheduleFrom = (start: string, period: string, relaxed = false) => {
    const s = object('S', { type: 'Schedule', period, startDateTime: start });
    const schedule = scheduleOf(inherit(s), s, { firstActivation: new Date() }, { relaxed });
    if ('refusal' in schedule) throw new Error(schedule.refusal);
    return schedule;
  };

  it.each([
    ['0001-01-01T00:00:00', '15 minutes'],
    ['2012-01-01T00:00:00', '15 minutes'],
    ['0001-01-31T00:00:00', '1 months'],
    ['2000-02-29T12:00:00', '1 years'],
    ['0001-01-01T00:00:00', '3 weeks'],
  ])('from %s every %s: firstAtOrAfter(t) is the first period starting at or after t', (start, period) => {
    const schedule = scheduleFrom(start, period);
    fc.assert(
      fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9990-01-01T00:00:00Z'), noInvalidDate: true }), (t) => {
        const k = schedule.firstAtOrAfter(t);
        const at = schedule.periodStart(k);
        expect(at === undefined || at >= t).toBe(true);
        if (k > 0) expect(schedule.periodStart(k - 1)!.getTime()).toBeLessThan(t.getTime());
      }),
    );
  });

  it('a 15-minute schedule from 0001-01-01, resumed in 2026, opens the periods of 2026 (5 at most)', () => {
    const d = def([
      object('Default', { workerGroup: 'wg', schedule: { ref: 'S' } }),
      object('S', { type: 'Schedule', period: '15 minutes', startDateTime: '0001-01-01T00:00:00' }),
      object('A', { type: 'ShellCommandActivity', command: 'x' }),
    ]);
    const now = new Date('2026-11-29T10:00:00Z');
    const plan = periodsToOpen(d, { firstActivation: now, resumeFrom: new Date('2026-11-29T09:00:00Z') }, NOTHING_OPEN, now, { relaxed: false });
    expect('runs' in plan && plan.runs.map((r) => r.runId)).toEqual([
      '2026-11-29T09:00:00.000Z',
      '2026-11-29T09:15:00.000Z',
      '2026-11-29T09:30:00.000Z',
      '2026-11-29T09:45:00.000Z',
      '2026-11-29T10:00:00.000Z',
    ]);
    const fromTheStart = periodsToOpen(d, { firstActivation: now }, NOTHING_OPEN, now, { relaxed: false });
    expect('runs' in fromTheStart && fromTheStart.runs.map((r) => r.runId)).toEqual([
      '0001-01-01T00:00:00.000Z',
      '0001-01-01T00:15:00.000Z',
      '0001-01-01T00:30:00.000Z',
      '0001-01-01T00:45:00.000Z',
      '0001-01-01T01:00:00.000Z',
    ]);
  });

  it('a period of zero length is refused, with relaxed limits too; periods past year 9999 do not exist', () => {
    const zero = object('S', { type: 'Schedule', period: '0 seconds', startDateTime: '2026-01-01T00:00:00' });
    expect(scheduleOf(inherit(zero), zero, { firstActivation: new Date() }, { relaxed: true })).toEqual({
      refusal: "Schedule S has a period of zero length ('0 seconds').",
    });
    const late = scheduleFrom('9999-12-31T23:00:00', '15 minutes');
    expect(late.periodStart(3)?.toISOString()).toBe('9999-12-31T23:45:00.000Z');
    expect(late.periodStart(4)).toBeUndefined();
    const huge = scheduleFrom('2026-01-01T00:00:00', '999999999999 years');
    expect(huge.periodStart(1)).toBeUndefined();
  });
});

describe('validation answers are capped', () => {
  it(`at most ${VALIDATION_MESSAGE_LIMITS.perObject} messages per object and ${VALIDATION_MESSAGE_LIMITS.perAnswer} per answer, saying how many were left out`, () => {
    const manyFields = (id: string) => ({
      id,
      name: id,
      fields: [{ key: 'type', stringValue: 'ShellCommandActivity' }, ...Array.from({ length: 200 }, (_, i) => ({ key: `f${i}`, refValue: `missing${i}` }))],
    });
    const outcome = validateDefinition(def(Array.from({ length: 20 }, (_, i) => manyFields(`A${i}`))));
    if (outcome.refusal !== undefined) throw new Error(outcome.refusal);
    const { errors } = outcome.report;
    for (const e of errors) expect(e.messages.length).toBeLessThanOrEqual(VALIDATION_MESSAGE_LIMITS.perObject + 1);
    expect(errors[0].messages[VALIDATION_MESSAGE_LIMITS.perObject]).toMatch(/^\.\.\. and \d+ more errors of this object not shown/);
    const shown = errors.flatMap((e) => e.messages.filter((m) => !m.startsWith('...')));
    expect(shown).toHaveLength(VALIDATION_MESSAGE_LIMITS.perAnswer);
    expect(errors[errors.length - 1].messages).toEqual([
      expect.stringMatching(/^\.\.\. and \d+ more errors of this and other objects not shown \(at most 500 are listed per answer\)/),
    ]);
  });

  it('a field given 50,000 times is checked in one pass (no quadratic dedup or lookup)', () => {
    const o = {
      id: 'A',
      name: 'A',
      fields: [
        { key: 'type', stringValue: 'ShellCommandActivity' },
        ...Array.from({ length: 50_000 }, () => ({ key: 'command', stringValue: '#{myNothing}' })),
      ],
    };
    const outcome = validateDefinition(def([o]));
    if (outcome.refusal !== undefined) throw new Error(outcome.refusal);
    expect(outcome.report.errors[0].messages.length).toBeLessThanOrEqual(VALIDATION_MESSAGE_LIMITS.perObject + 1);
  });
});

describe('dependsOn cycles are validation errors', () => {
  const act = (id: string, dependsOn: string[]) =>
    object(id, { type: 'ShellCommandActivity', command: 'x', workerGroup: 'wg', dependsOn: dependsOn.map((ref) => ({ ref })) as never });
  const errorsOf = (d: Definition) => {
    const outcome = validateDefinition(d);
    if (outcome.refusal !== undefined) throw new Error(outcome.refusal);
    return Object.fromEntries(outcome.report.errors.map((e) => [e.id, e.messages]));
  };
  it.each([
    ['a self-dependency', [act('A', ['A'])], ['A']],
    ['A on B, B on A', [act('A', ['B']), act('B', ['A'])], ['A', 'B']],
    ['a ring of three beside a tree', [act('A', ['B']), act('B', ['C']), act('C', ['A']), act('D', ['A']), act('E', [])], ['A', 'B', 'C']],
  ])('%s', (_, objects, inCycle) => {
    const errors = errorsOf(def(objects));
    expect(Object.keys(errors).sort()).toEqual(inCycle);
    for (const id of inCycle) expect(errors[id]).toEqual([expect.stringMatching(/^INVALID_FIELD_VALUE: 'dependsOn' forms a cycle \(/)]);
  });
  it('a diamond is no cycle', () => {
    expect(errorsOf(def([act('A', []), act('B', ['A']), act('C', ['A']), act('D', ['B', 'C'])]))).toEqual({});
  });
});
