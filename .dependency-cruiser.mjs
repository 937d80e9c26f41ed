/**
 * The import rules of src (npm run lint checks them): no cycle between files or folders, and the
 * layers of the README's folder map. Type-only imports count: a type shared both ways is a cycle too.
 * @type {import('dependency-cruiser').IConfiguration}
 */
export default {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Two files that import each other are one module in two pieces.',
      from: { path: '^(src|scripts)/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      severity: 'error',
      comment: 'A folder that imports another is not imported back by it.',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'engines-are-pure',
      severity: 'error',
      comment:
        'The engines compute from plain inputs: other engine files, the policy format, validation, dates and npm libraries, never the database, a transport or the scope.',
      from: { path: '^src/engines/' },
      to: { path: '^src/', pathNot: '^src/(engines|format|validation|dates)(/|[.]ts$)' },
    },
    {
      name: 'scope-is-under-the-transports',
      severity: 'error',
      comment:
        'GraphQL, the HTTP routes and the export runner build on the request scope; it imports none of them, nor what runs on it.',
      from: { path: '^src/scope/' },
      to: { path: '^src/(graphql|server|exports|evaluation|writes|observations|auth)/' },
    },
    {
      name: 'graphql-only-from-its-server',
      severity: 'error',
      comment:
        'Only the GraphQL layer and the server that mounts it import src/graphql: writes, exports and evaluation take their rules from src/scope.',
      from: { path: '^src/', pathNot: '^src/(graphql|server)/' },
      to: { path: '^src/graphql/' },
    },
    {
      name: 'nothing-imports-the-server',
      severity: 'error',
      comment: 'src/server is the top of src: it mounts every transport; only scripts (entry points) may import it.',
      from: { path: '^src/', pathNot: '^src/server/' },
      to: { path: '^src/server/' },
    },
  ],
  options: {
    // Generated code is a leaf: imports of it are checked, its own (Prisma's internal cycles) are not.
    doNotFollow: { path: ['node_modules', '^src/generated/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
