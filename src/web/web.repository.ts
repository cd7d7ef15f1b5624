import type { Kysely } from 'kysely'
import type { Principal, Role } from '../platform/auth/principal.js'
import type { DB } from '../db/schema.js'

/** All SQL of the screens: signed-in sessions, the sign-in role mappings, and the demo users. */

export interface SessionRow {
  principal: Principal
  displayName: string
  idToken: string | null
  lastSeenAt: Date
  createdAt: Date
  expiresAt: Date
}

export async function insertSession(
  db: Kysely<DB>,
  values: {
    idHash: string
    principal: Principal
    signInRoleId: string | null
    displayName: string
    idToken: string | null
    /** The service's clock now: the session's start and last request. */
    now: Date
    expiresAt: Date
  }
): Promise<void> {
  await db
    .insertInto('web_session')
    .values({
      id_hash: values.idHash,
      principal: JSON.stringify(values.principal),
      sign_in_role_id: values.signInRoleId,
      display_name: values.displayName,
      id_token: values.idToken,
      created_at: values.now,
      last_seen_at: values.now,
      expires_at: values.expiresAt
    })
    .execute()
}

/** A live session: not expired, and its role mapping (if it came through one) still there. */
export async function findSession(db: Kysely<DB>, idHash: string, now: Date): Promise<SessionRow | undefined> {
  const row = await db
    .selectFrom('web_session')
    .select(['principal', 'display_name', 'id_token', 'last_seen_at', 'created_at', 'expires_at'])
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', now)
    .executeTakeFirst()
  if (!row) return undefined
  return {
    // jsonb reads back as an object on both drivers (db/database.ts), as every stored JSON column does.
    principal: row.principal as unknown as Principal,
    displayName: row.display_name,
    idToken: row.id_token,
    lastSeenAt: row.last_seen_at,
    createdAt: row.created_at,
    expiresAt: row.expires_at
  }
}

export async function touchSession(db: Kysely<DB>, idHash: string, now: Date, expiresAt: Date): Promise<void> {
  await db
    .updateTable('web_session')
    .set({ last_seen_at: now, expires_at: expiresAt })
    .where('id_hash', '=', idHash)
    .execute()
}

/** Ends a session; also sweeps sessions that expired, so the table holds live ones only. */
export async function deleteSession(db: Kysely<DB>, idHash: string, now: Date): Promise<void> {
  await db
    .deleteFrom('web_session')
    .where((eb) => eb.or([eb('id_hash', '=', idHash), eb('expires_at', '<=', now)]))
    .execute()
}

export interface SignInOrganisation {
  orgType: Principal['orgType']
  orgId: string
  laCode: string
  name: string
}

/** The organisation a DfE Sign-in style claim names: an LA by code, a school or provider by URN or a UKPRN. */
export async function organisationOf(
  db: Kysely<DB>,
  claim: { laCode?: string | undefined; urn?: string | undefined; ukprn?: string | undefined }
): Promise<SignInOrganisation | undefined> {
  if (claim.laCode) {
    const la = await db
      .selectFrom('local_authority')
      .select(['code', 'name'])
      .where('code', '=', claim.laCode)
      .executeTakeFirst()
    return la && { orgType: 'local_authority', orgId: la.code, laCode: la.code, name: la.name }
  }
  if (claim.urn) {
    const school = await db
      .selectFrom('school')
      .select(['id', 'la_code', 'name'])
      .where('urn', '=', claim.urn)
      .executeTakeFirst()
    if (school) return { orgType: 'school', orgId: school.id, laCode: school.la_code, name: school.name }
  }
  const provider = await db
    .selectFrom('provider')
    .select(['id', 'la_code', 'name'])
    .where((eb) =>
      eb.or([
        ...(claim.urn ? [eb('urn', '=', claim.urn)] : []),
        ...(claim.ukprn ? [eb('ukprn', '=', claim.ukprn)] : [])
      ])
    )
    .$if(!claim.urn && !claim.ukprn, (qb) => qb.where((eb) => eb.lit(false)))
    .executeTakeFirst()
  return provider && { orgType: 'provider', orgId: provider.id, laCode: provider.la_code, name: provider.name }
}

/** The mapping for a user of an organisation: the one naming the user's email first, else the organisation's. */
export async function signInRoleFor(
  db: Kysely<DB>,
  org: { orgType: Principal['orgType']; orgId: string },
  email: string | null
): Promise<{ id: string; role: Role; laCode: string } | undefined> {
  const rows = await db
    .selectFrom('sign_in_role')
    .select(['id', 'role', 'la_code', 'email'])
    .where('org_type', '=', org.orgType)
    .where('org_id', '=', org.orgId)
    .where((eb) => eb.or([eb('email', 'is', null), ...(email ? [eb('email', '=', email)] : [])]))
    .execute()
  const row = rows.find((r) => r.email !== null) ?? rows[0]
  return row && { id: row.id, role: row.role, laCode: row.la_code }
}

/** The demo's users: one per role in the first LA, its first school and first provider (embedded PGlite only). */
export async function demoOrganisations(db: Kysely<DB>): Promise<
  | {
      laCode: string
      laName: string
      schoolId: string | null
      schoolName: string | null
      providerId: string | null
      providerName: string | null
    }
  | undefined
> {
  const la = await db.selectFrom('local_authority').select(['code', 'name']).orderBy('code', 'desc').executeTakeFirst()
  if (!la) return undefined
  // The seed's demo school (URN 190101, the one its school token names) when it is there, else the first.
  const school =
    (await db.selectFrom('school').select(['id', 'name']).where('urn', '=', '190101').executeTakeFirst()) ??
    (await db
      .selectFrom('school')
      .select(['id', 'name'])
      .where('la_code', '=', la.code)
      .orderBy('id')
      .executeTakeFirst())
  const provider = await db
    .selectFrom('provider')
    .select(['id', 'name'])
    .where('la_code', '=', la.code)
    .orderBy('id')
    .executeTakeFirst()
  return {
    laCode: la.code,
    laName: la.name,
    schoolId: school?.id ?? null,
    schoolName: school?.name ?? null,
    providerId: provider?.id ?? null,
    providerName: provider?.name ?? null
  }
}
