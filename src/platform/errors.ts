/** One item of a problem's `errors` array: which field broke which rule. */
export interface FieldError {
  /** JSON pointer into the request, e.g. `/upn` or `/tiers/0/places`; `/` for the whole body. */
  path: string
  message: string
  code: string
}

/** An error the API reports as an RFC 9457 problem: status, stable code, human message, field errors. */
export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly errors: FieldError[] = [],
    readonly headers: Record<string, string> = {}
  ) {
    super(message)
    this.name = new.target.name
  }
}

export const badRequest = (code: string, message: string, errors: FieldError[] = []) =>
  new AppError(400, code, message, errors)
export const fieldError = (path: string, code: string, message: string) =>
  new AppError(400, 'validation_failed', message, [{ path, code, message }])
export const unauthorized = (message = 'A valid bearer token is required') =>
  new AppError(401, 'unauthorized', message, [], { 'www-authenticate': 'Bearer realm="ap-tracker"' })
export const forbidden = (code: string, message: string, errors: FieldError[] = []) =>
  new AppError(403, code, message, errors)
export const notFound = (entity: string) =>
  new AppError(404, `${entity}_not_found`, `${entity.replaceAll('_', ' ')} not found`)
export const conflict = (code: string, message: string, errors: FieldError[] = []) =>
  new AppError(409, code, message, errors)
export const preconditionFailed = (message = 'If-Match does not match the current version; fetch the resource again') =>
  new AppError(412, 'precondition_failed', message)
export const preconditionRequired = () =>
  new AppError(428, 'precondition_required', 'This update needs an If-Match header carrying the ETag you last read')
export const unprocessable = (code: string, message: string, errors: FieldError[] = []) =>
  new AppError(422, code, message, errors)

/** 400 listing every broken rule of a request; each item names its field. */
export const validationFailed = (errors: FieldError[]) =>
  new AppError(400, 'validation_failed', errors.map((e) => e.message).join('; '), errors)
/** Throws `validationFailed(errors)`. */
export function invalid(errors: FieldError[]): never {
  throw validationFailed(errors)
}

/**
 * Throws 422 listing every domain rule a well-formed request breaks, each item naming its field: the rules that
 * weigh the request against stored records (the placement, its plan, tier and dates, the pupil, the schedule,
 * referenced records). A request that breaks its contract (schema, check characters, its own values) is a 400.
 */
export function ruleFailed(errors: FieldError[]): never {
  throw new AppError(422, 'validation_failed', errors.map((e) => e.message).join('; '), errors)
}

/** Throws a domain rule's refusal when there is one: 422 unless it says otherwise, with its code, detail, errors. */
export function refuseIf(
  refusal: { status?: 400 | 403 | 409 | 422; code: string; detail: string; errors: FieldError[] } | undefined
): void {
  if (refusal) throw new AppError(refusal.status ?? 422, refusal.code, refusal.detail, refusal.errors)
}
