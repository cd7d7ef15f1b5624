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
    SHUTDOWN_GRACE_MS: Type.Integer({ minimum: 0, maximum: 120_000, default: 10_000 }),
    OIDC_ISSUER: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'OpenID Connect issuer for sign-in to the screens (DfE Sign-in or any other); unset: no OIDC.'
      })
    ),
    OIDC_CLIENT_ID: Type.Optional(Type.String({ minLength: 1, description: 'The client id at the OIDC issuer.' })),
    OIDC_CLIENT_SECRET: Type.Optional(
      Type.String({ minLength: 1, description: 'The client secret at the OIDC issuer (client_secret_basic).' })
    ),
    OIDC_SCOPES: Type.String({
      default: 'openid email profile organisation',
      pattern: '(^| )openid( |$)',
      description: 'Scopes asked of the issuer; DfE Sign-in gives the organisation claim for `organisation`.'
    }),
    SESSION_SECRET: Type.Optional(
      Type.String({
        minLength: 32,
        description:
          "Key of the CSRF tokens on the screens' forms; the same on every instance. Required with OIDC_ISSUER."
      })
    ),
    SESSION_IDLE_MINUTES: Type.Integer({
      minimum: 5,
      maximum: 480,
      default: 30,
      description: 'A signed-in session ends after this long without a request.'
    }),
    SESSION_MAX_HOURS: Type.Integer({
      minimum: 1,
      maximum: 24,
      default: 10,
      description: 'A signed-in session ends this long after sign-in, however active.'
    })
  },
  { additionalProperties: true }
)

export type Config = Static<typeof ConfigSchema>

/** Reads and validates the environment once; throws with the variable named when a value is bad. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  try {
    const config = envSchema<Config>({ schema: ConfigSchema as object, data: env, dotenv: false })
    const oidc = [config.OIDC_ISSUER, config.OIDC_CLIENT_ID, config.OIDC_CLIENT_SECRET]
    if (oidc.some(Boolean) && !oidc.every(Boolean))
      throw new Error('OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are set together or not at all')
    if (config.OIDC_ISSUER && !config.SESSION_SECRET)
      throw new Error(
        'SESSION_SECRET (at least 32 characters, the same on every instance) is required with OIDC_ISSUER'
      )
    return config
  } catch (err) {
    throw new Error(`Invalid configuration: ${(err as Error).message}`)
  }
}

/** Defaults for tests and scripts that build the app without reading the environment. */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides }
}
