import { pathToFileURL } from 'node:url'
import type { Kysely, Transaction } from 'kysely'
import type { Role } from '../platform/auth/principal.js'
import { loadConfig } from '../platform/config.js'
import type { DB } from '../db/schema.js'
import { isValidUln, upnCheckLetter } from '../domain/identifiers.js'
import { upsertLocalAuthority } from '../modules/local-authorities/local-authorities.service.js'
import type { ETHNICITY_MAJOR } from '../modules/pupils/pupils.schemas.js'
import type { SCHOOL_PHASES, SchoolType } from '../modules/schools/schools.schemas.js'
import { academicYearStart } from '../domain/school-year.js'
import { systemClock, todayIn } from '../platform/time.js'
import { type ActivityResult, seedDemoActivity } from './demo-activity.js'
import {
  CliError,
  cliActor,
  databaseErrorMessage,
  describeDatabase,
  issueCliToken,
  openDatabase,
  printTable,
  runCli
} from './token.js'

/*
 * Demo data: two local authorities with schools, AP providers of every kind and about twenty synthetic pupils.
 * Every name is obviously made up and every identifier is generated (UPN check letters and ULN check digits
 * are computed, so they validate). Idempotent: records are found by their natural keys (LA code, URN, UKPRN,
 * UPN) and only missing ones are inserted, so a re-run duplicates nothing and never overwrites edits made
 * through the API. Each run issues and prints a fresh token per role for LA 919.
 */

interface SeedSchool {
  urn: string
  laestab: string
  name: string
  phase: (typeof SCHOOL_PHASES)[number]
  type: SchoolType
}
interface SeedProvider {
  name: string
  laCode: string
  urn?: string
  ukprn?: string
  settingType?: 'NFE' | 'OOT' | 'OTH' | 'WBP'
  registrationStatus: 'STATE_FUNDED_AP_SCHOOL' | 'REGISTERED_INDEPENDENT_SCHOOL' | 'UNREGISTERED'
  qaStatus?: 'NOT_ASSESSED' | 'APPROVED' | 'APPROVED_WITH_CONDITIONS' | 'NOT_APPROVED' | 'SUSPENDED'
  qaDate?: string
  safeguardingConfirmedOn?: string
  tiers: Record<1 | 2 | 3, number | undefined>
}

export const DEMO_LAS = [
  { code: '919', name: 'Hertfordshire' },
  { code: '202', name: 'Camden' }
] as const

// Fictional schools with well-formed identifiers: URNs are 6 digits, LAESTABs start with the LA number
// (4000s secondary, 2000s primary, 7000s special, 1100s PRU, as in GIAS numbering).
export const DEMO_SCHOOLS: SeedSchool[] = [
  { urn: '190101', laestab: '9194001', name: 'Harpenden Vale Academy', phase: 'SECONDARY', type: 'ACADEMY' },
  { urn: '190102', laestab: '9194002', name: 'Stevenage Heath School', phase: 'SECONDARY', type: 'FOUNDATION' },
  { urn: '190103', laestab: '9194003', name: 'Watford Meadow Free School', phase: 'SECONDARY', type: 'FREE_SCHOOL' },
  { urn: '190104', laestab: '9192001', name: 'St Albans Road Primary School', phase: 'PRIMARY', type: 'COMMUNITY' },
  {
    urn: '190105',
    laestab: '9197001',
    name: 'Hatfield Brook School',
    phase: 'NOT_APPLICABLE',
    type: 'COMMUNITY_SPECIAL'
  },
  {
    urn: '190106',
    laestab: '9191101',
    name: 'Hertfordshire Demo Education Support Centre',
    phase: 'NOT_APPLICABLE',
    type: 'PRU'
  },
  { urn: '190201', laestab: '2024001', name: 'Camden Park Academy', phase: 'SECONDARY', type: 'ACADEMY' },
  { urn: '190202', laestab: '2022001', name: 'Kentish Row Primary School', phase: 'PRIMARY', type: 'COMMUNITY' },
  { urn: '190203', laestab: '2024002', name: "Regent's Canal School", phase: 'SECONDARY', type: 'VOLUNTARY_AIDED' }
]

