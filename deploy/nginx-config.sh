#!/usr/bin/env bash
# Prints deploy/nginx.conf for other nodes and another listen port:
#   deploy/nginx-config.sh LISTEN_PORT HOST:PORT [HOST:PORT...] > nginx.conf
# The blocks between "# nodes" and "# end nodes" are rewritten (upstream servers and the cookie map),
# and the one between "# listen" and "# end listen".
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 LISTEN_PORT HOST:PORT [HOST:PORT...]" >&2
  exit 2
fi
listen=$1
shift
for node in "$@"; do
  [[ $node =~ ^[A-Za-z0-9.-]+:[0-9]+$ ]] || { echo "not a HOST:PORT: $node" >&2; exit 2; }
done
[[ $listen =~ ^[0-9]+$ ]] || { echo "not a port: $listen" >&2; exit 2; }
template="$(dirname "$0")/nginx.conf"
block=0   # which "# nodes" block: 1 = upstream servers, 2 = cookie map
skip=0
while IFS= read -r line; do
  trimmed="${line#"${line%%[![:space:]]*}"}"
  indent="${line%%[![:space:]]*}"
  if [ "$trimmed" = "# nodes" ]; then
    block=$((block + 1)); skip=1
    echo "$line"
    for node in "$@"; do
      if [ $block -eq 1 ]; then
        echo "${indent}server $node max_fails=1 fail_timeout=5s;"
      else
        echo "${indent}$node $node;"
      fi
    done
    continue
  fi
  if [ "$trimmed" = "# listen" ]; then
    skip=1
    echo "$line"
    echo "${indent}listen 127.0.0.1:$listen;"
    continue
  fi
  if [ "$trimmed" = "# end nodes" ] || [ "$trimmed" = "# end listen" ]; then
    skip=0
  fi
  [ $skip -eq 1 ] || echo "$line"
done < "$template"
