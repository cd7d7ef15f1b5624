import type { FieldError } from '../platform/errors.js'

/**
 * A refusal by a domain rule: its problem code, the sentence that explains it and the field errors behind it.
 * A rule returns one (or undefined when the facts pass); the service throws it with refuseIf.
 */
export interface Refusal {
  /**
   * 422 unless the request conflicts with the record's state (409), the caller may not make it (403) or a value
   * breaks the request's own contract (400).
   */
  status?: 400 | 403 | 409 | 422
  code: string
  detail: string
  errors: FieldError[]
}
