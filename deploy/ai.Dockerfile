# syntax=docker/dockerfile:1.7
# @reelay/ai — script, TTS (flite, espeak-ng), captions, transcription (pocketsphinx), images
# (resvg and DejaVu fonts come with npm), music beds (ffmpeg) and D-ID avatars worker (queue ai).
#
# Build from the repository root (the context must hold the whole workspace; turbo prune
# cuts it down to this service and the workspace packages it depends on):
#   docker build -f deploy/ai.Dockerfile -t reelay/ai .

ARG NODE_IMAGE=node:22-bookworm-slim
ARG TURBO_VERSION=2.11.11

# ── base: node + pnpm. corepack reads the exact pnpm version from the root package.json
#    ("packageManager"), so the image and a developer's machine resolve the same lockfile.
FROM ${NODE_IMAGE} AS base
ENV PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH \
    COREPACK_ENABLE_DOWNLOAD_PROMPT=0 \
    TURBO_TELEMETRY_DISABLED=1
RUN corepack enable
WORKDIR /repo

# ── prune: only @reelay/ai, its workspace dependencies and a lockfile cut to match.
#    out/json holds package.json files + lockfile (the install layer stays cached until a
#    dependency changes); out/full holds the sources.
FROM base AS prune
ARG TURBO_VERSION
COPY . .
RUN pnpm dlx turbo@${TURBO_VERSION} prune @reelay/ai --docker

# ── build: install from the pruned lockfile, compile the service and what it imports,
#    then lay out a production-only copy in /out.
FROM base AS build
COPY --from=prune /repo/out/json/ .
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm install --frozen-lockfile
COPY --from=prune /repo/out/full/ .
RUN pnpm turbo run build --filter=@reelay/ai...
# pnpm 10 only deploys from workspaces with inject-workspace-packages=true; the workspace
# does not inject (developers want live-linked packages), so --legacy: it copies the built
# @reelay/* dependencies (with their dist/) into /out/node_modules like pnpm 9 did. Checked
# with this lockfile: /out runs with plain `node dist/main.js`.
RUN --mount=type=cache,id=pnpm-store,target=/pnpm/store \
    pnpm --filter @reelay/ai deploy --prod --legacy /out

# ── runtime: node, the service's system tools, nothing from the build.
FROM ${NODE_IMAGE} AS runtime
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg flite espeak-ng pocketsphinx pocketsphinx-en-us \
 && rm -rf /var/lib/apt/lists/*
# A numeric uid so Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
RUN groupadd --system --gid 10001 reelay \
 && useradd --system --uid 10001 --gid reelay --home-dir /app --no-create-home --shell /usr/sbin/nologin reelay
WORKDIR /app
ENV NODE_ENV=production
# The health and metrics endpoint (off by default outside an image, so that services on
# one machine do not fight over a port).
ENV METRICS_PORT=9464
EXPOSE 9464
# Files stay owned by root: the service user can read the code but not change it.
COPY --from=build /out/ ./
USER 10001:10001
# The runtime drains on SIGTERM: running jobs get SHUTDOWN_GRACE_MS (default 30 s) to
# finish, then are handed back to JetStream. Give the container longer than that to stop
# (compose stop_grace_period, Kubernetes terminationGracePeriodSeconds).
STOPSIGNAL SIGTERM
# /metrics (Prometheus), /healthz (liveness: the event loop turns) and /readyz (NATS
# connected, the worker's consumers bound) on METRICS_PORT; the check asks /healthz.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.METRICS_PORT || 9464) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 (no init): it handles SIGTERM itself. The runtime starts each child
# (ffmpeg, TTS, …) in its own process group and waits for it or kills the whole group.
CMD ["node", "dist/main.js"]
