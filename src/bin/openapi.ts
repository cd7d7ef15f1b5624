import { readFile, writeFile } from 'node:fs/promises'
import { buildApp } from '../app.js'
import { defaultConfig } from '../platform/config.js'
import { createDb } from '../db/database.js'

/** The OpenAPI document as committed: generated from the route schemas, never edited by hand. */
export async function generateOpenApi(): Promise<string> {
  const db = createDb({ dataDir: 'memory://' }) // never queried
  const app = await buildApp({ db, config: defaultConfig({ PUBLIC_URL: 'http://localhost:3000' }) })
  await app.ready()
  const text = JSON.stringify(app.swagger(), null, 2) + '\n'
  await app.close()
  await db.destroy()
  return text
}

export const openApiPath = new URL('../../openapi/openapi.json', import.meta.url)

const USAGE = `Usage: npm run openapi:write   (node --import tsx src/bin/openapi.ts)
       npm run openapi:check   (node --import tsx src/bin/openapi.ts --check)

Generates the OpenAPI document from the route schemas and writes openapi/openapi.json, or with --check
fails (exit 1) when the committed document differs. Opens no database.`

if (
  import.meta.url === `file://${process.argv[1]}` &&
  (process.argv.includes('--help') || process.argv.includes('-h'))
) {
  console.log(USAGE)
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const unknown = process.argv.slice(2).filter((a) => a !== '--check')
  if (unknown.length > 0) {
    console.error(`Unknown argument(s): ${unknown.join(' ')}\n${USAGE}`)
    process.exit(2)
  }
  const generated = await generateOpenApi()
  if (process.argv.includes('--check')) {
    const committed = await readFile(openApiPath, 'utf8').catch(() => '')
    if (committed !== generated) {
      console.error('openapi/openapi.json is stale: run npm run openapi:write and commit it')
      process.exitCode = 1
    } else console.log('openapi/openapi.json is up to date')
  } else {
    await writeFile(openApiPath, generated)
    console.log('wrote openapi/openapi.json')
  }
}
