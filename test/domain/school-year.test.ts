import t from 'tap'
import { isCensusPlacement } from '../../src/domain/placements.js'
import {
  academicYearOf,
  academicYearStart,
  endOfCompulsorySchoolAge,
  lastFridayOfJune,
  ncYear,
  ncYearOn
} from '../../src/domain/school-year.js'

t.test('academic year runs 1 September to 31 August', async (t) => {
  t.equal(academicYearOf('2025-09-01'), '2025/26')
  t.equal(academicYearOf('2026-08-31'), '2025/26')
  t.equal(academicYearOf('1999-12-01'), '1999/00')
  t.equal(academicYearStart('2026-01-15'), 2025)
})

t.test('NC year from date of birth: age on 31 August', async (t) => {
  t.equal(ncYear('2012-08-31', '2023-09-10'), 7, 'born 31 August 2012 is Year 7 in 2023/24')
  t.equal(ncYear('2011-09-01', '2023-09-10'), 7, 'born 1 September 2011 is Year 7 in 2023/24')
  t.equal(ncYear('2012-09-01', '2023-09-10'), 6, 'born 1 September 2012 is a year below')
  t.equal(ncYear('2010-03-01', '2026-06-01'), 11, 'Year 11 is age 15 on 31 August')
  t.equal(ncYear('2019-08-31', '2023-09-04'), 0, 'Reception is age 4 on 31 August')
})

t.test('end of compulsory school age', async (t) => {
  t.equal(lastFridayOfJune(2025), '2025-06-27')
  t.equal(lastFridayOfJune(2026), '2026-06-26')
  t.equal(endOfCompulsorySchoolAge('2010-03-01'), '2026-06-26', 'a pupil born in March 2010 leaves on 26 June 2026')
  t.equal(endOfCompulsorySchoolAge('2010-08-31'), '2026-06-26')
  t.equal(endOfCompulsorySchoolAge('2010-09-01'), '2027-06-25', 'born 1 September 2010: Year 11 in 2026/27')
})

t.test("NC year at a placement's start: from date of birth, an override carried back as the same offset", async (t) => {
  t.equal(
    ncYearOn('2011-05-01', null, '2025-11-03', '2026-11-23'),
    10,
    'Year 10 at a start in 2025/26, though Year 11 today'
  )
  t.equal(
    ncYearOn('2011-05-01', 10, '2025-11-03', '2026-11-23'),
    9,
    'held back a year (Year 10 today instead of 11): Year 9 then'
  )
  t.equal(ncYearOn('2011-05-01', 10, '2026-11-23', '2026-11-23'), 10, 'today it is the override itself')
  t.equal(ncYearOn('2011-05-01', 12, '2025-11-03', '2026-11-23'), 11, 'a year ahead stays a year ahead')
})

t.test('census rows: Tier 2 and 3 placements that ran in the period', async (t) => {
  const year = { from: '2025-09-01', to: '2026-08-31' }
  const today = '2026-11-23'
  const p = { tier: 2, status: 'ACTIVE', startDate: '2025-11-03', endDate: null }
  t.ok(isCensusPlacement(p, year, today))
  t.ok(isCensusPlacement({ ...p, status: 'PAUSED' }, year, today), 'a paused placement ran')
  t.ok(
    isCensusPlacement({ ...p, tier: 3, status: 'ENDED', endDate: '2025-09-01' }, year, today),
    'ended on the first day of the period'
  )
  t.notOk(isCensusPlacement({ ...p, status: 'PLANNED' }, year, today), 'a PLANNED placement never ran')
  t.notOk(isCensusPlacement({ ...p, status: 'CANCELLED' }, year, today), 'nor a cancelled one')
  t.notOk(isCensusPlacement({ ...p, tier: 1 }, year, today), 'Tier 1 in-school support is not AP')
  t.notOk(isCensusPlacement({ ...p, status: 'ENDED', endDate: '2025-08-31' }, year, today), 'ended before the period')
  t.notOk(isCensusPlacement({ ...p, startDate: '2026-09-01' }, year, '2026-09-10'), 'started after the period')
  t.ok(isCensusPlacement(p, undefined, today), 'without a period, any placement that ran')
  t.notOk(
    isCensusPlacement({ ...p, startDate: '2026-12-01' }, undefined, today),
    'not one whose start is still to come'
  )
})
