import type { Problem } from './api.js'

/** A form field: the JSON pointer the API names it by, the input's id, and its label for messages. */
export interface FieldSpec {
  path: string
  id: string
  label: string
  /** Answered by choosing (radios, a select): a missing answer reads "Select …", not "Enter …". */
  choice?: boolean
}

export interface FormErrors {
  /** The GOV.UK error summary's list: each message links to its input. */
  list: { text: string; href: string }[]
  /** The inline message of each input, by id. */
  byId: Record<string, { text: string }>
}

export const noErrors = (): FormErrors => ({ list: [], byId: {} })

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1)

/** One message in the GOV.UK style: says what is wrong with which field, from the API's code and message. */
export function humanMessage(
  label: string,
  error: { code: string; message: string; path: string },
  choice = false
): string {
  if (error.code === 'required' || error.code === 'missing')
    return `${choice ? 'Select' : 'Enter'} ${lowerFirst(label)}`
  if (error.code === 'format' && /date/.test(error.message)) return `${label} must be a real date`
  // Schema wording a user should not have to read: a pattern, a length, a closed list.
  if (error.code === 'pattern') return `${label} is not in the right format`
  if (error.code === 'minLength')
    return /fewer than 1 character/.test(error.message)
      ? `${choice ? 'Select' : 'Enter'} ${lowerFirst(label)}`
      : `${label} is too short`
  if (error.code === 'maxLength') return `${label} is too long`
  if (error.code === 'enum' || error.code === 'anyOf' || error.code === 'const') return `Select ${lowerFirst(label)}`
  if (error.code === 'type' && /number|integer/.test(error.message)) return `${label} must be a number`
  const message = error.message.startsWith(error.path) ? error.message.slice(error.path.length).trim() : error.message
  return `${label}: ${message}`
}

/**
 * Maps a problem document's `errors[].path` to the form's inputs: each error goes to the field whose path is the
 * longest prefix of it, one message an input (its first: a field can break several rules at once), and any the form
 * has no input for goes to the summary, linked to the form itself. A conflict's detail (a full provider, a closed
 * placement) always reaches the summary; so does a stale version's, in words.
 */
export function errorsFromProblem(problem: Problem, fields: FieldSpec[], formId = 'form'): FormErrors {
  const out = noErrors()
  if (problem.status === 412 || problem.status === 428) {
    out.list.push({
      text: 'Someone changed this record after you opened the form. Check the details and send it again.',
      href: `#${formId}`
    })
    return out
  }
  const errors = problem.errors?.length ? problem.errors : [{ path: '/', code: problem.code ?? 'refused', message: '' }]
  for (const error of errors) {
    const field = fields
      .filter((f) => error.path === f.path || error.path.startsWith(f.path + '/'))
      .sort((a, b) => b.path.length - a.path.length)[0]
    if (field) {
      if (out.byId[field.id]) continue
      const text = humanMessage(field.label, error, field.choice)
      out.list.push({ text, href: `#${field.id}` })
      out.byId[field.id] = { text }
    } else {
      const text = error.message || problem.detail || problem.title || 'The change was refused'
      out.list.push({
        text: error.message && problem.detail ? `${problem.detail} (${error.message})` : text,
        href: `#${formId}`
      })
    }
  }
  if (problem.status === 409 && problem.detail && !out.list.some((e) => e.text.includes(problem.detail!)))
    out.list.unshift({ text: problem.detail, href: `#${formId}` })
  return out
}

/** Text from a form field: trimmed, or undefined when empty (an optional field left blank sends nothing). */
export function text(form: Record<string, unknown>, name: string): string | undefined {
  const value = form[name]
  const s = (Array.isArray(value) ? value[0] : value) as string | undefined
  if (s === undefined) return undefined
  const trimmed = String(s).trim()
  return trimmed === '' ? undefined : trimmed
}

/** Every value of a repeated field (checkboxes). */
export function all(form: Record<string, unknown>, name: string): string[] {
  const value = form[name]
  if (value === undefined) return []
  return (Array.isArray(value) ? value : [value]).map(String).filter((v) => v !== '')
}

/**
 * A GOV.UK date input (`<name>-day`, `-month`, `-year`) as `YYYY-MM-DD`; undefined when all three are blank. A
 * partial or impossible date is passed on as typed, so the API refuses it by its own format rule and the error
 * names the field.
 */
export function date(form: Record<string, unknown>, name: string): string | undefined {
  const d = text(form, `${name}-day`)
  const m = text(form, `${name}-month`)
  const y = text(form, `${name}-year`)
  if (d === undefined && m === undefined && y === undefined) return undefined
  const two = (v: string | undefined) => (v && /^[0-9]{1,2}$/.test(v) ? v.padStart(2, '0') : (v ?? ''))
  return `${y ?? ''}-${two(m)}-${two(d)}`
}

/** A whole number typed into a field, or the text as typed (so the API names the rule it breaks). */
export function number(form: Record<string, unknown>, name: string): number | string | undefined {
  const s = text(form, name)
  if (s === undefined) return undefined
  return /^-?[0-9]+(\.[0-9]+)?$/.test(s) ? Number(s) : s
}

/** Splits `YYYY-MM-DD` into the three parts a GOV.UK date input shows again. */
export function dateParts(value: string | undefined | null): { day: string; month: string; year: string } {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(value ?? '')
  return m ? { day: String(Number(m[3])), month: String(Number(m[2])), year: m[1]! } : { day: '', month: '', year: '' }
}

/** Drops undefined members, so a blank optional field sends nothing. */
export function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T
}
