/**
 * The command lines of the tools, one way (issue 19): each declares its flags with their help and default;
 * `--help` prints the usage; an unknown flag, a missing value or a bad one is one line naming it, then the
 * usage, exit 2; any other failure is exit 1.
 */
import { parseArgs } from 'node:util';

interface Flag {
  readonly type: 'string' | 'boolean';
  readonly help: string;
  /** As the usage shows it ('' for none). */
  readonly default?: string;
}
export type Flags = Readonly<Record<string, Flag>>;

/** Where `npm start` serves by default (PORT and DYNAMODB_PORT move them, as for `npm start`): the tools' defaults. */
export const LOCAL_ENDPOINT = `http://127.0.0.1:${process.env.PORT ?? 8080}`;
export const LOCAL_ENGINE = process.env.DYNAMODB_ENDPOINT ?? `http://127.0.0.1:${process.env.DYNAMODB_PORT ?? 8000}`;

/** A bad command line: exit 2 with the usage. */
export class UsageError extends Error {}

export const usageText = (synopsis: string, flags: Flags): string =>
  [
    `usage: ${synopsis}`,
    ...Object.entries(flags).map(
      ([name, f]) => `  --${name.padEnd(Math.max(12, ...Object.keys(flags).map((k) => k.length)))} ${f.help}${f.default ? ` (default: ${f.default})` : ''}`,
    ),
  ].join('\n');

/** The flags' values (strict: unknown flags and positionals are refused). */
export const parseFlags = (argv: readonly string[], flags: Flags): Record<string, string | boolean | undefined> => {
  try {
    return parseArgs({
      args: [...argv],
      options: Object.fromEntries(Object.entries(flags).map(([k, f]) => [k, { type: f.type }])),
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (err) {
    // Node names the flag in its message: "Unknown option '--x'", "Option '--seed <value>' argument missing".
    throw new UsageError((err as Error).message.split('\n')[0]);
  }
};

/**
 * Runs a tool's main: `--help` prints the usage; a UsageError is one line and the usage on stderr, exit 2; any
 * other error its message (what to do, when nothing answers), exit `failureCode` (1; the conformance suite keeps 1
 * for failed cases and says 2).
 */
export const runTool = (name: string, usage: string, main: () => Promise<void>, failureCode = 1): void => {
  if (process.argv.slice(2).includes('--help')) {
    console.log(usage);
    return;
  }
  main().catch((err: unknown) => {
    if (err instanceof UsageError) {
      console.error(`${name}: ${err.message}\n${usage}`);
      process.exit(2);
    }
    if (refused(err))
      console.error(
        `${name}: nothing answers at ${refused(err)}: is the endpoint running? \`npm start\` serves ${LOCAL_ENDPOINT} (its engine ${LOCAL_ENGINE}); give --endpoint for another.`,
      );
    else console.error(`${name}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(failureCode);
  });
};

/** The address a connection was refused at, if that is what the error (or its cause) is. */
const refused = (err: unknown): string | undefined => {
  for (
    let e = err as { code?: string; address?: string; port?: number; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    e = e.cause as typeof e, depth++
  ) {
    if (e.code === 'ECONNREFUSED') return e.address !== undefined ? `${e.address}:${e.port}` : 'the endpoint';
  }
  return undefined;
};

/** A whole number from 0 to `max`, or `fallback` when the option is absent. */
export const wholeNumber = (name: string, value: string | undefined, fallback: number, max = 1_000_000, min = 0): number => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min || n > max)
    throw new UsageError(`--${name} takes a whole number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  return n;
};

/** A number above 0, or `fallback` when the option is absent. */
export function positiveNumber(name: string, value: string | undefined, fallback: number): number;
export function positiveNumber(name: string, value: string | undefined): number | undefined;
export function positiveNumber(name: string, value: string | undefined, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} takes a positive number, not ${JSON.stringify(value)}`);
  return n;
}
