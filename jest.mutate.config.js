/**
 * The tests StrykerJS runs against each mutant (npm run mutate): the unit tests, which load lambda/ from its
 * sources and run in milliseconds. The integration tests load it too, but each of them starts an engine and many
 * cover every line of the run engine: with them a run over lambda/runs/transitions.ts alone was on course for over
 * two hours here (measured: 17 of 172 mutants in 3 minutes), so they are not in the default run
 * (MUTATE_WITH_INTEGRATION=1 adds them, for a narrow --mutate). The end-to-end tests load the built bundle
 * (dist/), which a mutant of a source file does not change.
 */
const base = require('./jest.config.js');

// The integration files that load a built bundle are left out for the same reason as the end-to-end tests.
const BUNDLE_TESTS = ['<rootDir>/test/integration/tracing.test.ts', '<rootDir>/test/integration/deployed-bundle.test.ts'];
const projects = process.env.MUTATE_WITH_INTEGRATION ? ['unit', 'integration'] : ['unit'];
// MUTATE_TESTS=run-engine,runs: only those integration files (stryker.conditions.config.mjs sets the ones that race).
const only = process.env.MUTATE_TESTS?.split(',').map((name) => `<rootDir>/test/integration/${name.trim()}.test.ts`);

module.exports = {
  ...base,
  reporters: ['default'],
  projects: base.projects
    .filter((p) => projects.includes(p.displayName))
    .map((p) => ({ ...p, ...(p.displayName === 'integration' && only && { testMatch: only }), testPathIgnorePatterns: ['/node_modules/', ...BUNDLE_TESTS] })),
};
