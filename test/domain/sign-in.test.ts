import t from 'tap'
import { ROLES_FOR_ORG, signInRoleRefusal } from '../../src/domain/sign-in.js'

t.test('an LA maps to its three LA roles; a school and a provider only to their own', async (t) => {
  for (const role of ['la_admin', 'coordinator', 'analyst'] as const)
    t.equal(signInRoleRefusal('local_authority', role), undefined, `LA may be ${role}`)
  t.equal(signInRoleRefusal('school', 'school'), undefined)
  t.equal(signInRoleRefusal('provider', 'provider'), undefined)
  t.same(ROLES_FOR_ORG.school, ['school'])
})

t.test('a role the organisation cannot hold is refused naming /role', async (t) => {
  const refused = signInRoleRefusal('school', 'coordinator')
  t.equal(refused?.code, 'role_not_for_organisation')
  t.equal(refused?.errors[0]?.path, '/role')
  t.match(refused?.detail, 'A school can be given school, not coordinator')
  t.match(signInRoleRefusal('local_authority', 'provider')?.errors[0]?.message, 'la_admin, coordinator, analyst')
})
