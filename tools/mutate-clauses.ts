/**
 * `npm run mutate:clauses -- [--tests NAMES] [--timeout SECONDS] [--list]`
 * Mutation testing of the store's condition expressions, clause by clause (issue 20). StrykerJS mutates code, but a
 * DynamoDB condition is a string, which it can only empty (an invalid request any test sees as a 500); the mutants
 * that matter there are a clause dropped (`#status = :waiting AND #at = :seen` without `#at = :seen`), a comparison
 * turned (`=` to `<>`, `attribute_exists` to `attribute_not_exists`, `contains` to `NOT contains`) and a status left
 * out of an `IN` list. The methods are those of `npm run mutate:conditions` (stryker.conditions.config.mjs, which
 * finds their lines); each condition written there as a string literal gives its mutants. Each mutant is written into
 * the source, the integration tests named by --tests run against it (a failure kills it), and the source is put
 * back. Prints each mutant and its fate, writes artifacts/mutation-conditions/clauses.json, and exits 1 if any
 * survived. Run it from a clean tree: it edits lambda/store in place (and restores it, also on Ctrl-C).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseFlags, runTool, UsageError, usageText, wholeNumber } from '../local/cli';

const ROOT = join(__dirname, '..');
const REPORT = join(ROOT, 'artifacts', 'mutation-conditions', 'clauses.json');

const FLAGS = {
  tests: {
    type: 'string',
    help: 'integration test files (names under test/integration) run against each mutant, comma-separated',
    default: 'store-conditions',
  },
  timeout: { type: 'string', help: 'seconds a test run may take before its mutant counts as killed by a timeout', default: '120' },
  list: { type: 'boolean', help: 'list the mutants and exit without running tests' },
  help: { type: 'boolean', help: 'print this text and exit' },
} as const;
const USAGE = usageText('npm run mutate:clauses -- [--tests NAMES] [--timeout SECONDS] [--list]', FLAGS);

interface ClauseMutant {
  readonly file: string;
  readonly line: number;
  readonly original: string;
  readonly description: string;
  readonly mutated: string;
  /** Where the condition's text starts in the file (the character after its opening quote). */
  readonly offset: number;
}

/**
 * Mutants no test can kill, because no state tells them from the original, each with the reason (keyed by the
 * condition as written and the mutant's description). They are run like the others and reported apart: if one is ever killed, the
 * reason no longer holds and the run says so.
 */
const EQUIVALENT: Readonly<Record<string, string>> = {
  'contains(#pending, :one) AND #status = :waiting | drops contains(#pending, :one)':
    'a DELETE of a component the set does not hold changes nothing, and a caller that finds the set empty gets the instance either way (the ' +
    'retry path reads it); the clause keeps the DELETE off an absent set, whose handling by DynamoDB itself is not verified here',
};

/** A condition written as a string literal: `ConditionExpression: '...'` or, through the store's `update`, `condition: '...'`. */
const CONDITION = /\b(?:ConditionExpression|condition):\s*'([^'\n]*)'/g;

/**
 * A mutant's condition keeps every name and value the original uses (DynamoDB refuses a request with an unused one,
 * which any test would see): a clause is dropped by making it always true, `(c OR NOT c)`, and a value is left out
 * of an IN list by a clause that is never true, `(x = v AND NOT x = v)`.
 */
interface Mutation {
  readonly description: string;
  readonly text: string;
}

/** The mutants of one clause: its comparison turned, or one value left out of its IN list. */
const clauseMutants = (clause: string): Mutation[] => {
  const inList = /^(.*) IN \((.*)\)$/.exec(clause);
  if (inList) {
    const [, subject, list] = inList;
    const values = list.split(', ');
    const leftOut =
      values.length > 1
        ? values.map((v, i) => ({
            description: `${v} left out of ${clause}`,
            text: `(${subject} IN (${values.filter((_, j) => j !== i).join(', ')}) OR (${subject} = ${v} AND NOT (${subject} = ${v})))`,
          }))
        : [];
    return [...leftOut, { description: `NOT (${clause})`, text: `NOT (${clause})` }];
  }
  const turned = (from: string, to: string) => ({ description: `${clause.replace(from, to)} for ${clause}`, text: clause.replace(from, to) });
  return [
    ...(clause.includes(' = ') ? [turned(' = ', ' <> ')] : clause.includes(' <> ') ? [turned(' <> ', ' = ')] : []),
    ...(clause.startsWith('attribute_exists(')
      ? [turned('attribute_exists(', 'attribute_not_exists(')]
      : clause.startsWith('attribute_not_exists(')
        ? [turned('attribute_not_exists(', 'attribute_exists(')]
        : []),
    ...(clause.startsWith('contains(') ? [{ description: `NOT ${clause}`, text: `NOT ${clause}` }] : []),
  ];
};

/** Every mutant of a condition: each clause of an AND dropped, and each clause's own mutants. */
export const conditionMutants = (condition: string): Mutation[] => {
  const clauses = condition.split(' AND ');
  const within = (i: number, text: string) => clauses.map((c, j) => (j === i ? text : c)).join(' AND ');
  const dropped = clauses.length > 1 ? clauses.map((c, i) => ({ description: `drops ${c}`, text: within(i, `(${c} OR NOT (${c}))`) })) : [];
  const changed = clauses.flatMap((c, i) => clauseMutants(c).map((m) => ({ description: m.description, text: within(i, m.text) })));
  return [...dropped, ...changed];
};