// Database rules: exactly one of URN, UKPRN and setting type; registered ⇔ has a URN.
export const DEMO_PROVIDERS: SeedProvider[] = [
  // The PRU above, also listed as the LA's state-funded AP school (same GIAS URN).
  {
    name: 'Hertfordshire Demo Education Support Centre',
    laCode: '919',
    urn: '190106',
    registrationStatus: 'STATE_FUNDED_AP_SCHOOL',
    qaStatus: 'APPROVED',
    qaDate: '2025-10-06',
    safeguardingConfirmedOn: '2025-09-15',
    tiers: { 1: 40, 2: 24, 3: 12 }
  },
  {
    name: 'Brookfield House Independent School',
    laCode: '919',
    urn: '190160',
    registrationStatus: 'REGISTERED_INDEPENDENT_SCHOOL',
    qaStatus: 'APPROVED_WITH_CONDITIONS',
    qaDate: '2025-06-20',
    safeguardingConfirmedOn: '2025-06-20',
    tiers: { 1: undefined, 2: 8, 3: 10 }
  },
  {
    name: 'Next Step Tuition (one-to-one)',
    laCode: '919',
    settingType: 'OOT',
    registrationStatus: 'UNREGISTERED',
    safeguardingConfirmedOn: '2025-09-10',
    tiers: { 1: 15, 2: 6, 3: undefined }
  },
  {
    name: 'Pathways Skills Training Ltd',
    laCode: '919',
    ukprn: '10098765',
    registrationStatus: 'UNREGISTERED',
    qaStatus: 'APPROVED',
    qaDate: '2025-03-12',
    safeguardingConfirmedOn: '2025-03-12',
    tiers: { 1: undefined, 2: undefined, 3: 20 }
  },
  {
    name: 'Camden Demo Centre for Learning',
    laCode: '202',
    urn: '190250',
    registrationStatus: 'STATE_FUNDED_AP_SCHOOL',
    qaStatus: 'APPROVED',
    qaDate: '2025-11-03',
    safeguardingConfirmedOn: '2025-09-01',
    tiers: { 1: 30, 2: 16, 3: 8 }
  }
]

const FORENAMES = [
  'Alex',
  'Sam',
  'Jordan',
  'Casey',
  'Riley',
  'Morgan',
  'Taylor',
  'Jamie',
  'Charlie',
  'Robin',
  'Quinn',
  'Avery',
  'Rowan',
  'Skye',
  'Drew',
  'Frankie',
  'Harley',
  'Jesse',
  'Kai',
  'Logan'
]
const SURNAMES = [
  'Example',
  'Sample',
  'Specimen',
  'Placeholder',
  'Testcase',
  'Dummy',
  'Fictional',
  'Madeup',
  'Notreal',
  'Demo'
]

interface SeedPupil {
  /** Home school URN, or null for a pupil on no roll (e.g. permanently excluded, awaiting a place). */
  schoolUrn: string | null
  homeLaCode: string
  ncYear: number
  birthMonth: number
  birthDay: number
  sex: 'F' | 'M' | 'U'
  sen: 'N' | 'K' | 'E'
  fsm: boolean
  lookedAfter?: boolean
  childInNeed?: boolean
  ethnicity: (typeof ETHNICITY_MAJOR)[number]
  preferredForename?: string
  temporaryUpn?: boolean
}

