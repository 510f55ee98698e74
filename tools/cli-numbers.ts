/** Number options of the command-line tools, refused with a message that names the option. */

/** A whole number from 0 to `max`, or `fallback` when the option is absent. */
export const wholeNumber = (name: string, value: string | undefined, fallback: number, max = 1_000_000): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > max) throw new Error(`--${name} takes a whole number from 0 to ${max}, not ${JSON.stringify(value)}`);
  return n;
};

/** A number above 0, or `fallback` when the option is absent. */
export function positiveNumber(name: string, value: string | undefined, fallback: number): number;
export function positiveNumber(name: string, value: string | undefined): number | undefined;
export function positiveNumber(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} takes a positive number, not ${JSON.stringify(value)}`);
  return n;
}
