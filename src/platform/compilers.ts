/**
 * Fastify compiles every route's schemas into validators (Ajv) and serializers (fast-json-stringify) when an app is
 * built. A server builds one app, but the test suite builds hundreds in each process, and compiling the same
 * schemas again is most of the cost of building one. A compiled validator or serializer is a pure function of the
 * schema, the shared schemas and the compiler options, so `compiledOnce` keeps each in a process-wide map keyed
 * by exactly those (as JSON) and a later app with the same schemas reuses it. JSON leaves out functions: an option
 * that is a function (Ajv's format validators, `requestFormats`) must be the same in every app the process builds,
 * as it is here, or two apps would share what only one of them compiled.
 */

type Factory<Route> = (externalSchemas: unknown, options: unknown) => (route: Route) => unknown

interface RouteSchema {
  schema: unknown
  httpPart?: string
  httpStatus?: string
  contentType?: string
}

const compiled = new Map<string, unknown>()

/** How many compiled functions this process holds (for the test that they are reused). */
export const compiledCount = (): number => compiled.size

/**
 * A compilers factory (Fastify's `schemaController.compilersFactory.buildValidator` or `buildSerializer` form)
 * whose compiled functions are shared by every app built from the same schemas. `kind` keeps validators and
 * serializers apart.
 */
export function compiledOnce<Route extends RouteSchema>(kind: string, factory: Factory<Route>): Factory<Route> {
  return (externalSchemas, options) => {
    const context = `${kind}\n${JSON.stringify([externalSchemas, options])}`
    let compile: ((route: Route) => unknown) | undefined
    return (route) => {
      const key = `${context}\n${route.httpPart ?? ''}\n${JSON.stringify(route.schema)}`
      if (compiled.has(key)) return compiled.get(key)
      compile ??= factory(externalSchemas, options)
      const fn = compile(route)
      compiled.set(key, fn)
      return fn
    }
  }
}
