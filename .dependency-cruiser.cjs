// The layers of the control plane, enforced: the pure lifecycle core (shared/lifecycle/) imports
// no SDK, does no I/O and knows no other layer; the ports (shared/ports/) are interfaces over the
// core; the app (shared/app/) uses ports, never an adapter (shared/azure/, shared/local/), except in
// the one file that wires the Azure adapters. docs/architecture.md explains the layers.
// `npm test` fails on a violation.

/** A forbidden dependency: from files matching `from`, to modules matching `to`. */
function forbid(name, comment, from, to) {
  return { name, comment, severity: 'error', from, to };
}

const CORE = { path: '^shared/lifecycle/' };

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    forbid(
      'lifecycle-no-azure-sdk',
      'shared/lifecycle is pure: it never imports an @azure/* package or durable-functions.',
      CORE,
      { path: '(^|/)node_modules/(@azure/|durable-functions)' },
    ),
    forbid('lifecycle-no-io', 'shared/lifecycle does no I/O: no Node built-in modules at all.', CORE, {
      dependencyTypes: ['core'],
    }),
    forbid(
      'lifecycle-only-pure-packages',
      'shared/lifecycle may import only itself, the typed errors and zod (pure validation).',
      CORE,
      { pathNot: ['^shared/lifecycle/', '^shared/errors/', '(^|/)node_modules/zod/'] },
    ),
    forbid(
      'ports-only-core',
      'shared/ports are interfaces over the core: they import only the core, the errors and zod.',
      { path: '^shared/ports/' },
      { pathNot: ['^shared/ports/', '^shared/lifecycle/', '^shared/errors/', '(^|/)node_modules/zod/'] },
    ),
    forbid(
      'app-no-adapters',
      'shared/app reaches Azure and the simulation only through ports; azureServices.ts wires the adapters.',
      { path: '^shared/app/', pathNot: '^shared/app/azureServices\\.ts$' },
      { path: '^shared/(azure|local)/' },
    ),
    forbid(
      'shared-never-imports-functions',
      'functions/ depends on shared/, never the reverse.',
      {
        path: '^shared/',
      },
      { path: '^functions/' },
    ),
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
