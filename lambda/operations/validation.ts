/**
 * Member constraints, reported the way AWS services report them:
 * `N validation error(s) detected: Value ... at 'member' failed to satisfy constraint: ...; ...`
 *
 * Lengths count Unicode code points (Smithy's `@length` for strings), so a character outside the
 * Basic Multilingual Plane counts once although JavaScript stores it as two UTF-16 units.
 */

export interface Violation {
  readonly member: string;
  /** The offending value, echoed only where it is short and not user text (enum members). */
  readonly echo?: string | null;
  readonly constraint: string;
}

/** The pattern shared by the model's `string`, `id` and `taskId` shapes, anchored, with lone surrogates excluded. */
export const MODEL_STRING_PATTERN = '[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*';
const MODEL_STRING = /^[\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}\r\n\t]*$/u;
const LONE_SURROGATE = /\p{Surrogate}/u;

export const matchesModelPattern = (value: string): boolean => MODEL_STRING.test(value);

/** True when the string is well-formed UTF-16, i.e. it can be encoded as UTF-8 and stored. */
export const isWellFormed = (value: string): boolean => !LONE_SURROGATE.test(value);

export const codePointLength = (value: string): number => {
  let n = value.length;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
};

export interface StringRules {
  readonly required?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly modelPattern?: boolean;
  readonly wellFormed?: boolean;
  readonly enumValues?: readonly string[];
  readonly forbiddenPrefix?: string;
}

/** Checks one member; returns its violations in the order AWS lists them (null, length, pattern, enum). */
export const checkString = (member: string, value: string | undefined, rules: StringRules): Violation[] => {
  if (value === undefined) {
    return rules.required ? [{ member, echo: null, constraint: 'Member must not be null' }] : [];
  }
  const out: Violation[] = [];
  if (rules.min !== undefined || rules.max !== undefined) {
    const length = codePointLength(value);
    if (rules.min !== undefined && length < rules.min) {
      out.push({ member, constraint: `Member must have length greater than or equal to ${rules.min}` });
    }
    if (rules.max !== undefined && length > rules.max) {
      out.push({ member, constraint: `Member must have length less than or equal to ${rules.max}` });
    }
  }
  if (rules.modelPattern && !matchesModelPattern(value)) {
    out.push({ member, constraint: `Member must satisfy regular expression pattern: ${MODEL_STRING_PATTERN}` });
  } else if (rules.wellFormed && !isWellFormed(value)) {
    out.push({ member, constraint: 'Member must be well-formed Unicode text (no unpaired surrogate code unit)' });
  }
  if (rules.enumValues && !rules.enumValues.includes(value)) {
    out.push({ member, echo: value, constraint: `Member must satisfy enum value set: [${rules.enumValues.join(', ')}]` });
  }
  if (rules.forbiddenPrefix !== undefined && value.startsWith(rules.forbiddenPrefix)) {
    out.push({ member, constraint: `Member must not start with '${rules.forbiddenPrefix}', which is reserved by the service` });
  }
  return out;
};

const ECHO_LIMIT = 64;

const describeValue = (v: Violation): string => {
  if (v.echo === null) return 'Value null';
  if (v.echo === undefined || v.echo.length > ECHO_LIMIT) return 'Value';
  return `Value '${v.echo}'`;
};

export const formatViolations = (violations: readonly Violation[]): string => {
  const n = violations.length;
  const head = `${n} validation error${n === 1 ? '' : 's'} detected: `;
  return head + violations.map((v) => `${describeValue(v)} at '${v.member}' failed to satisfy constraint: ${v.constraint}`).join('; ');
};