// Mostly Key Stage 3 and 4, mostly on the SEN register and about half FSM-eligible, like the AP population.
const PUPILS: SeedPupil[] = [
  {
    schoolUrn: '190101',
    homeLaCode: '919',
    ncYear: 9,
    birthMonth: 10,
    birthDay: 4,
    sex: 'M',
    sen: 'K',
    fsm: true,
    ethnicity: 'WHIT'
  },
  {
    schoolUrn: '190101',
    homeLaCode: '919',
    ncYear: 10,
    birthMonth: 2,
    birthDay: 17,
    sex: 'F',
    sen: 'E',
    fsm: true,
    ethnicity: 'MIXD',
    childInNeed: true
  },
  {
    schoolUrn: '190101',
    homeLaCode: '919',
    ncYear: 8,
    birthMonth: 6,
    birthDay: 30,
    sex: 'M',
    sen: 'N',
    fsm: false,
    ethnicity: 'BLAC'
  },
  {
    schoolUrn: '190101',
    homeLaCode: '919',
    ncYear: 11,
    birthMonth: 12,
    birthDay: 1,
    sex: 'M',
    sen: 'K',
    fsm: true,
    ethnicity: 'WHIT',
    lookedAfter: true
  },
  {
    schoolUrn: '190101',
    homeLaCode: '202',
    ncYear: 9,
    birthMonth: 4,
    birthDay: 22,
    sex: 'F',
    sen: 'K',
    fsm: false,
    ethnicity: 'ASIA',
    preferredForename: 'Jojo'
  },
  {
    schoolUrn: '190101',
    homeLaCode: '919',
    ncYear: 7,
    birthMonth: 9,
    birthDay: 9,
    sex: 'M',
    sen: 'K',
    fsm: true,
    ethnicity: 'NOBT',
    temporaryUpn: true
  },
  {
    schoolUrn: '190102',
    homeLaCode: '919',
    ncYear: 10,
    birthMonth: 1,
    birthDay: 11,
    sex: 'M',
    sen: 'E',
    fsm: true,
    ethnicity: 'WHIT'
  },
  {
    schoolUrn: '190102',
    homeLaCode: '919',
    ncYear: 9,
    birthMonth: 7,
    birthDay: 3,
    sex: 'F',
    sen: 'K',
    fsm: false,
    ethnicity: 'WHIT',
    childInNeed: true
  },
  {
    schoolUrn: '190102',
    homeLaCode: '919',
    ncYear: 11,
    birthMonth: 3,
    birthDay: 28,
    sex: 'M',
    sen: 'N',
    fsm: true,
    ethnicity: 'AOEG'
  },
  {
    schoolUrn: '190103',
    homeLaCode: '919',
    ncYear: 8,
    birthMonth: 11,
    birthDay: 19,
    sex: 'F',
    sen: 'K',
    fsm: true,
    ethnicity: 'MIXD',
    preferredForename: 'Bee'
  },
  {
    schoolUrn: '190103',
    homeLaCode: '919',
    ncYear: 10,
    birthMonth: 5,
    birthDay: 5,
    sex: 'M',
    sen: 'K',
    fsm: false,
    ethnicity: 'REFU'
  },
  {
    schoolUrn: '190104',
    homeLaCode: '919',
    ncYear: 6,
    birthMonth: 8,
    birthDay: 14,
    sex: 'M',
    sen: 'K',
    fsm: true,
    ethnicity: 'WHIT'
  },
  {
    schoolUrn: '190104',
    homeLaCode: '919',
    ncYear: 5,
    birthMonth: 12,
    birthDay: 25,
    sex: 'F',
    sen: 'E',
    fsm: true,
    ethnicity: 'BLAC',
    lookedAfter: true
  },
  {
    schoolUrn: '190105',
    homeLaCode: '919',
    ncYear: 9,
    birthMonth: 3,
    birthDay: 2,
    sex: 'M',
    sen: 'E',
    fsm: false,
    ethnicity: 'WHIT'
  },
  {
    schoolUrn: '190106',
    homeLaCode: '919',
    ncYear: 10,
    birthMonth: 10,
    birthDay: 31,
    sex: 'M',
    sen: 'K',
    fsm: true,
    ethnicity: 'WHIT',
    childInNeed: true
  },
  {
    schoolUrn: null,
    homeLaCode: '919',
    ncYear: 10,
    birthMonth: 6,
    birthDay: 8,
    sex: 'F',
    sen: 'K',
    fsm: true,
    ethnicity: 'WHIT',
    childInNeed: true
  },
  {
    schoolUrn: '190201',
    homeLaCode: '202',
    ncYear: 9,
    birthMonth: 1,
    birthDay: 20,
    sex: 'M',
    sen: 'K',
    fsm: true,
    ethnicity: 'BLAC'
  },
  {
    schoolUrn: '190201',
    homeLaCode: '202',
    ncYear: 11,
    birthMonth: 9,
    birthDay: 29,
    sex: 'F',
    sen: 'E',
    fsm: true,
    ethnicity: 'ASIA',
    lookedAfter: true
  },
  {
    schoolUrn: '190202',
    homeLaCode: '202',
    ncYear: 6,
    birthMonth: 4,
    birthDay: 16,
    sex: 'M',
    sen: 'N',
    fsm: true,
    ethnicity: 'CHNE'
  },
  {
    schoolUrn: '190203',
    homeLaCode: '919',
    ncYear: 8,
    birthMonth: 7,
    birthDay: 21,
    sex: 'U',
    sen: 'K',
    fsm: false,
    ethnicity: 'MIXD'
  }
]

