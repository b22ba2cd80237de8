# syntax=docker/dockerfile:1
# The app as a container (Azure App Service "Web App for Containers", or any container host):
# the standalone server of `npm run build`, run by an unprivileged user. Configuration comes from
# the environment only (README "Deploy"); migrations run before the container starts (the
# workflow in .github/workflows, or `npm run db:migrate` from a checkout).
#
#   docker build -t appsource-saas .
#   docker run -p 8080:8080 --env-file .env.production appsource-saas

ARG NODE_VERSION=22

# ---- build: dependencies, the Prisma client, `next build` + the standalone folder ---------------
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# What `npm ci` needs, first: its layer is reused until the dependencies change. The postinstall
# script generates the Prisma client from prisma/schema.prisma.
COPY package.json package-lock.json prisma.config.ts ./
COPY prisma ./prisma
COPY scripts/prisma-generate.mjs scripts/offline-schema-engine.sh ./scripts/
# Exactly the committed lock file, which lists every platform's native binaries (scripts/check-lock.mjs).
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

# ---- run: the standalone folder alone, no compiler, no dev dependencies --------------------------
FROM node:${NODE_VERSION}-bookworm-slim AS run
WORKDIR /app
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    PORT=8080 \
    HOSTNAME=0.0.0.0
# `node` (uid 1000) comes with the image: the server never runs as root, and cannot rewrite itself.
COPY --from=build --chown=root:root /app/.next/standalone ./
# Next.js's own cache is the one place it writes.
RUN mkdir -p .next/cache && chown node:node .next/cache
USER node
EXPOSE 8080
# The same check App Service's health check makes (Settings > Health check: /api/health).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The server's Node.js options (a bounded heap): scripts/server-options.mjs says why.
CMD ["node", "--max-old-space-size=256", "--max-semi-space-size=4", "server.js"]
