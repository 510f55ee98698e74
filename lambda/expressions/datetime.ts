/**
 * DateTime values of expressions (dp-expressions-functions: "YYYY-MM-DDTHH:MM:SS" in UTC; the functions are
 * Joda Time's): an instant and the time zone its fields are read in (UTC unless `inTimeZone` changed it).
 */
import { cut } from '../model/text';
import { ExpressionError } from './errors';

export interface DateTime {
  readonly kind: 'datetime';
  readonly ms: number;
  /** `UTC` or an IANA zone (`America/Los_Angeles`). */
  readonly zone: string;
}

export interface DateFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  readonly millisecond: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

/**
 * Epoch ms of UTC wall-clock fields (months, days and times past their ends roll over); unlike Date.UTC, years
 * 0 to 99 are those years, not 1900 to 1999.
 */
export const utcMs = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0, millisecond = 0): number => {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  return d.setUTCHours(hour, minute, second, millisecond);
};

/** The DateTimes the service can write: years 1 to 9999 (`YYYY-MM-DDTHH:MM:SS`). */
const MIN_DATE_MS = utcMs(1, 1, 1);
const MAX_DATE_MS = utcMs(9999, 12, 31, 23, 59, 59, 999);

export const inDateRange = (ms: number): boolean => ms >= MIN_DATE_MS && ms <= MAX_DATE_MS;

/** A DateTime; outside years 1 to 9999 (in UTC) an ExpressionError, never a date that prints as NaN. */
export const dateTime = (ms: number, zone = 'UTC'): DateTime => {
  if (!inDateRange(ms)) throw new ExpressionError('the result is outside the dates the service can write (years 1 to 9999).');
  return { kind: 'datetime', ms, zone };
};

/** dp-expressions-functions: IANA names ("America/Los_Angeles"); none is longer than 32 characters. */
export const MAX_ZONE_NAME_LENGTH = 64;
/** Spellings that are not in the IANA list (aliases such as `US/Pacific`), remembered per lower-case spelling. */
const ALIAS_CACHE_SIZE = 256;

/** Lower-case name -> the name as the IANA list writes it: every case of a listed zone costs one map lookup. */
const LISTED_ZONES = new Map<string, string>([...Intl.supportedValuesOf('timeZone'), 'UTC'].map((z) => [z.toLowerCase(), z]));
const aliases = new Map<string, string | undefined>();

const notAZone = (zone: string) =>
  new ExpressionError(
    `'${cut(zone, MAX_ZONE_NAME_LENGTH)}${zone.length > MAX_ZONE_NAME_LENGTH ? '…' : ''}' is not a time zone (an IANA name such as 'America/Los_Angeles', or 'UTC').`,
  );

/**
 * The zone's name as the IANA list writes it (any letter case accepted), or as Intl resolves an alias; an
 * ExpressionError when it is none. Bounded: a length check first, then a map; aliases go to Intl once per
 * lower-case spelling, remembered in a cache of fixed size.
 */
export const canonicalZone = (zone: string): string => {
  if (zone.length > MAX_ZONE_NAME_LENGTH || !/^[A-Za-z0-9_+\-/]+$/.test(zone)) throw notAZone(zone);
  const lower = zone.toLowerCase();
  const listed = LISTED_ZONES.get(lower);
  if (listed) return listed;
  if (!aliases.has(lower)) {
    let resolved: string | undefined;
    try {
      resolved = new Intl.DateTimeFormat('en-US', { timeZone: lower }).resolvedOptions().timeZone;
    } catch {
      resolved = undefined;
    }
    if (aliases.size >= ALIAS_CACHE_SIZE) aliases.delete(aliases.keys().next().value!);
    aliases.set(lower, resolved);
  }
  const resolved = aliases.get(lower);
  if (resolved === undefined) throw notAZone(zone);
  return resolved;
};

/** One formatter per canonical zone: at most the number of zones Intl knows. */
const zoneFormatters = new Map<string, Intl.DateTimeFormat>();
const formatterOf = (zone: string): Intl.DateTimeFormat => {
  let f = zoneFormatters.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    zoneFormatters.set(zone, f);
  }
  return f;
};

