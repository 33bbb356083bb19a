# AzioneLab Tickets: one image for the API and the built web apps.
#
#   docker build -t azionelab-tickets:local .
#
# Every stage uses the same base: Node.js 24 (LTS) on Debian 13 "trixie", slim variant, pinned to
# the exact release. Trixie rather than bookworm because its postgresql-client is version 17, the
# major of the postgres service in docker-compose.yml: `npm run db:backup` runs pg_dump inside
# this image, and pg_dump refuses to dump a server newer than itself (bookworm's client is 15).
# Never `latest`: bump the three FROM lines together, on purpose (docs/deployment.md, upgrades).

# --- build: every dependency, then the web apps and the server bundle (vite and esbuild are -------
# devDependencies): dist/pwa and dist/server/main.js
FROM node:24.21.0-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# --- deps: production dependencies only (the bundle imports them at run time; tsx runs the ------
# npm run scripts: db:backup, user:create, ...)
FROM node:24.21.0-trixie-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime ------------------------------------------------------------------------------------
FROM node:24.21.0-trixie-slim AS runtime
# pg_dump / pg_restore 17 for `npm run db:backup` and `npm run db:restore` against PostgreSQL 17.
RUN apt-get update \
  && apt-get install -y --no-install-recommends postgresql-client-17 \
  && rm -rf /var/lib/apt/lists/*
ENV APP_ENV=production NODE_ENV=production PORT=8080 NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
# The code belongs to root and is read-only for the server; only data/ and backups/ are writable.
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json ./
COPY server ./server
COPY shared ./shared
COPY drizzle ./drizzle
COPY scripts ./scripts
COPY --from=build /app/dist/pwa ./dist/pwa
COPY --from=build /app/dist/server ./dist/server
RUN mkdir -p data backups && chown node:node data backups
USER node
EXPOSE 8080
# Liveness only (the process answers); the compose file checks readiness (/readyz) instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The compiled server, as `npm start` runs it (scripts/build-server.ts says why these flags).
# Migrations run at start (under an advisory lock on PostgreSQL); SIGTERM drains and exits.
CMD ["node", "--enable-source-maps", "--liftoff-only", "dist/server/main.js"]
