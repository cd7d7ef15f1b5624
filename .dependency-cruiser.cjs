/**
 * The floors of ../shared/architecture.md as import rules (`npm run lint:deps`). Bottom up: platform/ and db/
 * know no module; domain/ is pure; modules meet only through their index.ts; only repositories import values
 * from kysely; a service never imports another service; views never import a service; no cycles.
 */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'floors-know-no-module',
      comment: 'platform/ and db/ are below every module and view.',
      severity: 'error',
      from: { path: '^src/(platform|db)/' },
      to: { path: '^src/(modules|views|web)/' }
    },
    {
      name: 'domain-is-pure',
      comment: 'domain/ is rules over facts: luxon, date-holidays, and the FieldError and ZONE vocabulary only.',
      severity: 'error',
      from: { path: '^src/domain/' },
      to: { pathNot: ['^src/domain/', '^src/platform/(errors|time)\\.ts$', 'luxon', 'date-holidays'] }
    },
    {
      name: 'modules-meet-through-index',
      comment: "Another module's files are reached only through its index.ts.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/', pathNot: ['^src/modules/$1/', '^src/modules/[^/]+/index\\.ts$'] }
    },
    {
      name: 'views-through-index',
      comment: "A view reaches a module only through its index.ts (which never exports routes or services).",
      severity: 'error',
      from: { path: '^src/views/' },
      to: { path: '^src/modules/[^/]+/', pathNot: '^src/modules/[^/]+/index\\.ts$' }
    },
    {
      name: 'app-composes-routes-and-doors',
      comment: 'The app registers each module\'s routes plugin and otherwise uses its index.ts.',
      severity: 'error',
      from: { path: '^src/app\\.ts$' },
      to: { path: '^src/modules/[^/]+/', pathNot: ['^src/modules/[^/]+/index\\.ts$', '\\.routes\\.ts$'] }
    },
    {
      name: 'index-exports-no-routes-or-service',
      comment: 'A door that exported routes or a service would let views and services import each other in a circle.',
      severity: 'error',
      from: { path: '^src/modules/[^/]+/index\\.ts$' },
      to: { path: '\\.(routes|service)\\.ts$' }
    },
    {
      name: 'service-imports-no-service',
      severity: 'error',
      from: { path: '\\.service\\.ts$' },
      to: { path: '\\.service\\.ts$' }
    },
    {
      name: 'views-import-no-service',
      severity: 'error',
      from: { path: '^src/views/' },
      to: { path: '\\.service\\.ts$' }
    },
    {
      name: 'screens-through-the-api',
      comment:
        'A screen reads and writes through the API in process (web/api.ts), so scope, rules and audit are the ' +
        "API's: from modules, views and domain it takes only schemas and pure constant lists, never a service, " +
        'repository, route or view function.',
      severity: 'error',
      from: { path: '^src/web/' },
      to: {
        path: '^src/(modules|views)/',
        pathNot: '\\.schemas\\.ts$'
      }
    },
    {
      name: 'sql-only-in-repositories',
      comment: 'In a module, only *.repository.ts imports values (not types) from kysely.',
      severity: 'error',
      from: { path: '^src/(modules|views|web)/', pathNot: '\\.repository\\.ts$' },
      to: { path: 'node_modules/kysely/', dependencyTypesNot: ['type-only'] }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] }
  }
}
