/**
 * Dependencies point down (docs/architecture.md): `npm run lint` fails on an arrow that runs back up.
 * lambda/, top to bottom: handler -> dispatch -> operations -> store -> runs -> definitions -> expressions ->
 * model -> protocol (and the leaves beside them: identity, log-bounds, service-name, function-settings).
 * Around it: lib/ (the stack) and local/ (npm start) use lambda/; tools/ and bench/ use all of those; tests use anything.
 */
const layer = (name, below) => ({
  name: `${name}-points-down`,
  comment: `lambda/${name} may import only the layers below it`,
  severity: 'error',
  from: { path: `^lambda/${name}/` },
  to: { path: '^lambda/', pathNot: [`^lambda/${name}/`, ...below.map((b) => `^lambda/${b}`)] },
});
const LEAVES = ['identity\\.ts$', 'log-bounds\\.ts$', 'service-name\\.ts$', 'function-settings\\.ts$'];

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    { name: 'no-unresolvable', comment: 'an import of a file that is not there', severity: 'error', from: {}, to: { couldNotResolve: true } },
    {
      name: 'lambda-stands-alone',
      comment: 'the function imports nothing from its deployment, the local endpoint or the tools',
      severity: 'error',
      from: { path: '^lambda/' },
      to: { path: '^(lib|local|tools|bench|bin|test)/' },
    },
    {
      name: 'local-not-on-tools',
      comment: 'npm start does not depend on a tool',
      severity: 'error',
      from: { path: '^local/' },
      to: { path: '^(tools|bench|test)/' },
    },
    { name: 'lib-not-on-tools', severity: 'error', from: { path: '^(lib|bin)/' }, to: { path: '^(local|tools|bench|test)/' } },
    { name: 'tools-not-on-tests', severity: 'error', from: { path: '^(tools|bench)/' }, to: { path: '^test/' } },
    layer('operations', ['store/', 'runs/', 'definitions/', 'expressions/', 'model/', 'protocol/', ...LEAVES]),
    layer('store', ['runs/', 'definitions/', 'expressions/', 'model/', 'protocol/', ...LEAVES]),
    layer('runs', ['definitions/', 'expressions/', 'model/', 'protocol/', ...LEAVES]),
    layer('definitions', ['expressions/', 'model/', 'protocol/', ...LEAVES]),
    layer('expressions', ['model/', 'protocol/', ...LEAVES]),
    layer('model', ['protocol/', ...LEAVES]),
    layer('protocol', LEAVES),
    {
      name: 'leaves-are-leaves',
      severity: 'error',
      from: { path: `^lambda/(${LEAVES.join('|')})` },
      to: { path: '^lambda/', pathNot: `^lambda/(${LEAVES.join('|')})` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|cdk\\.out|artifacts)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
