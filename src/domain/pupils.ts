import type { FieldError } from '../platform/errors.js'
import { isValidUln, upnProblem } from './identifiers.js'

const MAX_AGE_YEARS = 25

/**
 * A pupil's identifier and date rules beyond the schema's shape checks (domain.md §6), each naming its field:
 * the UPN's check letter (DfE UPN guide), the ULN's mod-11 check digit, a date of birth neither in the future
 * nor more than 25 years ago. Only the fields given are checked (an update sends some).
 */
export function pupilFieldErrors(
  input: { upn?: string | undefined; uln?: string | null | undefined; dateOfBirth?: string | undefined },
  today: string
): FieldError[] {
  const errors: FieldError[] = []
  if (input.upn !== undefined) {
    const problem = upnProblem(input.upn)
    if (problem === 'upn_check_letter')
      errors.push({
        path: '/upn',
        code: 'upn_check_letter',
        message: '/upn check letter does not match its digits (DfE UPN guide)'
      })
    else if (problem)
      errors.push({
        path: '/upn',
        code: 'upn_format',
        message: '/upn must be a letter (not I, O or S) and 12 characters'
      })
  }
  if (input.uln && !isValidUln(input.uln)) {
    errors.push({
      path: '/uln',
      code: 'uln_check_digit',
      message: '/uln check digit does not match (ESFA mod-11 rule)'
    })
  }
  if (input.dateOfBirth !== undefined) {
    if (input.dateOfBirth > today)
      errors.push({ path: '/dateOfBirth', code: 'date_in_future', message: '/dateOfBirth cannot be in the future' })
    else if (Number(today.slice(0, 4)) - Number(input.dateOfBirth.slice(0, 4)) > MAX_AGE_YEARS) {
      errors.push({
        path: '/dateOfBirth',
        code: 'date_out_of_range',
        message: `/dateOfBirth must be within the last ${MAX_AGE_YEARS} years`
      })
    }
  }
  return errors
}
