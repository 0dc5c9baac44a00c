# syntax=docker/dockerfile:1
# One image recipe for every service; the service is a build argument (Skaffold passes it per artifact):
#   docker build --build-arg SERVICE=apps/catalog --build-arg PORT=3002 -t shop/catalog .
# Stages: manifests (package.json files and the lockfile only, so the npm ci layers are reused until one of them
# changes), build (npm ci + tsc of every workspace, then scripts/assemble-runtime.js copies what SERVICE needs at run
# time), prod-deps (production dependencies of SERVICE only), runtime (node, those dependencies and the compiled
# output: no npm, no compiler, no sources, no tests).
# The base is pinned by tag; pin it by digest too in your registry mirror (Renovate keeps tag and digest current).
ARG NODE_IMAGE=node:22.20.0-bookworm-slim

FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
# Keep only what npm ci reads: every workspace's package.json and the lockfile (npm ci checks the whole set).
RUN find . -type f ! -name package.json ! -name package-lock.json -delete && find . -type d -empty -delete

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY --from=manifests /src ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# Then the sources (.dockerignore keeps node_modules/, dist/, tests, local data and secrets out of the context).
COPY . .
RUN npm run build
ARG SERVICE
RUN test -n "${SERVICE}" || (echo "build with --build-arg SERVICE=apps/<service>" >&2; exit 1) \
 && node scripts/assemble-runtime.js "${SERVICE}" /out

FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY --from=manifests /src ./
ARG SERVICE
# Only the production dependencies of SERVICE (and of the workspaces it depends on), not the root's dev tools.
RUN npm ci --omit=dev --workspace "${SERVICE}" --include-workspace-root=false --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ARG PORT=8080
ARG SERVICE
# OpenTelemetry starts before the service's first require (it must patch http and pg as they load): the preload
# exports to Application Insights when APPLICATIONINSIGHTS_CONNECTION_STRING is set and does nothing otherwise.
# The service name (cloud role in Application Insights) is the workspace's folder name: apps/catalog -> catalog.
ENV NODE_ENV=production \
    PORT=${PORT} \
    HOST=0.0.0.0 \
    NODE_OPTIONS="--require /app/packages/platform/dist/telemetry-preload.js" \
    OTEL_SERVICE_NAME=${SERVICE#apps/}
WORKDIR /app
# npm, npx and corepack are not needed at run time: remove them (and what they carry) from the final image.
RUN rm -rf /usr/local/lib/node_modules/npm /usr/local/lib/node_modules/corepack /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
 && groupadd --gid 10001 app && useradd --uid 10001 --gid 10001 --no-create-home --shell /usr/sbin/nologin app
COPY --from=prod-deps --chown=10001:10001 /app/package.json ./package.json
COPY --from=prod-deps --chown=10001:10001 /app/node_modules ./node_modules
# SERVICE's dist/ and migrations/ and those of the @shop/* workspaces it uses (node_modules/@shop/* link to them).
COPY --from=build --chown=10001:10001 /out ./
USER 10001:10001
EXPOSE ${PORT}
# No HEALTHCHECK: Kubernetes probes /healthz and /readyz (charts/shop).
CMD ["node", "start.js"]
