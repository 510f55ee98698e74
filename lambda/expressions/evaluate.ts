/**
 * Evaluation of expressions in the context of an object (dp-pipeline-expressions, dp-expressions-functions):
 * names are the object's fields (own, inherited, runtime) and the pipeline's parameters; a path follows
 * references (`input.directoryPath`, `node.@scheduledStartTime`); a field's own expressions are evaluated in
 * its object's context. Values are strings, numbers, DateTimes, and lists (a field given more than once).
 *
 * Bounded (docs/behaviour.md, Limits): an Evaluation belongs to one request; it evaluates each field of each
 * object at most once (memoized, cycles caught as they close) and spends one budget of steps and produced text
 * (./budget.ts) over everything the request evaluates. Recursion follows the nesting of expressions and of
 * fields, both bounded before they are entered.
 */
import { cut } from '../model/text';
import { EVALUATION_LIMITS, EvaluationBudget } from './budget';
import {
  canonicalZone,
  DateTime,
  dateTime,
  dateTimeText,
  dayOfWeek,
  dayOfYear,
  fieldsOf,
  formatDateTime,
  fromFields,
  parseDateTimeValue,
  plus,
} from './datetime';
import { ExpressionError } from './errors';
import { Ast, childrenOf, Operator, parseExpression, templateParts } from './parse';

export type Value = string | number | DateTime | readonly Value[];

/** One value of a field: a string, or a reference to another object. */
export type FieldValue = { readonly string: string } | { readonly ref: string };

/**
 * An object as expressions see it. The same object in the same context (period, node) must be the same Scope
 * object during an evaluation: what a field evaluates to is remembered per Scope.
 */
export interface Scope {
  readonly id: string;
  readonly name: string;
  /** The values of the field (own, inherited, runtime), or undefined when the object has none. */
  field(key: string): readonly FieldValue[] | undefined;
  /** The object a reference names. */
  object(id: string): Scope | undefined;
  /** The object that refers to this one (`node`, for preconditions and alarms), if any. */
  readonly node?: Scope;
  /** The values of a parameter (its values in the definition, else its default), or undefined. */
  parameter(id: string): readonly string[] | undefined;
}

const isDateTime = (v: Value): v is DateTime => typeof v === 'object' && !Array.isArray(v) && (v as DateTime).kind === 'datetime';

const valueText = (v: Value): string => {
  if (Array.isArray(v)) return v.map(valueText).join(',');
  if (isDateTime(v)) return dateTimeText(v);
  return typeof v === 'number' ? String(v) : (v as string);
};

const asDateTime = (v: Value, fn: string): DateTime => {
  if (isDateTime(v)) return v;
  const parsed = typeof v === 'string' ? parseDateTimeValue(v) : undefined;
  if (!parsed) throw new ExpressionError(`${fn}() needs a DateTime ("YYYY-MM-DDTHH:MM:SS"), not '${cut(valueText(v), 64)}'.`);
  return parsed;
};

const NUMERIC = /^\s*-?\d+(\.\d+)?\s*$/;
/** Numeric strings are short: a long one is not read as a number (and not scanned). */
const isNumeric = (v: Value): boolean => typeof v === 'number' || (typeof v === 'string' && v.length <= 64 && NUMERIC.test(v));

