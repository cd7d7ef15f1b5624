import t from 'tap'
import { academicYearOf, academicYearStart, endOfCompulsorySchoolAge, lastFridayOfJune, ncYear } from '../src/domain/school-year.js'

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
