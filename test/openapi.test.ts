import { readFile } from 'node:fs/promises'
import SwaggerParser from '@apidevtools/swagger-parser'
import t from 'tap'
import { generateOpenApi, openApiPath } from '../src/bin/openapi.js'

t.test('openapi/openapi.json is generated from the routes, committed and valid', async (t) => {
  const generated = await generateOpenApi()
  const committed = await readFile(openApiPath, 'utf8')
  t.equal(committed, generated, 'stale: run `npm run openapi:write` and commit the result')
  const doc = JSON.parse(committed)
  await t.resolves(SwaggerParser.validate(structuredClone(doc)), 'a valid OpenAPI 3.1 document')
  t.equal(doc.openapi, '3.1.0')
  t.ok(doc.servers?.length >= 1, 'declares servers')
  t.ok(doc.info.license?.name, 'declares a licence')

  const ids = new Set<string>()
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      const where = `${method.toUpperCase()} ${path}`
      t.ok(op.summary, `${where} has a summary`)
      t.ok(op.tags?.length, `${where} has a tag`)
      t.ok(op.operationId && !ids.has(op.operationId), `${where} has a unique operationId`)
      ids.add(op.operationId)
      if (path.startsWith('/v1/')) {
        t.same(op.security, [{ bearerAuth: [] }], `${where} declares bearer security`)
        for (const status of ['400', '401', '403', '429']) t.ok(op.responses[status], `${where} documents ${status}`)
        if (path.includes('{')) t.ok(op.responses['404'], `${where} documents 404`)
        const headers = (op.parameters ?? []).filter((p: { in: string }) => p.in === 'header').map((p: { name: string }) => p.name)
        if (headers.includes('if-match')) {
          t.ok(op.responses['412'] && op.responses['428'], `${where} documents 412 and 428`)
        }
      }
    }
  }
})
