/** Three projects: fast unit tests, integration against a DynamoDB engine, end to end over HTTP with the real SDK. */
const transform = { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] };
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  transform,
  testMatch: [`<rootDir>/test/${name}/**/*.test.ts`],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  ...extra,
});

module.exports = {
  // A guard against hangs, not a speed check: a hook that starts an engine thread or an endpoint can take many
  // seconds on a loaded machine (jest's 5 s default cut a beforeAll short in CI, and the tests after it failed).
  testTimeout: 60_000,
  projects: [project('unit'), project('integration'), project('e2e')],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
