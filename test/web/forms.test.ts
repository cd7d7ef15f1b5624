import t from 'tap'
import { compact, date, dateParts, errorsFromProblem, humanMessage, number, text } from '../../src/web/forms.js'

t.test('API field errors become GOV.UK messages naming the field and the rule', async (t) => {
  const m = (code: string, message: string) => humanMessage('Start date', { code, message, path: '/startDate' })
  t.equal(m('required', '/startDate is required'), 'Enter start date')
  t.equal(m('format', '/startDate must match format "date"'), 'Start date must be a real date')
  t.equal(m('pattern', '/startDate must match pattern "^1[0-9]{7}$"'), 'Start date is not in the right format')
  t.equal(m('minLength', '/startDate must NOT have fewer than 1 characters'), 'Enter start date')
  t.equal(m('minLength', '/startDate must NOT have fewer than 10 characters'), 'Start date is too short')
  t.equal(m('maxLength', '/startDate must NOT have more than 2 characters'), 'Start date is too long')
  t.equal(m('enum', '/startDate must be equal to one of the allowed values'), 'Select start date')
  t.equal(m('type', '/startDate must be number'), 'Start date must be a number')
  t.equal(
    m('start_before_referral', '/startDate 2025-11-03 is before the referral was received (2026-03-02)'),
    'Start date: 2025-11-03 is before the referral was received (2026-03-02)',
    "a domain rule's own words, without the pointer"
  )
})

t.test('each error goes to the input with the longest matching path; the rest to the summary', async (t) => {
  const fields = [
    { path: '/plan', id: 'plan', label: 'Plan' },
    { path: '/plan/objectives/0', id: 'objectives-0', label: 'Objective 1' }
  ]
  const errors = errorsFromProblem(
    {
      status: 422,
      detail: 'Refused',
      errors: [
        { path: '/plan/objectives/0/target', code: 'required', message: 'is required' },
        { path: '/other', code: 'x', message: '/other is wrong' }
      ]
    },
    fields
  )
  t.same(errors.list, [
    { text: 'Enter objective 1', href: '#objectives-0' },
    { text: 'Refused (/other is wrong)', href: '#form' }
  ])
  t.same(Object.keys(errors.byId), ['objectives-0'])
  const bare = errorsFromProblem({ status: 409, detail: 'The provider is full' }, fields)
  t.same(bare.list, [{ text: 'The provider is full', href: '#form' }], 'a refusal with no field errors')
})

t.test('form fields to API values', async (t) => {
  const form = { 'd-day': '3', 'd-month': '4', 'd-year': '2026', partial: '', n: '12', x: ' a ', many: ['1', '2'] }
  t.equal(date(form, 'd'), '2026-04-03')
  t.equal(date({ 'e-day': '31', 'e-month': 'x', 'e-year': '' }, 'e'), '-x-31', 'a partial date goes on as typed')
  t.equal(date({}, 'f'), undefined)
  t.same(dateParts('2026-04-03'), { day: '3', month: '4', year: '2026' })
  t.same(dateParts(null), { day: '', month: '', year: '' })
  t.equal(number(form, 'n'), 12)
  t.equal(number({ n: '1e3' }, 'n'), '1e3', 'not a plain number: as typed, for the API to refuse')
  t.equal(text(form, 'x'), 'a')
  t.equal(text(form, 'partial'), undefined)
  t.equal(text(form, 'many'), '1')
  t.same(compact({ a: 1, b: undefined }), { a: 1 })
})

t.test('one message an input; a choice says Select; a conflict and a stale version say so in words', async (t) => {
  const fields = [
    { path: '/decision', id: 'decision', label: 'The decision', choice: true },
    { path: '/startDate', id: 'startDate', label: 'Start date' }
  ]
  const twice = errorsFromProblem(
    {
      status: 400,
      errors: [
        { path: '/decision', code: 'required', message: '/decision is required' },
        { path: '/startDate', code: 'format', message: '/startDate must match format "date"' },
        { path: '/startDate', code: 'pattern', message: '/startDate must match pattern "x"' }
      ]
    },
    fields
  )
  t.same(twice.list, [
    { text: 'Select the decision', href: '#decision' },
    { text: 'Start date must be a real date', href: '#startDate' }
  ])
  const full = errorsFromProblem(
    {
      status: 409,
      detail: 'All 1 Tier 2 places are taken',
      errors: [{ path: '/startDate', code: 'x', message: '/startDate y' }]
    },
    fields
  )
  t.equal(full.list[0]?.text, 'All 1 Tier 2 places are taken', "a conflict's detail leads the summary")
  const stale = errorsFromProblem({ status: 412, detail: 'If-Match does not match' }, fields, 'outcome-form')
  t.same(stale.list, [
    {
      text: 'Someone changed this record after you opened the form. Check the details and send it again.',
      href: '#outcome-form'
    }
  ])
})
