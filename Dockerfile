# The gateway's production image (docs/operations.md, "Container image"). The production stage's
# COPY and RUN lines are replayed by test/e2e/runs-from-the-production-file-set.spec.ts, which
# starts the gateway from the same file set: keep each instruction on one line.

# ---- build: the full install, and the TypeScript compiled to dist/ ----
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY emulators/package.json emulators/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY emulators/ emulators/
COPY src/ src/
RUN npm run build

# ---- production: runtime dependencies and compiled files, no emulators, no compiler ----
FROM node:24-bookworm-slim AS production
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# Without emulators/ (not copied), npm installs no workspace.
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# typescript and @types/node are runtime dependencies only so that `npm start` can compile after
# `npm ci --omit=dev`; the image runs the compiled files.
RUN rm -rf node_modules/typescript node_modules/@types/node node_modules/.bin/tsc node_modules/.bin/tsserver
COPY --from=build /app/dist/src dist/src
# The ledger's PostgreSQL migrations (SQL files).
COPY migrations/ migrations/
# The node image's unprivileged user; nothing is written outside /tmp, so the root filesystem may
# be mounted read-only.
USER 1000:1000
EXPOSE 4000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.PORT || 4000}/health`).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node runs as PID 1 (exec), with the V8 flags of package.json's config.node_flags, read there so
# that they are listed once.
ENTRYPOINT ["/bin/sh", "-c", "exec node $(node -p \"require('./package.json').config.node_flags\") dist/src/server/main.js"]
