import type { Kysely, Updateable } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import { pupilFieldErrors } from '../../domain/pupils.js'
import type { DB, PupilTable } from '../../db/schema.js'
import { forbidden, invalid, notFound, preconditionFailed, unprocessable } from '../../platform/errors.js'
import { paging } from '../../platform/schemas.js'
import { type Clock, systemClock, todayIn } from '../../platform/time.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { toPupil } from './pupils.mapper.js'
import * as pupilsRepository from './pupils.repository.js'
import type { CreatePupil, PupilListQuery, UpdatePupil } from './pupils.schemas.js'

const COLUMN: Record<keyof UpdatePupil, keyof PupilTable> = {
  upn: 'upn',
  uln: 'uln',
  legalForename: 'legal_forename',
  legalSurname: 'legal_surname',
  preferredForename: 'preferred_forename',
  preferredSurname: 'preferred_surname',
  dateOfBirth: 'date_of_birth',
  sex: 'sex',
  senProvision: 'sen_provision',
  fsmEligible: 'fsm_eligible',
  lookedAfter: 'looked_after',
  childInNeed: 'child_in_need',
  ethnicity: 'ethnicity',
  homeSchoolId: 'home_school_id',
  homeLaCode: 'home_la_code',
  ncYearOverride: 'nc_year_override'
}

