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
  projects: [project('unit'), project('integration'), project('e2e')],
  reporters: ['default', '<rootDir>/test/summary-reporter.js'],
};
