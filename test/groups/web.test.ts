/** The screens' test files, in one process (test/fixtures/groups.ts). */
import { runGroup } from '../fixtures/groups.js'

await runGroup('web')