export class PupilsService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock = systemClock
  ) {}

  #today(): string {
    return todayIn(this.clock)
  }

  async get(actor: Actor, id: string) {
    const row = await pupilsRepository.readById(this.db, actor, id)
    if (!row) throw notFound('pupil')
    return { body: toPupil(row, this.#today()), version: row.version }
  }

  /**
   * SEND and health detail, opened with a reason: the reason is kept on the read's audit row (domain.md §9.9), so
   * the trail says who looked at special-category detail and why.
   */
  async sendHealth(actor: Actor, id: string, reason: string) {
    return this.db.transaction().execute(async (trx) => {
      const found = await pupilsRepository.sendHealthDetail(trx, actor.principal, id)
      if (!found) throw notFound('pupil')
      await writeAudit(trx, actor, [
        {
          action: 'read',
          entity: 'pupil_send_health',
          entityId: id,
          pupilId: id,
          pupilLaCode: found.pupil.home_la_code,
          reason
        }
      ])
      return {
        pupilId: id,
        senProvision: found.pupil.sen_provision,
        needs: found.needs.map((n) => ({ referralId: n.id, receivedOn: n.received_on, needsSummary: n.needs_summary }))
      }
    })
  }

  async list(actor: Actor, query: PupilListQuery) {
    return this.db.transaction().execute(async (trx) => {
      const { rows, total } = await pupilsRepository.page(trx, actor.principal, query)
      await writeAudit(
        trx,
        actor,
        rows.map((r) => ({
          action: 'list' as const,
          entity: 'pupil',
          entityId: r.id,
          pupilId: r.id,
          pupilLaCode: r.home_la_code
        }))
      )
      const today = this.#today()
      return { results: rows.map((r) => toPupil(r, today)), paging: paging(query.page, query.pageSize, total) }
    })
  }

  /** Finds a pupil by UPN within scope. The UPN travels in the body, never in a URL that proxies log. */
  async search(actor: Actor, upn: string) {
    this.#check({ upn })
    return this.db.transaction().execute(async (trx) => {
      const row = await pupilsRepository.findByUpn(trx, actor.principal, upn)
      await writeAudit(trx, actor, [
        {
          action: 'search',
          entity: 'pupil',
          entityId: row?.id ?? null,
          pupilId: row?.id ?? null,
          pupilLaCode: row?.home_la_code ?? null
        }
      ])
      const results = row ? [toPupil(row, this.#today())] : []
      return { results, paging: paging(1, 1, results.length) }
    })
  }

  async create(actor: Actor, input: CreatePupil) {
    this.#check(input)
    const p = actor.principal
    const homeSchoolId = input.homeSchoolId ?? (p.orgType === 'school' ? p.schoolId : null)
    return this.db.transaction().execute(async (trx) => {
      await this.#checkPlacement(trx, p, homeSchoolId, input.homeLaCode)
      const row = await pupilsRepository.insert(trx, {
        upn: input.upn,
        uln: input.uln ?? null,
        legal_forename: input.legalForename,
        legal_surname: input.legalSurname,
        preferred_forename: input.preferredForename ?? null,
        preferred_surname: input.preferredSurname ?? null,
        date_of_birth: input.dateOfBirth,
        sex: input.sex,
        sen_provision: input.senProvision ?? 'N',
        fsm_eligible: input.fsmEligible ?? false,
        looked_after: input.lookedAfter ?? false,
        child_in_need: input.childInNeed ?? false,
        ethnicity: input.ethnicity ?? 'NOBT',
        home_school_id: homeSchoolId,
        home_la_code: input.homeLaCode,
        nc_year_override: input.ncYearOverride ?? null
      })
      await writeAudit(trx, actor, [
        {
          action: 'create',
          entity: 'pupil',
          entityId: row.id,
          pupilId: row.id,
          pupilLaCode: row.home_la_code,
          changedFields: Object.keys(input)
        }
      ])
      return { body: toPupil(row, this.#today()), version: row.version }
    })
  }

  async update(actor: Actor, id: string, version: number, input: UpdatePupil) {
    this.#check(input)
    const p = actor.principal
    return this.db.transaction().execute(async (trx) => {
      const current = await pupilsRepository.findInScope(trx, p, id, { lock: true })
      if (!current) throw notFound('pupil')
      if (current.version !== version) throw preconditionFailed()
      if (input.homeSchoolId !== undefined || input.homeLaCode !== undefined) {
        await this.#checkPlacement(
          trx,
          p,
          input.homeSchoolId !== undefined ? input.homeSchoolId : current.home_school_id,
          input.homeLaCode ?? current.home_la_code
        )
      }
      const changes: Updateable<PupilTable> = {}
      for (const [key, value] of Object.entries(input))
        (changes as Record<string, unknown>)[COLUMN[key as keyof UpdatePupil]] = value
      const row = await pupilsRepository.update(trx, id, changes)
      if (input.homeLaCode !== undefined && input.homeLaCode !== current.home_la_code) {
        await pupilsRepository.moveHomeLaOfPlacements(trx, id, input.homeLaCode)
      }
      await writeAudit(trx, actor, [
        {
          action: 'update',
          entity: 'pupil',
          entityId: id,
          pupilId: id,
          pupilLaCode: row.home_la_code,
          changedFields: Object.keys(input)
        }
      ])
      return { body: toPupil(row, this.#today()), version: row.version }
    })
  }

  #check(input: Partial<CreatePupil>): void {
    const errors = pupilFieldErrors(input, this.#today())
    if (errors.length > 0) invalid(errors)
  }

  /** The pupil must stay visible to whoever records them: a school keeps its own roll, the LA its own pupils. */
  async #checkPlacement(trx: Kysely<DB>, p: Principal, homeSchoolId: string | null, homeLaCode: string): Promise<void> {
    if (p.orgType === 'school' && homeSchoolId !== p.schoolId) {
      throw forbidden('outside_scope', 'A school records pupils on its own roll only', [
        { path: '/homeSchoolId', code: 'outside_scope', message: '/homeSchoolId must be your own school' }
      ])
    }
    if (homeSchoolId !== null) {
      const school = await pupilsRepository.schoolInScope(trx, p, homeSchoolId)
      if (!school)
        throw unprocessable('unknown_school', 'No such school in your LA', [
          { path: '/homeSchoolId', code: 'unknown_reference', message: '/homeSchoolId is not a school you can see' }
        ])
    } else if (homeLaCode !== p.laCode) {
      throw forbidden('outside_scope', 'A pupil with no home school must live in your LA', [
        {
          path: '/homeLaCode',
          code: 'outside_scope',
          message: `/homeLaCode must be ${p.laCode} when there is no home school`
        }
      ])
    }
  }
}
