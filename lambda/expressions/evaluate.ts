/**
 * Evaluation of expressions in the context of an object (dp-pipeline-expressions, dp-expressions-functions):
 * names are the object's fields (own, inherited, runtime) and the pipeline's parameters; a path follows
 * references (`input.directoryPath`, `node.@scheduledStartTime`); a field's own expressions are evaluated in
 * its object's context. Values are strings, numbers, DateTimes, and lists (a field given more than once).
 */
import { checkZone, DateTime, dateTime, dateTimeText, dayOfWeek, dayOfYear, fieldsOf, formatDateTime, fromFields, parseDateTimeValue, plus } from './datetime';
import { ExpressionError } from './errors';
import { Ast, parseExpression, templateParts } from './parse';

export type Value = string | number | DateTime | readonly Value[];

/** One value of a field: a string, or a reference to another object. */
export type FieldValue = { readonly string: string } | { readonly ref: string };

/** An object as expressions see it. */
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

const MAX_DEPTH = 16;

const isDateTime = (v: Value): v is DateTime => typeof v === 'object' && !Array.isArray(v) && (v as DateTime).kind === 'datetime';

export const valueText = (v: Value): string => {
  if (Array.isArray(v)) return v.map(valueText).join(',');
  if (isDateTime(v)) return dateTimeText(v);
  return typeof v === 'number' ? String(v) : (v as string);
};

const asDateTime = (v: Value, fn: string): DateTime => {
  if (isDateTime(v)) return v;
  const parsed = typeof v === 'string' ? parseDateTimeValue(v) : undefined;
  if (!parsed) throw new ExpressionError(`${fn}() needs a DateTime ("YYYY-MM-DDTHH:MM:SS"), not '${valueText(v).slice(0, 64)}'.`);
  return parsed;
};

const asNumber = (v: Value, what: string): number => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v) ? Number(v) : NaN;
  if (Number.isNaN(n)) throw new ExpressionError(`${what} needs a number, not '${valueText(v).slice(0, 64)}'.`);
  return n;
};

const asInteger = (v: Value, what: string): number => {
  const n = asNumber(v, what);
  if (!Number.isInteger(n)) throw new ExpressionError(`${what} needs a whole number, not ${n}.`);
  return n;
};

type Fn = (args: Value[], name: string) => Value;

const dateFn = (f: (d: DateTime) => Value): Fn => (args, name) => f(asDateTime(args[0], name));
const shift = (unit: Parameters<typeof plus>[1], sign: 1 | -1): Fn => (args, name) => plus(asDateTime(args[0], name), unit, sign * asInteger(args[1], `${name}()`));
const startOfDay = (d: DateTime) => fromFields({ ...fieldsOf(d), hour: 0, minute: 0, second: 0, millisecond: 0 }, d.zone);

