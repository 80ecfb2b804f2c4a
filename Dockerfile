# One image for every service and the web app: docker build --build-arg SERVICE=routing -t switchboard-routing .
# TypeScript runs through @swc-node/register, exactly as in development (no separate build step).
FROM node:20-bookworm-slim

ENV NODE_ENV=production \
    NX_DAEMON=false \
    npm_config_update_notifier=false

WORKDIR /app

# Dependencies first so source changes do not invalidate this layer. The full tree is kept: @swc-node/register
# needs typescript (a dev dependency) to read tsconfig.json at run time.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --include=dev && npm cache clean --force

COPY tsconfig.json tsconfig.base.json .swcrc ./
COPY libs ./libs
COPY services ./services
COPY apps ./apps
COPY scripts/healthcheck.js ./scripts/healthcheck.js

ARG SERVICE
RUN test -n "$SERVICE" && (test -f "services/$SERVICE/src/main.ts" || test -f "apps/$SERVICE/src/main.ts") \
    || (echo "build with --build-arg SERVICE=<intake|routing|analytics|notify|web>" >&2 && exit 1)
ENV SERVICE=${SERVICE}
# The services' Node options (libs/platform/src/runtime/service-node-args.ts).
ENV NODE_OPTIONS=--max-semi-space-size=64

USER node

HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
    CMD ["node", "scripts/healthcheck.js", "/health/live"]

CMD ["sh", "-c", "if [ -f services/$SERVICE/src/main.ts ]; then exec node -r @swc-node/register services/$SERVICE/src/main.ts; else exec node -r @swc-node/register apps/$SERVICE/src/main.ts; fi"]
