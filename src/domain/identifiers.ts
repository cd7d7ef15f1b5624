/**
 * Identifier checks from DfE and ESFA specifications (domain.md §6). Pure functions: no I/O.
 */

/** The 23 check letters of the DfE UPN guide: A–Z without I, O and S. */
export const UPN_ALPHABET = 'ABCDEFGHJKLMNPQRTUVWXYZ'

/** Shape of a permanent (12 digits) or temporary (11 digits + letter) UPN; I, O and S never appear. */
export const UPN_PATTERN = '^[A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z]$'
const upnShape = new RegExp(UPN_PATTERN)

/** The check letter for characters 2–13 of a UPN (weights 2–13, sum mod 23). */
export function upnCheckLetter(body: string): string {
  if (body.length !== 12) throw new RangeError('a UPN body has 12 characters')
  let sum = 0
  for (let i = 0; i < 12; i++) {
    const ch = body[i]!
    const value = i === 11 && /[A-Z]/.test(ch) ? UPN_ALPHABET.indexOf(ch) : Number(ch)
    if (value < 0 || Number.isNaN(value)) throw new RangeError(`invalid UPN character ${ch}`)
    sum += value * (i + 2)
  }
  return UPN_ALPHABET[sum % 23]!
}

export type UpnProblem = 'upn_format' | 'upn_check_letter'

/** Why a UPN is invalid, or undefined when it is a valid permanent or temporary UPN. */
export function upnProblem(upn: string): UpnProblem | undefined {
  if (!upnShape.test(upn)) return 'upn_format'
  return upnCheckLetter(upn.slice(1)) === upn[0] ? undefined : 'upn_check_letter'
}

export const isValidUpn = (upn: string): boolean => upnProblem(upn) === undefined
export const isTemporaryUpn = (upn: string): boolean => isValidUpn(upn) && /[A-Z]$/.test(upn)

export const ULN_PATTERN = '^[1-9][0-9]{9}$'

/** ESFA ULN rule: r = Σ(10..2 × d1..d9) mod 11; r = 0 is invalid; otherwise d10 = 10 − r (mod 10). */
export function isValidUln(uln: string): boolean {
  if (!/^[1-9][0-9]{9}$/.test(uln)) return false
  if (uln === '9999999999') return false // the ILR's temporary ULN is not a real learner number
  let sum = 0
  for (let i = 0; i < 9; i++) sum += Number(uln[i]) * (10 - i)
  const r = sum % 11
  if (r === 0) return false
  return Number(uln[9]) === (10 - r) % 10
}
