# Installs what Reelay needs on a fresh Debian machine that has only Node.js:
# pnpm (corepack first, npm as the fallback) and, through apt-get when root,
# nats-server, ffmpeg/ffprobe, flite, espeak-ng, pocketsphinx with its English model and
# poppler-utils (pdftotext, pdfinfo, pdffonts), PostgreSQL (job store tests) and Chromium
# (dashboard tests).
# Sourced by scripts/start.sh and scripts/test.sh; says what to do when it cannot.

PNPM_VERSION="$(node -p "require('./package.json').packageManager.split('@')[1]")"

say() { printf '\033[1m[reelay]\033[0m %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

ensure_node() {
  command -v node >/dev/null || die "Node.js is missing: install Node.js 20 or newer (https://nodejs.org or apt-get install nodejs)."
  local major; major="$(node -p 'process.versions.node.split(".")[0]')"
  [ "$major" -ge 20 ] || die "Node.js $major is too old: Reelay needs Node.js 20 or newer."
}

pnpm_works() { command -v pnpm >/dev/null 2>&1 && COREPACK_ENABLE_DOWNLOAD_PROMPT=0 pnpm --version >/dev/null 2>&1; }

ensure_pnpm() {
  pnpm_works && return 0
  if command -v corepack >/dev/null 2>&1; then
    say "installing pnpm@$PNPM_VERSION through corepack"
    if corepack enable pnpm >/dev/null 2>&1 && COREPACK_ENABLE_DOWNLOAD_PROMPT=0 corepack prepare "pnpm@$PNPM_VERSION" --activate >/dev/null 2>&1 && pnpm_works; then
      return 0
    fi
    # Corepack's signature check fails against some registries ("No compatible signature found").
    say "corepack could not install pnpm; falling back to npm install -g pnpm@$PNPM_VERSION"
    corepack disable pnpm >/dev/null 2>&1 || true
    hash -r
  fi
  npm install -g "pnpm@$PNPM_VERSION" >/dev/null 2>&1 || die "could not install pnpm. Run one of:
    npm install -g pnpm@$PNPM_VERSION        (as root or with a user-writable npm prefix)
    COREPACK_INTEGRITY_KEYS=0 corepack enable pnpm"
  hash -r
  pnpm_works || die "pnpm was installed but does not run; check your PATH (npm prefix: $(npm prefix -g)/bin)."
}

# command → Debian package
APT_TOOLS=(
  "nats-server:nats-server"
  "ffmpeg:ffmpeg"
  "ffprobe:ffmpeg"
  "flite:flite"
  "espeak-ng:espeak-ng"
  "pocketsphinx_continuous:pocketsphinx"
  # The book export tests read PDFs back (text, page count, fonts); pdftoppm renders pages.
  "pdftotext:poppler-utils"
  "pdfinfo:poppler-utils"
  "pdffonts:poppler-utils"
  "pdftoppm:poppler-utils"
  # The dashboard tests drive Debian's Chromium through playwright-core.
  "chromium:chromium"
)

ensure_apt_tools() {
  local missing=() cmd pkg entry
  for entry in "${APT_TOOLS[@]}"; do
    cmd="${entry%%:*}"; pkg="${entry#*:}"
    command -v "$cmd" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ -d /usr/share/pocketsphinx/model/en-us ] || missing+=("pocketsphinx-en-us")
  # The SQL job store's tests start Debian's PostgreSQL (not on PATH: /usr/lib/postgresql/N/bin).
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=("postgresql")
  [ ${#missing[@]} -eq 0 ] && return 0
  # shellcheck disable=SC2207
  missing=($(printf '%s\n' "${missing[@]}" | sort -u))
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing with apt-get: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed: check the network or your apt sources."
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed."
  else
    die "missing tools: ${missing[*]}. Install them as root:
    apt-get update && apt-get install -y ${missing[*]}"
  fi
}

ensure_tools() {
  ensure_node
  ensure_pnpm
  ensure_apt_tools
}

# For `pnpm bench:peers` only (Reelay side by side with BullMQ): redis-server for BullMQ,
# nats-server for Reelay. Not part of ensure_tools: tests and `pnpm start` never need Redis.
ensure_peer_bench_tools() {
  ensure_node
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  command -v nats-server >/dev/null 2>&1 || missing+=(nats-server)
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing with apt-get for bench:peers: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || die "apt-get update failed: check the network or your apt sources."
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || die "apt-get install ${missing[*]} failed."
    # Where an init system runs, Debian's package also starts a redis on port 6379; the bench
    # runs its own on a free port and leaves that one alone.
  else
    die "bench:peers needs ${missing[*]}. Install as root:
    apt-get update && apt-get install -y ${missing[*]}"
  fi
}