/** The functions of dp-expressions-functions (Date and Time Functions), with their arity. */
export const FUNCTIONS: Readonly<Record<string, { arity: number; fn: Fn }>> = {
  day: { arity: 1, fn: dateFn((d) => fieldsOf(d).day) },
  dayOfYear: { arity: 1, fn: dateFn(dayOfYear) },
  firstOfMonth: { arity: 1, fn: dateFn((d) => fromFields({ ...fieldsOf(d), day: 1 }, d.zone)) },
  format: { arity: 2, fn: (args, name) => formatDateTime(asDateTime(args[0], name), valueText(args[1])) },
  hour: { arity: 1, fn: dateFn((d) => fieldsOf(d).hour) },
  inTimeZone: {
    arity: 2,
    fn: (args, name) => {
      const zone = valueText(args[1]);
      checkZone(zone);
      return dateTime(asDateTime(args[0], name).ms, zone);
    },
  },
  makeDate: {
    arity: 3,
    fn: (a) => makeDate(asInteger(a[0], 'makeDate() year'), asInteger(a[1], 'makeDate() month'), asInteger(a[2], 'makeDate() day'), 0, 0),
  },
  makeDateTime: {
    arity: 5,
    fn: (a) => makeDate(asInteger(a[0], 'makeDateTime() year'), asInteger(a[1], 'makeDateTime() month'), asInteger(a[2], 'makeDateTime() day'), asInteger(a[3], 'makeDateTime() hour'), asInteger(a[4], 'makeDateTime() minute')),
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
  switch (ast.kind) {
    case 'call': {
      const known = FUNCTIONS[ast.name];
      const own = !Object.hasOwn(FUNCTIONS, ast.name)
        ? [`unknown function '${ast.name}'`]
        : known.arity !== ast.args.length
          ? [`${ast.name}() takes ${known.arity} argument${known.arity === 1 ? '' : 's'}, not ${ast.args.length}`]
          : [];
      return [...own, ...ast.args.flatMap(unknownFunctions)];
    }
    case 'binary':
      return [...unknownFunctions(ast.left), ...unknownFunctions(ast.right)];
    case 'negate':
      return unknownFunctions(ast.operand);
    default:
      return [];
  }
};

const arithmetic = (op: '+' | '-' | '*' | '/', l: Value, r: Value): Value => {
  if (Array.isArray(l)) return l.map((x) => arithmetic(op, x, r));
  if (Array.isArray(r)) return r.map((x) => arithmetic(op, l, x));
  const numeric = (v: Value) => typeof v === 'number' || (typeof v === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(v));
  if (op === '+' && !(numeric(l) && numeric(r))) return valueText(l) + valueText(r);
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
};

class Evaluator {
  constructor(private readonly depth: number) {}

  evaluate(ast: Ast, scope: Scope): Value {
    switch (ast.kind) {
      case 'number':
      case 'string':
        return ast.value;
      case 'negate':
        return -asNumber(this.evaluate(ast.operand, scope), "'-'");
      case 'binary':
        return arithmetic(ast.op, this.evaluate(ast.left, scope), this.evaluate(ast.right, scope));
      case 'call': {
        if (!Object.hasOwn(FUNCTIONS, ast.name)) throw new ExpressionError(`unknown function '${ast.name}'.`);
        const { arity, fn } = FUNCTIONS[ast.name];
        if (ast.args.length !== arity) throw new ExpressionError(`${ast.name}() takes ${arity} argument${arity === 1 ? '' : 's'}, not ${ast.args.length}.`);
        return fn(
          ast.args.map((a) => this.evaluate(a, scope)),
          ast.name,
        );
      }
      case 'path':
        return this.path(ast.names, scope);
    }
  }

  private path(names: readonly string[], start: Scope): Value {
    let scope = start;
    let from = 0;
    if (names[0] === 'node') {
      if (!start.node) throw new ExpressionError(`'node' is only defined for an object that another object refers to (a precondition or an alarm); '${start.id}' has none.`);
      scope = start.node;
      from = 1;
      if (names.length === 1) return scope.id;
    }
    for (let i = from; i < names.length; i++) {
      const name = names[i];
      const last = i === names.length - 1;
      const values = this.lookup(name, scope, i === 0);
      if (last) return this.valuesOf(values, scope);
      if (values.length !== 1 || !('ref' in values[0])) throw new ExpressionError(`'${names.slice(0, i + 1).join('.')}' is not a reference to an object, so '${names[i + 1]}' cannot be read from it.`);
      const next = scope.object(values[0].ref);
      if (!next) throw new ExpressionError(`'${names.slice(0, i + 1).join('.')}' refers to '${values[0].ref}', which is not an object of this pipeline.`);
      scope = next;
    }
    throw new ExpressionError('an empty path.');
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
    throw new ExpressionError(`'${bare}' is neither a field of '${scope.id}'${parametersToo ? ' nor a parameter of the pipeline' : ''}.`);
  }

  /** A field's values: references as the ids they name; strings with their own expressions evaluated in the object's context. */
  private valuesOf(values: readonly FieldValue[], scope: Scope): Value {
    const out = values.map((v) => ('ref' in v ? v.ref : this.nested(v.string, scope)));
    return out.length === 1 ? out[0] : out;
  }

  private nested(text: string, scope: Scope): Value {
    if (!text.includes('#{')) return text;
    if (this.depth >= MAX_DEPTH) throw new ExpressionError(`expressions refer to each other more than ${MAX_DEPTH} deep (a cycle?).`);
    return new Evaluator(this.depth + 1).template(text, scope);
  }

  /** A string with its expressions replaced; an expression alone is its value (a DateTime, a list) as is. */
  template(text: string, scope: Scope): Value {
    const parts = templateParts(text);
    if (parts.length === 1 && 'expression' in parts[0]) return this.evaluate(parseExpression(parts[0].expression), scope);
    return parts.map((p) => ('text' in p ? p.text : valueText(this.evaluate(parseExpression(p.expression), scope)))).join('');
  }
}

/** The text of a string with every `#{...}` evaluated in the object's context; throws ExpressionError. */
export const evaluateTemplate = (text: string, scope: Scope): string => valueText(new Evaluator(0).template(text, scope));

/** The values of a field after evaluation: a list-valued expression alone gives one value per element. */
export const evaluateFieldValues = (text: string, scope: Scope): string[] => {
  const v = new Evaluator(0).template(text, scope);
  return Array.isArray(v) ? v.map(valueText) : [valueText(v)];
};
