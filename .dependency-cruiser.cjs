// The pure lifecycle core (shared/lifecycle/) must stay pure: no Azure SDK, no I/O, no other
// layer of the app. DESIGN.md section 5, STYLE.md practice 11. `npm test` fails on a violation.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'lifecycle-no-azure-sdk',
      comment: 'shared/lifecycle is pure: it never imports an @azure/* package or durable-functions.',
      severity: 'error',
      from: { path: '^shared/lifecycle/' },
      to: { path: '(^|/)node_modules/(@azure/|durable-functions)' },
    },
    {
      name: 'lifecycle-no-io',
      comment: 'shared/lifecycle does no I/O: no Node built-in modules at all.',
      severity: 'error',
      from: { path: '^shared/lifecycle/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'lifecycle-only-pure-packages',
      comment: 'shared/lifecycle may import only itself, the typed errors and zod (pure validation).',
      severity: 'error',
      from: { path: '^shared/lifecycle/' },
      to: { pathNot: ['^shared/lifecycle/', '^shared/errors/', '(^|/)node_modules/zod/'] },
    },
    {
      name: 'shared-never-imports-functions',
      comment: 'functions/ depends on shared/, never the reverse.',
      severity: 'error',
      from: { path: '^shared/' },
      to: { path: '^functions/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