const asNumber = (v: Value, what: string): number => {
  const n = typeof v === 'number' ? v : isNumeric(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new ExpressionError(`${what} needs a number, not '${cut(valueText(v), 64)}'.`);
  return n;
};

const asInteger = (v: Value, what: string): number => {
  const n = asNumber(v, what);
  if (!Number.isSafeInteger(n)) throw new ExpressionError(`${what} needs a whole number, not ${n}.`);
  return n;
};

type Fn = (args: Value[], name: string, budget: EvaluationBudget) => Value;

const dateFn =
  (f: (d: DateTime) => Value): Fn =>
  (args, name) =>
    f(asDateTime(args[0], name));
const shift =
  (unit: Parameters<typeof plus>[1], sign: 1 | -1): Fn =>
  (args, name) =>
    plus(asDateTime(args[0], name), unit, sign * asInteger(args[1], `${name}()`));
const startOfDay = (d: DateTime) => fromFields({ ...fieldsOf(d), hour: 0, minute: 0, second: 0, millisecond: 0 }, d.zone);

/** The functions of dp-expressions-functions (Date and Time Functions), with their arity. */
const FUNCTIONS: Readonly<Record<string, { arity: number; fn: Fn }>> = {
  day: { arity: 1, fn: dateFn((d) => fieldsOf(d).day) },
  dayOfYear: { arity: 1, fn: dateFn(dayOfYear) },
  firstOfMonth: { arity: 1, fn: dateFn((d) => fromFields({ ...fieldsOf(d), day: 1 }, d.zone)) },
  format: {
    arity: 2,
    fn: (args, name, budget) => {
      const pattern = valueText(args[1]);
      budget.step(pattern.length);
      return formatDateTime(asDateTime(args[0], name), pattern);
    },
  },
  hour: { arity: 1, fn: dateFn((d) => fieldsOf(d).hour) },
  inTimeZone: {
    arity: 2,
    fn: (args, name) => dateTime(asDateTime(args[0], name).ms, canonicalZone(valueText(args[1]))),
  },
  makeDate: {
    arity: 3,
    fn: (a) => makeDate(asInteger(a[0], 'makeDate() year'), asInteger(a[1], 'makeDate() month'), asInteger(a[2], 'makeDate() day'), 0, 0),
  },
  makeDateTime: {
    arity: 5,
    fn: (a) =>
      makeDate(
        asInteger(a[0], 'makeDateTime() year'),
        asInteger(a[1], 'makeDateTime() month'),
        asInteger(a[2], 'makeDateTime() day'),
        asInteger(a[3], 'makeDateTime() hour'),
        asInteger(a[4], 'makeDateTime() minute'),
      ),
  },
  midnight: { arity: 1, fn: dateFn(startOfDay) },
  minute: { arity: 1, fn: dateFn((d) => fieldsOf(d).minute) },
  month: { arity: 1, fn: dateFn((d) => fieldsOf(d).month) },
  minusDays: { arity: 2, fn: shift('days', -1) },
  minusHours: { arity: 2, fn: shift('hours', -1) },
  minusMinutes: { arity: 2, fn: shift('minutes', -1) },
  minusMonths: { arity: 2, fn: shift('months', -1) },
  minusWeeks: { arity: 2, fn: shift('weeks', -1) },
  minusYears: { arity: 2, fn: shift('years', -1) },
  plusDays: { arity: 2, fn: shift('days', 1) },
  plusHours: { arity: 2, fn: shift('hours', 1) },
  plusMinutes: { arity: 2, fn: shift('minutes', 1) },
  plusMonths: { arity: 2, fn: shift('months', 1) },
  plusWeeks: { arity: 2, fn: shift('weeks', 1) },
  plusYears: { arity: 2, fn: shift('years', 1) },
  /** The previous Sunday (the day itself when it is one), at the same time. */
  sunday: { arity: 1, fn: dateFn((d) => plus(d, 'days', -(dayOfWeek(d) % 7))) },
  year: { arity: 1, fn: dateFn((d) => fieldsOf(d).year) },
  yesterday: { arity: 1, fn: dateFn((d) => plus(d, 'days', -1)) },
};

const makeDate = (year: number, month: number, day: number, hour: number, minute: number): DateTime => {
  const d = fromFields({ year, month, day, hour, minute, second: 0, millisecond: 0 }, 'UTC');
  const f = fieldsOf(d);
  if (f.year !== year || f.month !== month || f.day !== day || f.hour !== hour || f.minute !== minute) {
    throw new ExpressionError(`${year}-${month}-${day} ${hour}:${minute} is not a date and time.`);
  }
  return d;
};

/** The function names and argument counts an expression uses that do not exist: for validation, without evaluating. */
export const unknownFunctions = (ast: Ast): string[] => {
  const own =
    ast.kind !== 'call'
      ? []
      : !Object.hasOwn(FUNCTIONS, ast.name)
        ? [`unknown function '${ast.name}'`]
        : FUNCTIONS[ast.name].arity !== ast.args.length
          ? [`${ast.name}() takes ${FUNCTIONS[ast.name].arity} argument${FUNCTIONS[ast.name].arity === 1 ? '' : 's'}, not ${ast.args.length}`]
          : [];
  return [...own, ...childrenOf(ast).flatMap(unknownFunctions)];
};

type Outcome = { readonly value: Value } | { readonly error: ExpressionError };

/**
 * The expressions evaluated for one request: one budget for all of them, and what each field of each object
 * (in its context) evaluated to, so that no field is evaluated twice however often it is referred to.
 */
export class Evaluation {
  readonly budget: EvaluationBudget;
  private readonly memo = new WeakMap<Scope, Map<string, Outcome | 'evaluating'>>();
  private fieldDepth = 0;

  /** `deadline`: the request's (epoch ms); evaluation stops past it. */
  constructor(deadline?: number) {
    this.budget = new EvaluationBudget(deadline);
  }

  /** The text of a string with every `#{...}` evaluated in the object's context; throws ExpressionError. */
  text(template: string, scope: Scope): string {
    return this.textOf(this.template(template, scope));
  }

  /** The values of a field after evaluation: a list-valued expression alone gives one value per element. */
  fieldValues(template: string, scope: Scope): string[] {
    const v = this.template(template, scope);
    return Array.isArray(v) ? v.map((x) => this.textOf(x)) : [this.textOf(v)];
  }

  private textOf(v: Value): string {
    const text = valueText(v);
    this.budget.produced(text.length);
    return text;
  }

  /** A string with its expressions replaced; an expression alone is its value (a DateTime, a list) as is. */
  private template(text: string, scope: Scope): Value {
    const parts = templateParts(text);
    this.budget.step(parts.length);
    if (parts.length === 1 && 'expression' in parts[0]) return this.evaluate(parseExpression(parts[0].expression, this.budget), scope);
    const pieces = parts.map((p) => ('text' in p ? p.text : valueText(this.evaluate(parseExpression(p.expression, this.budget), scope))));
    const joined = pieces.join('');
    this.budget.produced(joined.length);
    return joined;
  }

  private evaluate(ast: Ast, scope: Scope): Value {
    this.budget.step();
    switch (ast.kind) {
      case 'number':
      case 'string':
        return ast.value;
      case 'negate':
        return -asNumber(this.evaluate(ast.operand, scope), "'-'");
      case 'chain': {
        let value = this.evaluate(ast.first, scope);
        for (const { op, operand } of ast.rest) value = this.arithmetic(op, value, this.evaluate(operand, scope));
        return value;
      }
      case 'call': {
        if (!Object.hasOwn(FUNCTIONS, ast.name)) throw new ExpressionError(`unknown function '${ast.name}'.`);
        const { arity, fn } = FUNCTIONS[ast.name];
        if (ast.args.length !== arity) throw new ExpressionError(`${ast.name}() takes ${arity} argument${arity === 1 ? '' : 's'}, not ${ast.args.length}.`);
        const args = ast.args.map((a) => this.evaluate(a, scope));
        // Wall-clock fields in a zone other than UTC come from Intl, a hundred times a step's cost: charged so.
        if (ast.name === 'inTimeZone' || args.some((a) => isDateTime(a) && a.zone !== 'UTC')) this.budget.step(EVALUATION_LIMITS.zonedCallSteps);
        return fn(args, ast.name, this.budget);
      }
      case 'path':
        return this.path(ast.names, scope);
    }
  }

  /** `+ - * /` on two values; over a list, element by element (each element a step). */
  private arithmetic(op: Operator, l: Value, r: Value): Value {
    if (Array.isArray(l)) {
      this.budget.step(l.length);
      return l.map((x) => this.arithmetic(op, x, r));
    }
    if (Array.isArray(r)) {
      this.budget.step(r.length);
      return r.map((x) => this.arithmetic(op, l, x));
    }
    if (op === '+' && !(isNumeric(l) && isNumeric(r))) {
      // The right operand's length: a chain `a + b + c` costs its result's length, not the sum of its prefixes
      // (the engine shares the left part); what is handed out is counted again, whole (textOf, template).
      const right = valueText(r);
      this.budget.produced(right.length + 1);
      return valueText(l) + right;
    }
    const a = asNumber(l, `'${op}'`);
    const b = asNumber(r, `'${op}'`);
    switch (op) {
      case '+':
        return a + b;
      case '-':
        return a - b;
      case '*':
        return a * b;
      default:
        if (b === 0) throw new ExpressionError('division by zero.');
        return a / b;
    }
  }

  private path(names: readonly string[], start: Scope): Value {
    let scope = start;
    let from = 0;
    if (names[0] === 'node') {
      if (!start.node)
        throw new ExpressionError(
          `'node' is the object that refers to a precondition or an alarm (by precondition, onFail, onSuccess or onLateAction); nothing refers to '${start.id}' that way.`,
        );
      scope = start.node;
      from = 1;
      if (names.length === 1) return scope.id;
    }
    for (let i = from; i < names.length; i++) {
      const name = names[i];
      if (i === names.length - 1) return this.nameValue(name, scope, i === 0);
      const values = this.lookup(name, scope, i === 0);
      if (values.length !== 1 || !('ref' in values[0]))
        throw new ExpressionError(`'${names.slice(0, i + 1).join('.')}' is not a reference to an object, so '${names[i + 1]}' cannot be read from it.`);
      const next = scope.object(values[0].ref);
      if (!next) throw new ExpressionError(`'${names.slice(0, i + 1).join('.')}' refers to '${values[0].ref}', which is not an object of this pipeline.`);
      scope = next;
    }
    throw new ExpressionError('an empty path.');
  }

  /** A name's value on an object, evaluated once per object and name; a name met again while it is evaluated is a cycle. */
  private nameValue(name: string, scope: Scope, parametersToo: boolean): Value {
    let memo = this.memo.get(scope);
    if (!memo) this.memo.set(scope, (memo = new Map()));
    const key = parametersToo ? name : `.${name}`;
    const known = memo.get(key);
    if (known === 'evaluating') throw new ExpressionError(`'${name}' of '${scope.id}' refers to itself through its expressions (a cycle).`);
    if (known) {
      if ('error' in known) throw known.error;
      return known.value;
    }
    memo.set(key, 'evaluating');
    try {
      const value = this.valuesOf(this.lookup(name, scope, parametersToo), scope);
      memo.set(key, { value });
      return value;
    } catch (err) {
      if (err instanceof ExpressionError) memo.set(key, { error: err });
      else memo.delete(key);
      throw err;
    }
  }

  /** A name on an object: its id and name, its fields, then (first name of a path only) the parameters. */
  private lookup(name: string, scope: Scope, parametersToo: boolean): readonly FieldValue[] {
    // `*name`: a field or parameter whose value is kept secret (`*password`, `*myRDSPassword`), named with or without its star.
    const bare = name.replace(/^\*/, '');
    if (bare === '@id' || bare === 'id') return [{ string: scope.id }];
    const field = scope.field(name) ?? scope.field(bare);
    if (field !== undefined) return field;
    if (bare === 'name' || bare === '@name') return [{ string: scope.name }];
    const parameter = parametersToo ? (scope.parameter(name) ?? scope.parameter(bare)) : undefined;
    if (parameter !== undefined) return parameter.map((string) => ({ string }));
    throw new ExpressionError(
      parametersToo ? `'${bare}' is neither a field of '${scope.id}' nor a parameter of the pipeline.` : `'${bare}' is not a field of '${scope.id}'.`,
    );
  }

  /** A field's values: references as the ids they name; strings with their own expressions evaluated in the object's context. */
  private valuesOf(values: readonly FieldValue[], scope: Scope): Value {
    this.budget.step(values.length);
    const out = values.map((v) => ('ref' in v ? v.ref : this.nested(v.string, scope)));
    return out.length === 1 ? out[0] : out;
  }

  private nested(text: string, scope: Scope): Value {
    if (!text.includes('#{')) return text;
    if (this.fieldDepth >= EVALUATION_LIMITS.fieldDepth) {
      throw new ExpressionError(`expressions refer to fields with expressions more than ${EVALUATION_LIMITS.fieldDepth} deep.`);
    }
    this.fieldDepth++;
    try {
      return this.template(text, scope);
    } finally {
      this.fieldDepth--;
    }
  }
}

/** The text of a string with every `#{...}` evaluated in the object's context, as a request of its own; throws ExpressionError. */
export const evaluateTemplate = (text: string, scope: Scope, evaluation: Evaluation = new Evaluation()): string => evaluation.text(text, scope);

/** The values of a field after evaluation, as a request of its own: a list-valued expression alone gives one value per element. */
export const evaluateFieldValues = (text: string, scope: Scope, evaluation: Evaluation = new Evaluation()): string[] => evaluation.fieldValues(text, scope);
