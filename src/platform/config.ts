import envSchema from 'env-schema'
import { Type, type Static } from 'typebox'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const

export const ConfigSchema = Type.Object(
  {
    HOST: Type.String({ default: '127.0.0.1', description: 'Interface to listen on.' }),
    PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port.' }),
    LOG_LEVEL: Type.Unsafe<(typeof LOG_LEVELS)[number]>({ type: 'string', enum: [...LOG_LEVELS], default: 'info' }),
    DATABASE_URL: Type.Optional(
      Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; absent means embedded PGlite.' })
    ),
    MIGRATION_DATABASE_URL: Type.Optional(
      Type.String({
        pattern: '^postgres(ql)?://',
        description:
          'PostgreSQL URL of the role that owns the schema; npm run db:migrate uses it and ' +
          'grants the DATABASE_URL role what the service needs.'
      })
    ),
    ALLOW_PRIVILEGED_DATABASE_ROLE: Type.Boolean({
      default: false,
      description:
        'Let the service start although its PostgreSQL role could rewrite the audit trail (a throwaway database only).'
    }),
    IDEMPOTENCY_LEASE_MS: Type.Integer({
      minimum: 1000,
      maximum: 600_000,
      default: 60_000,
      description: 'How long a request holds its Idempotency-Key before a retry may take it over.'
    }),
    DATA_DIR: Type.String({
      default: './data',
      minLength: 1,
      description: 'PGlite data folder when DATABASE_URL is absent.'
    }),
    DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10 }),
    BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024 }),
    RATE_LIMIT_MAX: Type.Integer({
      minimum: 1,
      default: 600,
      description: 'Requests per window per token (or per IP without one).'
    }),
    RATE_LIMIT_WINDOW_MS: Type.Integer({ minimum: 1000, default: 60_000 }),
    TOKEN_TTL_DAYS: Type.Integer({
      minimum: 1,
      maximum: 400,
      default: 90,
      description: 'Default lifetime of issued tokens.'
    }),
    TOKEN_CACHE_MS: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 5_000,
      description: 'How long a verified token is cached in memory; revocation through the API clears it at once.'
    }),
    PUBLIC_URL: Type.String({
      default: 'http://localhost:3000',
      pattern: '^https?://',
      description: 'Base URL announced in the OpenAPI servers list.'
    }),
    MAX_EVENT_LOOP_DELAY_MS: Type.Integer({
      minimum: 0,
      maximum: 60_000,
      default: 2000,
      description: 'Answer 503 while the event loop lags more than this; 0 turns the check off.'
    }),
    DEMO_SEED: Type.Boolean({
      default: true,
      description: 'On embedded PGlite, fill an empty database with the demo data at start and print a token per role.'
    }),
    SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, maximum: 120_000, default: 10_000 })
  },
  { additionalProperties: true }
)

export type Config = Static<typeof ConfigSchema>

/** Reads and validates the environment once; throws with the variable named when a value is bad. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    return envSchema<Config>({ schema: ConfigSchema as object, data: env, dotenv: false })
  } catch (err) {
    throw new Error(`Invalid configuration: ${(err as Error).message}`)
  }
}

/** Defaults for tests and scripts that build the app without reading the environment. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides }
}
