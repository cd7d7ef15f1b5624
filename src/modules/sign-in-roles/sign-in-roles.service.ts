import type { Kysely } from 'kysely'
import type { Principal } from '../../platform/auth/principal.js'
import type { DB } from '../../db/schema.js'
import { conflict, notFound, refuseIf, unprocessable } from '../../platform/errors.js'
import { type Actor, writeAudit } from '../../db/audit.js'
import { signInRoleRefusal } from '../../domain/sign-in.js'
import { toSignInRole } from './sign-in-roles.mapper.js'
import * as repo from './sign-in-roles.repository.js'
import type { CreateSignInRole } from './sign-in-roles.schemas.js'

/** The LA administrator's table of who may sign in to the screens, and with which role. */
export class SignInRolesService {
  constructor(private readonly db: Kysely<DB>) {}

  async list(p: Principal) {
    return { results: (await repo.listOfLa(this.db, p)).map(toSignInRole) }
  }

  async create(actor: Actor, input: CreateSignInRole) {
    const p = actor.principal
    refuseIf(signInRoleRefusal(input.orgType, input.role))
    const email = input.email?.toLowerCase() ?? null
    return this.db.transaction().execute(async (trx) => {
      if (!(await repo.organisationInLa(trx, p, input.orgType, input.orgId)))
        throw unprocessable(
          'unknown_organisation',
          'The organisation is not this LA or one of its schools or providers',
          [{ path: '/orgId', code: 'unknown_reference', message: '/orgId is not an organisation of your LA' }]
        )
      if (await repo.exists(trx, input, email))
        throw conflict('sign_in_role_exists', 'This organisation (and email) has a role already; remove it first', [
          {
            path: email ? '/email' : '/orgId',
            code: 'unique',
            message: 'a role for this organisation and email exists'
          }
        ])
      const id = await repo.insert(trx, {
        laCode: p.laCode,
        orgType: input.orgType,
        orgId: input.orgId,
        email,
        role: input.role
      })
      await writeAudit(trx, actor, [
        { action: 'create', entity: 'sign_in_role', entityId: id, changedFields: ['role'] }
      ])
      return toSignInRole((await repo.findInScope(trx, p, id))!)
    })
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      if (!(await repo.removeInScope(trx, actor.principal, id))) throw notFound('sign-in role')
      await writeAudit(trx, actor, [{ action: 'revoke', entity: 'sign_in_role', entityId: id }])
    })
  }
}
