#!/usr/bin/env bash
# Runs every test of every module on this machine, after setting it up: on Debian (or Ubuntu) it
# installs what the tests need and is missing, from the distribution's packages, starts PostgreSQL and
# Redis if they are not answering, then runs the build with its tests (`mvn -B verify`).
#   ./test.sh                  everything (what CI runs)
#   ./test.sh -pl server ...   extra arguments go to Maven
# Needs root or sudo only when something must be installed or started.
set -euo pipefail
cd "$(dirname "$0")"

say() { echo "test.sh: $*"; }
as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    say "needs root to run: $*" >&2; return 1
  fi
}

# program -> Debian package that provides it
packages=()
need() { command -v "$1" >/dev/null || packages+=("$2"); }
need java openjdk-17-jdk-headless
need mvn maven
need node nodejs
need npm npm
need nginx nginx
need redis-server redis-server
need redis-cli redis-tools
need pg_ctlcluster postgresql
need psql postgresql-client
# promtool checks the alert rules and the dashboard's queries (PrometheusRulesTest)
need promtool prometheus
# the container image: deploy/image/build.sh packs it, ContainerImageIT unpacks it with umoci
need jq jq
need unzip unzip
need umoci umoci
# in /usr/sbin, which a user's PATH may not have
[ -x "${NEXUS_PGBOUNCER:-/usr/sbin/pgbouncer}" ] || packages+=(pgbouncer)
[ -x "${NEXUS_CHROMIUM:-/usr/bin/chromium}" ] || packages+=(chromium)
# The image build downloads Debian's packages by the versions the package lists name: lists are
# needed (a fresh container may have none).
lists_missing=
apt-get download --print-uris openjdk-17-jre-headless >/dev/null 2>&1 || lists_missing=1
if [ ${#packages[@]} -gt 0 ] || [ -n "$lists_missing" ]; then
  as_root apt-get update -qq >/dev/null
fi
if [ ${#packages[@]} -gt 0 ]; then
  say "installing ${packages[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${packages[@]}" >/dev/null
fi

# PostgreSQL on 127.0.0.1:5432 with a `test` database that user postgres reaches without a password:
# the tests make a schema of their own in it and drop it afterwards.
pg_version=$(ls /etc/postgresql 2>/dev/null | sort -n | tail -1)
if [[ " ${packages[*]} " == *" postgresql "* ]]; then
  # Installed just now, for the tests: user postgres logs in over loopback without a password. (The
  # authentication of a PostgreSQL that was here before is left as it is.)
  as_root sed -i '1i host all postgres 127.0.0.1/32 trust' "/etc/postgresql/$pg_version/main/pg_hba.conf"
  pg_isready -q -h 127.0.0.1 -p 5432 && as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main reload
fi
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  say "starting PostgreSQL"
  as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
  for _ in $(seq 1 50); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.2; done
fi
if ! psql -h 127.0.0.1 -U postgres -d test -qtAc 'select 1' >/dev/null 2>&1; then
  psql -h 127.0.0.1 -U postgres -d postgres -qc 'CREATE DATABASE test' >/dev/null ||
    { say "cannot reach PostgreSQL as user postgres on 127.0.0.1:5432 without a password" >&2; exit 1; }
fi

# Redis on 127.0.0.1:6379, in memory only.
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  say "starting Redis"
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save '' --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/test.log
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.2; done
fi

# kubectl renders deploy/k8s's production overlay for KubernetesManifestsTest (its built-in kustomize
# v5, kubectl 1.27 or later; this machine image has one). Debian's kubernetes-client (1.20) is too old
# to render it, so nothing is installed: without kubectl the test skips the overlay, and fails in CI.
command -v kubectl >/dev/null || say "no kubectl: the Kubernetes overlay is not rendered"

java -version 2>&1 | head -1
echo "node $(node --version)"
# Chromium is installed above, so the browser test runs instead of skipping itself.
export NEXUS_REQUIRE_BROWSER=1
# promtool likewise, so the alert and dashboard checks run instead of skipping themselves.
export NEXUS_REQUIRE_PROMTOOL=1
# npm packages for the interop and browser tests come with the build (npm ci).
exec mvn -B verify "$@"
