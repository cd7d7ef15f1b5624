import t from 'tap'
import { isTemporaryUpn, isValidUln, isValidUpn, upnCheckLetter, upnProblem } from '../../src/domain/identifiers.js'

t.test('UPN check letter (domain.md §6.1 vectors)', async (t) => {
  t.equal(upnCheckLetter('801200005001'), 'B')
  t.ok(isValidUpn('B801200005001'), 'B801200005001 is valid (sum 93, 93 mod 23 = 1 → B)')
  t.equal(upnProblem('A801200005001'), 'upn_check_letter', 'wrong check letter')
  t.ok(isValidUpn('M80120000500A'), 'temporary UPN M80120000500A is valid')
  t.ok(isTemporaryUpn('M80120000500A'))
  t.notOk(isTemporaryUpn('B801200005001'))
  t.equal(upnProblem('N80120000500A'), 'upn_check_letter', 'temporary UPN with wrong check letter')
})

t.test('UPN shape', async (t) => {
  for (const bad of [
    'I801200005001',
    'O801200005001',
    'S801200005001',
    'B80120000500S',
    'b801200005001',
    'B80120000500',
    'B8012000050011',
    '1801200005001',
    'B8012000050O1'
  ]) {
    t.equal(upnProblem(bad), 'upn_format', `${bad} has the wrong shape`)
  }
})

t.test('every check letter round-trips', async (t) => {
  for (let serial = 0; serial < 200; serial++) {
    const body = `80120000${String(serial).padStart(4, '0')}`
    t.ok(isValidUpn(upnCheckLetter(body) + body))
  }
})

t.test('ULN check digit (domain.md §6.2 vectors)', async (t) => {
  t.ok(isValidUln('1000000043'))
  t.notOk(isValidUln('1000000042'), 'wrong check digit')
  t.notOk(isValidUln('9999999999'), 'the ILR temporary ULN is not accepted as a real ULN')
  t.notOk(isValidUln('0000000043'), 'leading zero')
  t.notOk(isValidUln('100000004'), 'nine digits')
  // r = 0 is always invalid: 1000000060 → 10·1 + 2·6 = 22, 22 mod 11 = 0
  for (let d = 0; d <= 9; d++) t.notOk(isValidUln(`10000000${6}${d}`), `r = 0 rejects 100000006${d}`)
  // 1000000010 → 10 + 2 = 12, 12 mod 11 = 1 → check digit 9
  t.ok(isValidUln('1000000019'))
  t.ok(isValidUln('1000000000'), 'r = 10 needs check digit 0')
  // 1200000004: 10·1 + 9·2 = 28, 28 mod 11 = 6 → check digit 4
  t.ok(isValidUln('1200000004'))
  t.notOk(isValidUln('1200000005'))
})
