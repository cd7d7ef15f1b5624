import type { Kysely } from 'kysely'
import type { Principal, Role } from '../../platform/auth/principal.js'
import type { DB } from '../../db/schema.js'

/** All SQL on the sign-in role mappings; an LA administrator sees and changes only its own LA's. */

export interface SignInRoleRow {
  id: string
  org_type: Principal['orgType']
  org_id: string
  email: string | null
  role: Role
  created_at: Date
  org_name: string | null
}

const withNames = (db: Kysely<DB>) =>
  db
    .selectFrom('sign_in_role as m')
    .leftJoin('school as s', (j) =>
      j.on('m.org_type', '=', 'school').on((eb) => eb(eb.cast('s.id', 'text'), '=', eb.ref('m.org_id')))
    )
    .leftJoin('provider as p', (j) =>
      j.on('m.org_type', '=', 'provider').on((eb) => eb(eb.cast('p.id', 'text'), '=', eb.ref('m.org_id')))
    )
    .leftJoin('local_authority as l', (j) =>
      j.on('m.org_type', '=', 'local_authority').onRef('l.code', '=', 'm.org_id')
    )
    .select(['m.id', 'm.org_type', 'm.org_id', 'm.email', 'm.role', 'm.created_at'])
    .select((eb) => eb.fn.coalesce('s.name', 'p.name', 'l.name').as('org_name'))

/** The principal's LA's mappings, by organisation kind, organisation and email. */
export async function listOfLa(db: Kysely<DB>, p: Principal): Promise<SignInRoleRow[]> {
  return withNames(db)
    .where('m.la_code', '=', p.laCode)
    .orderBy('m.org_type')
    .orderBy('m.org_id')
    .orderBy('m.email')
    .execute()
}

export async function findInScope(db: Kysely<DB>, p: Principal, id: string): Promise<SignInRoleRow | undefined> {
  return withNames(db).where('m.la_code', '=', p.laCode).where('m.id', '=', id).executeTakeFirst()
}

export async function insert(
  db: Kysely<DB>,
  values: { laCode: string; orgType: Principal['orgType']; orgId: string; email: string | null; role: Role }
): Promise<string> {
  const row = await db
    .insertInto('sign_in_role')
    .values({
      la_code: values.laCode,
      org_type: values.orgType,
      org_id: values.orgId,
      email: values.email,
      role: values.role
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  return row.id
}

/** Removes one of the principal's LA's mappings (its sessions end with it); false when there is none. */
export async function removeInScope(db: Kysely<DB>, p: Principal, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('sign_in_role')
    .where('id', '=', id)
    .where('la_code', '=', p.laCode)
    .executeTakeFirst()
  return Number(result.numDeletedRows) > 0
}

/** Whether the principal's LA has a mapping for this organisation and email already. */
export async function exists(
  db: Kysely<DB>,
  org: { orgType: Principal['orgType']; orgId: string },
  email: string | null
): Promise<boolean> {
  const row = await db
    .selectFrom('sign_in_role')
    .select('id')
    .where('org_type', '=', org.orgType)
    .where('org_id', '=', org.orgId)
    .where((eb) => (email === null ? eb('email', 'is', null) : eb('email', '=', email)))
    .executeTakeFirst()
  return row !== undefined
}

/** Whether the organisation is the principal's LA, or one of its schools or providers. */
export async function organisationInLa(
  db: Kysely<DB>,
  p: Principal,
  orgType: Principal['orgType'],
  orgId: string
): Promise<boolean> {
  if (orgType === 'local_authority') return orgId === p.laCode
  const row =
    orgType === 'school'
      ? await db
          .selectFrom('school')
          .select('id')
          .where('id', '=', orgId)
          .where('la_code', '=', p.laCode)
          .executeTakeFirst()
      : await db
          .selectFrom('provider')
          .select('id')
          .where('id', '=', orgId)
          .where('la_code', '=', p.laCode)
          .executeTakeFirst()
  return row !== undefined
}