/** A valid permanent UPN: LAESTAB of the issuing school, two-digit year of issue, three-digit serial. */
export function demoUpn(laestab: string, yearOfIssue: number, serial: number, temporary = false): string {
  const yy = String(yearOfIssue % 100).padStart(2, '0')
  const body = temporary
    ? `${laestab}${yy}${String(serial % 100).padStart(2, '0')}${'ABCDEFGHJKLMNPQRTUVWXYZ'[serial % 23]}`
    : `${laestab}${yy}${String(serial).padStart(3, '0')}`
  return upnCheckLetter(body) + body
}

/** A ULN that passes the ESFA mod-11 check: nine digits from the serial, then the computed check digit. */
export function demoUln(serial: number): string {
  for (let n = serial; ; n++) {
    const first9 = `4${String(n).padStart(8, '0')}`.slice(0, 9)
    let sum = 0
    for (let i = 0; i < 9; i++) sum += Number(first9[i]) * (10 - i)
    const r = sum % 11
    if (r === 0) continue
    const uln = first9 + String((10 - r) % 10)
    if (isValidUln(uln)) return uln
  }
}

/** A date of birth that puts the pupil in `nc` in the academic year containing `today` (age on 31 August − 4). */
function dateOfBirthFor(today: string, nc: number, month: number, day: number): string {
  const start = academicYearStart(today)
  const year = month >= 9 ? start - nc - 5 : start - nc - 4
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`
}

interface Counts {
  existing: number
  created: number
}
export interface SeedResult {
  schools: Counts
  providers: Counts
  pupils: Counts
  tokens: { role: Role; id: string; token: string; organisation: string; expiresAt: Date }[]
  activity?: ActivityResult
}

async function audit(
  trx: Transaction<DB>,
  actor: string,
  laCode: string,
  entity: string,
  id: string,
  pupilLaCode: string | null = null
) {
  await trx
    .insertInto('audit_event')
    .values({
      actor,
      role: 'system',
      org_type: 'local_authority',
      org_id: laCode,
      actor_la_code: laCode,
      action: 'create',
      entity,
      entity_id: id,
      pupil_id: entity === 'pupil' ? id : null,
      pupil_la_code: pupilLaCode
    })
    .execute()
}

/**
 * Inserts the demo records that are missing (each creation audited as `seed:<user>`) and issues one new
 * token per role for LA 919. Usable from scripts and a first-start hook as well as `npm run seed`.
 */
export async function seedDemo(db: Kysely<DB>, options: { tokenDays: number; today?: string }): Promise<SeedResult> {
  const actor = cliActor().replace(/^cli/, 'seed')
  const today = options.today ?? todayIn(systemClock)
  const result: SeedResult = {
    schools: { existing: 0, created: 0 },
    providers: { existing: 0, created: 0 },
    pupils: { existing: 0, created: 0 },
    tokens: []
  }

  for (const la of DEMO_LAS) await upsertLocalAuthority(db, la.code, la.name)

  const schoolIds = new Map<string, { id: string; laCode: string; laestab: string; name: string }>()
  await db.transaction().execute(async (trx) => {
    for (const s of DEMO_SCHOOLS) {
      const laCode = s.laestab.slice(0, 3)
      const inserted = await trx
        .insertInto('school')
        .values({ urn: s.urn, laestab: s.laestab, name: s.name, la_code: laCode, phase: s.phase, type: s.type })
        .onConflict((oc) => oc.column('urn').doNothing())
        .returning('id')
        .executeTakeFirst()
      if (inserted) {
        result.schools.created++
        await audit(trx, actor, laCode, 'school', inserted.id)
      } else result.schools.existing++
      const row = await trx
        .selectFrom('school')
        .select(['id', 'la_code', 'laestab', 'name'])
        .where('urn', '=', s.urn)
        .executeTakeFirstOrThrow()
      schoolIds.set(s.urn, { id: row.id, laCode: row.la_code, laestab: row.laestab, name: row.name })
    }
  })

  const providerIds: { id: string; name: string; laCode: string }[] = []
  await db.transaction().execute(async (trx) => {
    for (const p of DEMO_PROVIDERS) {
      let existing = trx.selectFrom('provider').select(['id', 'name', 'la_code'])
      existing = p.urn
        ? existing.where('urn', '=', p.urn)
        : p.ukprn
          ? existing.where('ukprn', '=', p.ukprn)
          : existing
              .where('setting_type', '=', p.settingType!)
              .where('la_code', '=', p.laCode)
              .where('name', '=', p.name)
      let row = await existing.executeTakeFirst()
      if (row) result.providers.existing++
      else {
        row = await trx
          .insertInto('provider')
          .values({
            name: p.name,
            la_code: p.laCode,
            urn: p.urn ?? null,
            ukprn: p.ukprn ?? null,
            setting_type: p.settingType ?? null,
            registration_status: p.registrationStatus,
            qa_status: p.qaStatus ?? 'NOT_ASSESSED',
            qa_date: p.qaDate ?? null,
            safeguarding_confirmed_on: p.safeguardingConfirmedOn ?? null
          })
          .returning(['id', 'name', 'la_code'])
          .executeTakeFirstOrThrow()
        const tiers = ([1, 2, 3] as const)
          .filter((t) => p.tiers[t] !== undefined)
          .map((tier) => ({ provider_id: row!.id, tier, places: p.tiers[tier]! }))
        if (tiers.length > 0) await trx.insertInto('provider_tier').values(tiers).execute()
        result.providers.created++
        await audit(trx, actor, p.laCode, 'provider', row.id)
      }
      providerIds.push({ id: row.id, name: row.name, laCode: row.la_code })
    }
  })

  await db.transaction().execute(async (trx) => {
    for (const [i, p] of PUPILS.entries()) {
      const school = p.schoolUrn ? schoolIds.get(p.schoolUrn) : undefined
      const dob = dateOfBirthFor(today, p.ncYear, p.birthMonth, p.birthDay)
      // A pupil on no roll keeps the UPN issued by a Herts primary.
      const issuer = school?.laestab ?? '9192001'
      const upn = demoUpn(issuer, Number(dob.slice(0, 4)) + 5, 101 + i, p.temporaryUpn)
      const inserted = await trx
        .insertInto('pupil')
        .values({
          upn,
          uln: p.ncYear >= 10 ? demoUln(1000 + i * 37) : null,
          legal_forename: FORENAMES[i % FORENAMES.length]!,
          legal_surname: SURNAMES[i % SURNAMES.length]!,
          preferred_forename: p.preferredForename ?? null,
          date_of_birth: dob,
          sex: p.sex,
          sen_provision: p.sen,
          fsm_eligible: p.fsm,
          looked_after: p.lookedAfter ?? false,
          child_in_need: p.childInNeed ?? false,
          ethnicity: p.ethnicity,
          home_school_id: school?.id ?? null,
          home_la_code: p.homeLaCode
        })
        .onConflict((oc) => oc.column('upn').doNothing())
        .returning(['id', 'home_la_code'])
        .executeTakeFirst()
      if (inserted) {
        result.pupils.created++
        await audit(trx, actor, school?.laCode ?? p.homeLaCode, 'pupil', inserted.id, inserted.home_la_code)
      } else result.pupils.existing++
    }
  })

  // The living LA: referrals, placements, reviews, outcomes, marks and assessments, dated relative to today.
  result.activity = await seedDemoActivity(db, {
    schools: new Map([...schoolIds].filter(([, s]) => s.laCode === '919').map(([urn, s]) => [urn, s.id])),
    providers: providerIds.filter((p) => p.laCode === '919')
  })

  const la = DEMO_LAS[0]
  const school = schoolIds.get('190101')!
  const provider = providerIds[0]!
  for (const role of ['la_admin', 'coordinator', 'school', 'provider', 'analyst'] as const) {
    const organisation =
      role === 'school'
        ? `${school.name} (school ${school.id})`
        : role === 'provider'
          ? `${provider.name} (provider ${provider.id})`
          : `${la.name} (LA ${la.code})`
    const { token, row } = await issueCliToken(db, {
      role,
      laCode: la.code,
      schoolId: role === 'school' ? school.id : null,
      providerId: role === 'provider' ? provider.id : null,
      label: `demo ${role} (npm run seed)`,
      days: options.tokenDays,
      actor
    })
    result.tokens.push({ role, id: row.id, token, organisation, expiresAt: row.expires_at })
  }
  return result
}

export function printSeedResult(result: SeedResult, where: string, base = 'http://localhost:3000'): void {
  const counts = (c: Counts) => `${c.created + c.existing} (${c.created} new)`
  console.log(`Demo data in the ${where}:`)
  console.log(`  local authorities  ${DEMO_LAS.map((l) => `${l.code} ${l.name}`).join(', ')}`)
  console.log(`  schools            ${counts(result.schools)}`)
  console.log(`  providers          ${counts(result.providers)}`)
  console.log(`  pupils             ${counts(result.pupils)}`)
  const a = result.activity
  if (a && a.referrals > 0) {
    console.log(
      `  activity in 919    ${a.referrals} referrals, ${a.placements} placements, ` +
        `${a.reviews} reviews, ${a.outcomes} outcome(s), ` +
        `${a.marks} session marks, ${a.assessments} assessments` +
        ` (dated relative to today)`
    )
  }
  for (const s of a?.skipped ?? []) console.log(`  skipped: ${s}`)
  console.log('')
  console.log(
    `New demo tokens for LA 919 (shown once; expire ${result.tokens[0]?.expiresAt.toISOString().slice(0, 10)}):`
  )
  printTable(result.tokens.map((t) => ({ role: t.role, 'token id': t.id, 'acts for': t.organisation, token: t.token })))
  const coordinator = result.tokens.find((t) => t.role === 'coordinator')
  console.log('')
  console.log('Try, with the API running (npm start):')
  console.log(`  curl -H "Authorization: Bearer ${coordinator?.token ?? '<token>'}" ${base}/v1/pupils`)
  console.log(`  or open ${base}/docs and use "Authorize" with a token.`)
  console.log(`The screens: open ${base}/ and sign in as a demo user of any role (embedded database only).`)
}

const SEED_USAGE = `Usage: npm run seed

Adds the demo data that is missing (a living local authority: see README, Quick start) and prints a new
token for each role. Running it again adds nothing that exists and prints fresh tokens. Takes no arguments.
The database is DATABASE_URL, or else the PGlite folder DATA_DIR (default ./data), which must not be open
in another process (stop npm start first).`

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    console.log(SEED_USAGE)
    return
  }
  if (args.length > 0) throw new CliError(SEED_USAGE, 2)
  let config
  try {
    config = loadConfig()
  } catch (err) {
    throw new CliError((err as Error).message)
  }
  const db = await openDatabase(config)
  try {
    const result = await seedDemo(db, { tokenDays: config.TOKEN_TTL_DAYS })
    printSeedResult(result, describeDatabase(config))
  } catch (err) {
    if (err instanceof CliError) throw err
    throw new CliError(`Seeding failed: ${databaseErrorMessage(err)}`)
  } finally {
    await db.destroy()
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runCli(main)
}
