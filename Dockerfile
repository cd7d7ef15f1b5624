# syntax=docker/dockerfile:1

# Stage 1: production dependencies only (tsx is a runtime dependency: the service runs its TypeScript directly).
FROM node:26-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# Stage 2: the runtime image, running as the unprivileged `node` user.
FROM node:26-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=deps --chown=node:node /app/node_modules ./node_modules
COPY --chown=node:node package.json package-lock.json tsconfig.json ./
COPY --chown=node:node db ./db
COPY --chown=node:node src ./src
# Without DATABASE_URL the service keeps an embedded PGlite database here; mount a volume to keep it.
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health/ready').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# What `npm start` runs, started directly (npm start now execs node, but one process less is simpler): SIGTERM from `docker stop`
# reaches the server itself, so in-flight requests drain before the pool closes.
CMD ["node", "--import", "tsx", "src/server.ts"]
