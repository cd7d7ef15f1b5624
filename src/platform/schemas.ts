import { type Static, type TSchema, Type } from 'typebox'

/** A `$ref` to a registered schema that keeps the static type (Type.Ref alone is `unknown`). */
export const ref = <T extends TSchema>(schema: T) => Type.Unsafe<Static<T>>(Type.Ref((schema as { $id?: string }).$id!))

/**
 * Text a request may carry: refused when it holds a NUL character (PostgreSQL cannot store one) or an unpaired
 * UTF-16 surrogate (it would be stored as U+FFFD, silently changing what was sent). Checked by the `text` format,
 * which every free-text request field carries through `Text`; fields with a pattern or an enum refuse both anyway.
 */
export const TEXT_FORMAT = 'text'
const ILL_FORMED = /[\u0000\uD800-\uDFFF]/u // with the u flag, a surrogate range matches only unpaired halves
export const isWellFormedText = (value: string): boolean => !ILL_FORMED.test(value)
/** Ajv formats the request validators know (see `buildApp`). */
export const requestFormats = { [TEXT_FORMAT]: { type: 'string', validate: isWellFormedText } } as const
/** The shared free-text schema for requests: any string without NUL or an unpaired surrogate. */
export const Text = (options: Parameters<typeof Type.String>[0] = {}) =>
  Type.String({ ...options, format: TEXT_FORMAT })

export const Id = Type.String({
  pattern: '^[1-9][0-9]{0,17}$',
  description: 'Identifier: a decimal string.',
  examples: ['42']
})
export const IsoDate = Type.String({
  format: 'date',
  pattern: '^(19|20)[0-9]{2}-',
  description: 'Calendar date, YYYY-MM-DD, in the years 1900–2099.',
  examples: ['2026-09-03']
})
export const Timestamp = Type.String({
  format: 'date-time',
  description: 'UTC timestamp, ISO 8601.',
  examples: ['2026-11-23T09:30:00.000Z']
})
export const LaCode = Type.String({
  pattern: '^[0-9]{3}$',
  description: 'Three-digit DfE local authority number.',
  examples: ['919']
})
export const Urn = Type.String({
  pattern: '^[0-9]{6}$',
  description: 'GIAS Unique Reference Number (6 digits).',
  examples: ['117890']
})
export const Ukprn = Type.String({
  pattern: '^1[0-9]{7}$',
  description: 'UK Provider Reference Number (8 digits starting 1).',
  examples: ['10012345']
})
export const Tier = Type.Integer({
  minimum: 1,
  maximum: 3,
  description: 'AP tier: 1 targeted support in school, 2 time-limited placement, 3 transitional placement.'
})

export const FieldErrorSchema = Type.Object(
  {
    path: Type.String({ description: 'JSON pointer to the offending field.' }),
    message: Type.String(),
    code: Type.String({ description: 'Stable machine-readable rule name.' })
  },
  { additionalProperties: false }
)

export const Problem = Type.Object(
  {
    type: Type.String({ description: 'URI reference naming the problem type.' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String({ description: 'Stable machine-readable error code.' }),
    instance: Type.Optional(Type.String({ description: 'The request id.' })),
    errors: Type.Array(FieldErrorSchema)
  },
  { $id: 'Problem', title: 'Problem', description: 'RFC 9457 problem details.', additionalProperties: false }
)
export type Problem = Static<typeof Problem>

export const Paging = Type.Object(
  {
    page: Type.Integer({ minimum: 1 }),
    pageSize: Type.Integer({ minimum: 1 }),
    totalPages: Type.Integer({ minimum: 0 }),
    totalResults: Type.Integer({ minimum: 0 })
  },
  { $id: 'Paging', additionalProperties: false }
)
export type Paging = Static<typeof Paging>

const Link = Type.Object({ href: Type.String() }, { additionalProperties: false })
export const Links = Type.Object(
  {
    self: Link,
    next: Type.Optional(Link),
    prev: Type.Optional(Link)
  },
  { $id: 'Links', additionalProperties: false }
)

export const MAX_PAGE_SIZE = 100
export const PageQuery = {
  page: Type.Integer({ minimum: 1, maximum: 100000, default: 1 }),
  pageSize: Type.Integer({
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: 20,
    description: `Items per page, at most ${MAX_PAGE_SIZE}.`
  })
}

export const pageOf = <T extends TSchema>(name: string, item: T) =>
  Type.Object(
    {
      results: Type.Array(item),
      paging: ref(Paging),
      _links: ref(Links)
    },
    { $id: name, additionalProperties: false }
  )

export function paging(page: number, pageSize: number, totalResults: number): Paging {
  return { page, pageSize, totalPages: Math.ceil(totalResults / pageSize), totalResults }
}

/** Error responses every authenticated route can give. */
export const commonErrors = {
  400: ref(Problem),
  401: ref(Problem),
  403: ref(Problem),
  429: ref(Problem)
}

/** A string enum (`{ type: 'string', enum: [...] }`) whose static type is the union of its values. */
export const StringEnum = <const T extends string>(values: readonly T[], options: Record<string, unknown> = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options })

/** A schema or null. */
export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])
