/**
 * Module boundaries, checked by `npm run lint` (dependency-cruiser).
 * Type-only imports count too: a cycle of types is still two modules that cannot be read,
 * moved or tested one without the other.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-cycle',
      severity: 'error',
      comment: 'Modules import each other: move what both need into a third module.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-http-below-services',
      severity: 'error',
      comment:
        'Services and repositories do not depend on HTTP: move what they share out of the routes module.',
      from: { path: '^server/src/.+-(service|repository)\\.ts$' },
      to: { path: '^server/src/.+-routes\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist|data|drizzle|coverage|test-results)/' },
    // See `import type` as well: the TypeScript source, not what it compiles to.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      extensions: ['.ts', '.js', '.svelte', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    cache: false,
  },
};
