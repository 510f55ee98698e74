/**
 * The tests StrykerJS runs against each mutant (npm run mutate): unit and integration, which load lambda/ from
 * its sources. The end-to-end tests load the built bundle (dist/), which a mutant of a source file does not change.
 */
const base = require('./jest.config.js');

// The two integration files that load a built bundle are left out for the same reason.
const BUNDLE_TESTS = ['<rootDir>/test/integration/tracing.test.ts', '<rootDir>/test/integration/deployed-bundle.test.ts'];

module.exports = {
  ...base,
  reporters: ['default'],
  projects: base.projects.filter((p) => p.displayName !== 'e2e').map((p) => ({ ...p, testPathIgnorePatterns: ['/node_modules/', ...BUNDLE_TESTS] })),
};
