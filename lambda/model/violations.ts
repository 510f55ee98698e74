/**
 * Member constraints, reported the way AWS services report them:
 * `N validation error(s) detected: Value ... at 'member' failed to satisfy constraint: ...; ...`
 *
 * Lengths count Unicode code points (Smithy's `@length` for strings), so a character outside the
 * Basic Multilingual Plane counts once although JavaScript stores it as two UTF-16 units.
 */
import type { StringShape } from './shapes';

export interface Violation {
  /** The member's path, as AWS writes it: `pipelineObjects.1.member.fields.2.member.key`. */
  readonly member: string;
  /** The offending value, echoed only where it is short and not user text (enum members). */
  readonly echo?: string | null;
  readonly constraint: string;
}

/** The pattern shared by the model's `string`, `id` and `taskId` shapes, as the model writes it (AWS matches it against the whole value). */
const MODEL_STRING_PATTERN = '[\\u0020-\\uD7FF\\uE000-\\uFFFD\\uD800\\uDC00-\\uDBFF\\uDFFF\\r\\n\\t]*';
const MODEL_STRING = /^[\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}\r\n\t]*$/u;

const matchesModelPattern = (value: string): boolean => MODEL_STRING.test(value);

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

/** Checks one string; returns its violations in the order AWS lists them (length, pattern, enum). */
export const checkString = (member: string, value: string, rules: StringShape): Violation[] => {
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
  } else if (rules.wellFormed && !value.isWellFormed()) {
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

/** AWS lists every violation; past this many we stop, so that a 10,000-element list cannot make a megabyte message. */
const MAX_LISTED = 10;

export const formatViolations = (violations: readonly Violation[]): string => {
  const n = violations.length;
  const head = `${n} validation error${n === 1 ? '' : 's'} detected: `;
  const listed = violations.slice(0, MAX_LISTED).map((v) => `${describeValue(v)} at '${v.member}' failed to satisfy constraint: ${v.constraint}`);
  return head + listed.join('; ') + (n > MAX_LISTED ? `; and ${n - MAX_LISTED} more` : '');
};
