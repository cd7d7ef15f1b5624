import t from 'tap'
import { upnCheckLetter } from '../../src/domain/identifiers.js'
import { pupilFieldErrors } from '../../src/domain/pupils.js'

const TODAY = '2026-03-02'
const upn = (digits: string) => `${upnCheckLetter(digits)}${digits}`
const codes = (input: Parameters<typeof pupilFieldErrors>[0]) =>
  pupilFieldErrors(input, TODAY).map((e) => `${e.path} ${e.code}`)

t.test('a valid UPN, ULN and date of birth pass; absent fields are not checked', async (t) => {
  t.same(codes({ upn: upn('919123456789'), uln: '1234567899', dateOfBirth: '2012-05-01' }), [])
  t.same(codes({}), [])
  t.same(codes({ uln: null }), [], 'no ULN is allowed')
})

t.test('the UPN: a wrong check letter and a bad shape are told apart', async (t) => {
  const good = upn('919123456789')
  const wrong = `${good[0] === 'A' ? 'B' : 'A'}${good.slice(1)}`
  t.same(codes({ upn: wrong }), ['/upn upn_check_letter'])
  t.same(codes({ upn: 'I919123456789' }), ['/upn upn_format'])
  t.same(codes({ upn: good.slice(0, 12) }), ['/upn upn_format'])
})

t.test("the ULN's check digit", async (t) => {
  t.same(codes({ uln: '1234567898' }), ['/uln uln_check_digit'])
  t.same(codes({ uln: '9999999999' }), ['/uln uln_check_digit'], "the ILR's temporary ULN is not a learner's")
})

t.test('a date of birth is not in the future nor more than 25 years ago', async (t) => {
  t.same(codes({ dateOfBirth: '2026-03-03' }), ['/dateOfBirth date_in_future'])
  t.same(codes({ dateOfBirth: TODAY }), [])
  t.same(codes({ dateOfBirth: '2000-01-01' }), ['/dateOfBirth date_out_of_range'])
  t.same(codes({ dateOfBirth: '2001-01-01' }), [])
})