/** The mutants of the conditions within `file:first-last` ranges. */
export const mutantsIn = (ranges: readonly string[], read: (file: string) => string): ClauseMutant[] =>
  ranges.flatMap((range) => {
    const [, file, first, last] = /^(.*):(\d+)-(\d+)$/.exec(range) ?? [];
    if (file === undefined) throw new Error(`not a file:first-last range: ${range}`);
    const source = read(file);
    const lines = source.split('\n');
    const start = lines.slice(0, Number(first) - 1).join('\n').length + 1;
    const end = lines.slice(0, Number(last)).join('\n').length;
    return [...source.slice(start, end).matchAll(CONDITION)].flatMap((m) => {
      const offset = start + m.index + m[0].indexOf(`'`) + 1;
      const line = source.slice(0, offset).split('\n').length;
      return conditionMutants(m[1]).map(({ description, text }) => ({ file, line, original: m[1], description, mutated: text, offset }));
    });
  });

type Fate = 'killed' | 'timed out' | 'survived' | 'equivalent' | 'equivalent, but killed';

const main = async () => {
  const values = parseFlags(process.argv.slice(2), FLAGS);
  const tests = String(values.tests ?? 'store-conditions')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  if (tests.length === 0 || tests.some((t) => !/^[a-z0-9-]+$/.test(t)))
    throw new UsageError('--tests takes names of files under test/integration, such as store-conditions,runs');
  const timeoutMs = wholeNumber('timeout', values.timeout as string | undefined, 120, 3600, 1) * 1000;
  const config = (await import(pathToFileURL(join(ROOT, 'stryker.conditions.config.mjs')).href)) as { default: { mutate: string[] } };
  const sources = new Map<string, string>();
  const read = (file: string) => sources.get(file) ?? sources.set(file, readFileSync(join(ROOT, file), 'utf8')).get(file)!;
  const mutants = mutantsIn(config.default.mutate, read);
  if (values.list) {
    for (const m of mutants) console.log(`${m.file}:${m.line}  ${m.description}  (${m.mutated})`);
    return;
  }
  const restore = () => sources.forEach((text, file) => writeFileSync(join(ROOT, file), text));
  const interrupted = () => {
    restore();
    process.exit(130);
  };
  process.once('SIGINT', interrupted).once('SIGTERM', interrupted);
  const results: (ClauseMutant & { fate: Fate; ms: number; killedBy?: string; equivalent?: string })[] = [];
  try {
    for (const [i, m] of mutants.entries()) {
      const source = read(m.file);
      writeFileSync(join(ROOT, m.file), source.slice(0, m.offset) + m.mutated + source.slice(m.offset + m.original.length));
      const started = Date.now();
      const run = spawnSync(
        process.execPath,
        [
          join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'),
          // The files first: --selectProjects takes a list, and would read paths after it as project names.
          ...tests.map((t) => `test/integration/${t}.test.ts`),
          '--selectProjects',
          'integration',
          '--bail',
          '--silent',
        ],
        { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 64 * 1024 * 1024 },
      );
      writeFileSync(join(ROOT, m.file), source);
      const equivalent = EQUIVALENT[`${m.original} | ${m.description}`];
      const outcome = run.error !== undefined || run.signal !== null ? 'timed out' : run.status === 0 ? 'survived' : 'killed';
      const fate: Fate = equivalent === undefined ? outcome : outcome === 'survived' ? 'equivalent' : 'equivalent, but killed';
      // The first failing test's title, as jest prints it: what killed the mutant.
      const killedBy = /^\s*● (.+)$/m.exec(`${run.stdout}\n${run.stderr}`)?.[1];
      results.push({ ...m, fate, ms: Date.now() - started, ...(killedBy !== undefined && { killedBy }), ...(equivalent !== undefined && { equivalent }) });
      console.log(`[${i + 1}/${mutants.length}] ${fate.padEnd(10)} ${m.file}:${m.line}  ${m.description}${killedBy ? `  (by: ${killedBy})` : ''}`);
    }
  } finally {
    restore();
  }
  const survived = results.filter((r) => r.fate === 'survived' || r.fate === 'equivalent, but killed');
  const equivalent = results.filter((r) => r.fate === 'equivalent');
  const detected = results.filter((r) => r.fate === 'killed' || r.fate === 'timed out').length;
  for (const r of equivalent) console.log(`equivalent: ${r.file}:${r.line} ${r.description}: ${r.equivalent}`);
  mkdirSync(join(ROOT, 'artifacts', 'mutation-conditions'), { recursive: true });
  writeFileSync(REPORT, `${JSON.stringify({ tests, results }, null, 2)}\n`);
  console.log(
    `\n${results.length} clause mutants: ${detected} detected (${results.filter((r) => r.fate === 'timed out').length} by a timeout), ${equivalent.length} equivalent, ${survived.length} survived; score ${((100 * detected) / Math.max(1, results.length - equivalent.length)).toFixed(1)} % of the others. ${REPORT}`,
  );
  if (survived.length > 0) process.exitCode = 1;
};

if (require.main === module) runTool('mutate:clauses', USAGE, main);
