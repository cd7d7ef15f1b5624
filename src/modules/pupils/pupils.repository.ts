import { type Kysely, sql } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { pupilScope } from '../../db/scope.js'
import type { DB, PupilRow } from '../../db/schema.js'
import { type Actor, auditRow } from '../../db/audit.js'

/** All SQL on pupils. Every read is scoped to the principal and writes its audit row in the same statement or transaction. */
export class PupilsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  /**
   * One pupil by id within the caller's scope, auditing the read in the same statement (a data-modifying
   * CTE), so a read costs one round trip and cannot happen without its audit row.
   */
  async readById(actor: Actor, id: string): Promise<PupilRow | undefined> {
    const audit = auditRow(actor, { action: 'read', entity: 'pupil', entityId: id })
    return this.db
      .with('found', (db) =>
        db.selectFrom('pupil').selectAll().where(pupilScope(actor.principal)).where('pupil.id', '=', id)
      )
      .with('logged', (db) =>
        db
          .insertInto('audit_event')
          .columns([
            'request_id',
            'actor',
            'role',
            'org_type',
            'org_id',
            'actor_la_code',
            'action',
            'entity',
            'entity_id',
            'pupil_id',
            'pupil_la_code'
          ])
          .expression((eb) =>
            eb
              .selectFrom('found')
              .select([
                sql.val(audit.request_id).as('request_id'),
                sql.val(audit.actor).as('actor'),
                sql.val(audit.role).as('role'),
                sql.val(audit.org_type).as('org_type'),
                sql.val(audit.org_id).as('org_id'),
                sql.val(audit.actor_la_code).as('actor_la_code'),
                sql.val(audit.action).as('action'),
                sql.val(audit.entity).as('entity'),
                sql.val(audit.entity_id).as('entity_id'),
                'found.id as pupil_id',
                'found.home_la_code as pupil_la_code'
              ])
          )
          .returning('audit_event.id')
      )
      .selectFrom('found')
      .selectAll()
      .executeTakeFirst()
  }

  /** Scoped existence check without reading pupil data (no audit needed). */
  async exists(p: Principal, id: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('pupil')
      .select('id')
      .where(pupilScope(p))
      .where('id', '=', id)
      .executeTakeFirst()
    return row !== undefined
  }

  async findByUpn(p: Principal, upn: string): Promise<PupilRow | undefined> {
    return this.db.selectFrom('pupil').selectAll().where(pupilScope(p)).where('upn', '=', upn).executeTakeFirst()
  }

  async page(p: Principal, query: { page: number; pageSize: number; homeSchoolId?: string | undefined }) {
    const base = this.db
      .selectFrom('pupil')
      .where(pupilScope(p))
      .$if(query.homeSchoolId !== undefined, (qb) => qb.where('home_school_id', '=', query.homeSchoolId!))
    const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow()
    const rows = await base
      .selectAll()
      .orderBy('legal_surname')
      .orderBy('legal_forename')
      .orderBy('id')
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize)
      .execute()
    return { rows, total: Number(total) }
  }

  /** The school's LA when the school is one the principal may place a pupil at. */
  async schoolInScope(p: Principal, schoolId: string): Promise<{ la_code: string } | undefined> {
    return this.db
      .selectFrom('school')
      .select('la_code')
      .where('id', '=', schoolId)
      .where((eb) => (p.orgType === 'school' ? eb('id', '=', p.schoolId!) : eb('la_code', '=', p.laCode)))
      .executeTakeFirst()
  }
}