/** The zone's offset from UTC at that instant, in milliseconds. */
const offsetMs = (ms: number, zone: string): number => {
  if (zone === 'UTC') return 0;
  const parts = Object.fromEntries(
    formatterOf(zone)
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const year = parts.era === 'BC' ? 1 - Number(parts.year) : Number(parts.year);
  const wall = utcMs(year, Number(parts.month), Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return wall - (ms - (((ms % 1000) + 1000) % 1000));
};

/** The wall-clock fields of the DateTime in its zone. */
export const fieldsOf = (d: DateTime): DateFields => {
  const wall = new Date(d.ms + offsetMs(d.ms, d.zone));
  return {
    year: wall.getUTCFullYear(),
    month: wall.getUTCMonth() + 1,
    day: wall.getUTCDate(),
    hour: wall.getUTCHours(),
    minute: wall.getUTCMinutes(),
    second: wall.getUTCSeconds(),
    millisecond: wall.getUTCMilliseconds(),
  };
};

/** The DateTime of those wall-clock fields in the zone (months and days past their ends roll over, as Date.UTC does). */
export const fromFields = (f: DateFields, zone: string): DateTime => {
  const wall = utcMs(f.year, f.month, f.day, f.hour, f.minute, f.second, f.millisecond);
  if (!Number.isFinite(wall) || !inDateRange(wall)) throw new ExpressionError('the result is outside the dates the service can write (years 1 to 9999).');
  const guess = wall - offsetMs(wall, zone);
  return dateTime(wall - offsetMs(guess, zone), zone);
};

const daysInMonth = (year: number, month: number) => new Date(utcMs(year, month + 1, 0)).getUTCDate();

/** Adds whole units as Joda does: minutes and hours as elapsed time; days and longer on the wall clock (a month keeps its day, or the month's last). */
export const plus = (d: DateTime, unit: 'minutes' | 'hours' | 'days' | 'weeks' | 'months' | 'years', n: number): DateTime => {
  if (unit === 'minutes' || unit === 'hours') return dateTime(d.ms + n * (unit === 'minutes' ? MINUTE : 60 * MINUTE), d.zone);
  // Past 10,000 years either way the result is out of range whatever the start: refused before any arithmetic.
  const days = Math.abs(n) * (unit === 'days' ? 1 : unit === 'weeks' ? 7 : unit === 'months' ? 28 : 365);
  if (days > 3_700_000) throw new ExpressionError('the result is outside the dates the service can write (years 1 to 9999).');
  const f = fieldsOf(d);
  if (unit === 'days' || unit === 'weeks') return fromFields({ ...f, day: f.day + n * (unit === 'weeks' ? 7 : 1) }, d.zone);
  const months = f.year * 12 + (f.month - 1) + n * (unit === 'years' ? 12 : 1);
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  return fromFields({ ...f, year, month, day: Math.min(f.day, daysInMonth(year, month)) }, d.zone);
};

/** 1 (Monday) to 7 (Sunday), as Joda numbers days. */
export const dayOfWeek = (d: DateTime): number => {
  const f = fieldsOf(d);
  const w = new Date(utcMs(f.year, f.month, f.day)).getUTCDay();
  return w === 0 ? 7 : w;
};

export const dayOfYear = (d: DateTime): number => {
  const f = fieldsOf(d);
  return Math.round((utcMs(f.year, f.month, f.day) - utcMs(f.year, 1, 1)) / DAY) + 1;
};

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|z|[+-]\d{2}:?\d{2})?$/;

/** A DateTime from `YYYY-MM-DDTHH:MM:SS` (UTC; a fraction, `Z` or an offset allowed), or undefined. */
export const parseDateTimeValue = (text: string): DateTime | undefined => {
  const m = DATE_TIME.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const f = { year: +y, month: +mo, day: +d, hour: +h, minute: +mi, second: +(s ?? 0), millisecond: +(frac ?? '0').padEnd(3, '0') };
  if (f.month < 1 || f.month > 12 || f.day < 1 || f.day > daysInMonth(f.year, f.month) || f.hour > 23 || f.minute > 59 || f.second > 59) return undefined;
  if (f.year < 1) return undefined;
  let ms = utcMs(f.year, f.month, f.day, f.hour, f.minute, f.second, f.millisecond);
  if (zone && zone !== 'Z' && zone !== 'z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * MINUTE;
  }
  return inDateRange(ms) ? dateTime(ms) : undefined;
};

const pad = (n: number, width: number) => String(Math.abs(n)).padStart(width, '0');

const offsetText = (ms: number, colon: boolean) => {
  const minutes = Math.round(ms / MINUTE);
  const sign = minutes < 0 ? '-' : '+';
  return `${sign}${pad(Math.floor(Math.abs(minutes) / 60), 2)}${colon ? ':' : ''}${pad(Math.abs(minutes) % 60, 2)}`;
};

/** `2011-05-24T17:10:00` in UTC; in another zone with its offset, `2011-05-24T10:10:00-07:00`. */
export const dateTimeText = (d: DateTime): string => {
  const f = fieldsOf(d);
  const text = `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(f.hour, 2)}:${pad(f.minute, 2)}:${pad(f.second, 2)}`;
  return d.zone === 'UTC' ? text : `${text}${offsetText(offsetMs(d.ms, d.zone), true)}`;
};

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * Joda's DateTimeFormat patterns: y/Y/u year (yy: two digits), M month (MMM short name, MMMM name), d day,
 * D day of year, H 0-23, k 1-24, h 1-12, K 0-11, m, s, S fraction, a AM/PM, E day name (EEEE whole), e day
 * number, z zone name, Z offset (ZZ with a colon), 'quoted text', '' a quote. Other letters are refused.
 */
export const formatDateTime = (d: DateTime, pattern: string): string => {
  const f = fieldsOf(d);
  let out = '';
  for (let i = 0; i < pattern.length;) {
    const c = pattern[i];
    if (c === "'") {
      const end = pattern.indexOf("'", i + 1);
      if (end === i + 1) {
        out += "'";
        i += 2;
        continue;
      }
      if (end < 0) throw new ExpressionError(`format pattern '${pattern}' has an unterminated quote.`);
      out += pattern.slice(i + 1, end);
      i = end + 1;
      continue;
    }
    if (!/[A-Za-z]/.test(c)) {
      out += c;
      i++;
      continue;
    }
    let n = 1;
    while (pattern[i + n] === c) n++;
    i += n;
    switch (c) {
      case 'y':
      case 'Y':
      case 'u':
        out += n === 2 ? pad(f.year % 100, 2) : pad(f.year, n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[f.month - 1] : n === 3 ? MONTHS[f.month - 1].slice(0, 3) : pad(f.month, n);
        break;
      case 'd':
        out += pad(f.day, n);
        break;
      case 'D':
        out += pad(dayOfYear(d), n);
        break;
      case 'H':
        out += pad(f.hour, n);
        break;
      case 'k':
        out += pad(f.hour === 0 ? 24 : f.hour, n);
        break;
      case 'h':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n);
        break;
      case 'K':
        out += pad(f.hour % 12, n);
        break;
      case 'm':
        out += pad(f.minute, n);
        break;
      case 's':
        out += pad(f.second, n);
        break;
      case 'S':
        out += pad(f.millisecond, 3).slice(0, n).padEnd(n, '0');
        break;
      case 'a':
        out += f.hour < 12 ? 'AM' : 'PM';
        break;
      case 'E':
        out += n >= 4 ? DAYS[dayOfWeek(d) - 1] : DAYS[dayOfWeek(d) - 1].slice(0, 3);
        break;
      case 'e':
        out += pad(dayOfWeek(d), n);
        break;
      case 'z':
        out += d.zone;
        break;
      case 'Z':
        out += offsetText(offsetMs(d.ms, d.zone), n >= 2);
        break;
      default:
        throw new ExpressionError(`format pattern '${pattern}' uses '${c}', which is not supported (docs/behaviour.md §9).`);
    }
  }
  return out;
};

/** How many entries the zone caches hold (for tests: both are bounded). */
export const zoneCacheSizes = () => ({ aliases: aliases.size, formatters: zoneFormatters.size });
