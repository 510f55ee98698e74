/**
 * Every value a request brings is logged bounded: a prefix and its length. A signed caller must not be able
 * to write megabytes into the logs (and the bill) with one request.
 */

/** INFO lines carry ids and statuses cut to this many characters: enough to grep, short enough to keep lines small. */
export const INFO_VALUE_CHARS = 32;
/** DEBUG lines carry request values up to this many characters (a whole valid taskId fits). */
export const DEBUG_VALUE_CHARS = 2048;

/** The value itself when short, else its first `max` characters and its length: `abc…(+2045 of 2048)`. */
export const clip = (value: string, max: number): string =>
  value.length <= max ? value : `${value.slice(0, max)}…(+${value.length - max} of ${value.length})`;

export const clipAll = (keys: Record<string, unknown>, max: number): Record<string, unknown> => {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(keys)) {
    if (v !== undefined) out[k] = typeof v === 'string' ? clip(v, max) : v;
  }
  return out;
};
