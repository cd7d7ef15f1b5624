import { readFile } from 'node:fs/promises'
import SwaggerParser from '@apidevtools/swagger-parser'
import t from 'tap'
import { generateOpenApi, openApiPath } from '../../src/bin/openapi.js'

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
        const headers = (op.parameters ?? [])
          .filter((p: { in: string }) => p.in === 'header')
          .map((p: { name: string }) => p.name)
        if (headers.includes('if-match')) {
          t.ok(op.responses['412'] && op.responses['428'], `${where} documents 412 and 428`)
        }
      }
    }
  }
})

t.test('the document describes every response, exemplifies every body and leaves filters empty', async (t) => {
  const { ContractChecker } = await import('../fixtures/contract.js')
  const doc = JSON.parse(await generateOpenApi())
  const checker = new ContractChecker(doc)
  t.equal(doc.servers[0].url, '/', 'the first server is relative: Try it out calls the address the page came from')
  let operations = 0
  for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
    for (const [method, op] of Object.entries<any>(item)) {
      operations++
      const where = `${method.toUpperCase()} ${path}`
      for (const [status, response] of Object.entries<any>(op.responses)) {
        t.ok(response.description && response.description !== 'Default Response', `${where} ${status} is described`)
      }
      t.ok(Array.isArray(op.security), `${where} declares its security (public: [])`)
      if (op.security.length === 0) t.notOk(String(op.description ?? '').includes('Roles:'), `${where} is public`)
      else t.equal(String(op.description).match(/Roles:/g)?.length, 1, `${where} has one Roles: line`)
      for (const p of op.parameters ?? []) {
        if (p.in === 'query' && !p.required) {
          t.notOk(
            p.example ?? p.examples ?? p.schema?.example ?? p.schema?.examples,
            `${where} ?${p.name} is optional and carries no example`
          )
        }
      }
      const media = op.requestBody?.content?.['application/json']
      if (media) {
        t.ok(media.example, `${where} has a request example`)
        const route = path.replace(/\{([^}]+)\}/g, ':$1')
        t.same(
          checker.refusals({ method, route, body: media.example }, ['body']),
          [],
          `${where}: the example matches its schema`
        )
      }
    }
  }
  t.ok(operations > 60, `${operations} operations checked`)
})
