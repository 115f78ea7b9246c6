#!/usr/bin/env bash
# Prints deploy/nginx.conf for other nodes and another listen port:
#   deploy/nginx-config.sh LISTEN_PORT HOST:PORT [HOST:PORT...] > nginx.conf
# Rewritten blocks (each between "# <name>" and "# end <name>"):
#   nodes          the servers of the least_conn group
#   node groups    one upstream per node (nexus_node_<i>): that node, the others as backups
#   node cookies   the cookie map: a node's address -> its group
#   listen         the listen directive (127.0.0.1:LISTEN_PORT)
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
# the server parameters of the template's node lines, so that the generated ones stay the same
params="max_fails=0"

block() {   # prints the generated lines of block $1 with indent $2
  local name=$1 indent=$2 i=0 node other
  case $name in
    "nodes")
      for node in "${nodes[@]}"; do echo "${indent}server $node $params;"; done ;;
    "node groups")
      for node in "${nodes[@]}"; do
        i=$((i + 1))
        echo "${indent}upstream nexus_node_$i {"
        echo "${indent}    server $node $params;"
        for other in "${nodes[@]}"; do
          [ "$other" = "$node" ] || echo "${indent}    server $other $params backup;"
        done
        echo "${indent}    keepalive 16;"
        echo "${indent}    keepalive_timeout 20s;"
        echo "${indent}}"
      done ;;
    "node cookies")
      for node in "${nodes[@]}"; do i=$((i + 1)); echo "${indent}$node nexus_node_$i;"; done ;;
    "listen")
      echo "${indent}listen 127.0.0.1:$listen;" ;;
  esac
}

nodes=("$@")
skip=""
seen=()
while IFS= read -r line; do
  trimmed="${line#"${line%%[![:space:]]*}"}"
  indent="${line%%[![:space:]]*}"
  if [ -z "$skip" ]; then
    case $trimmed in
      "# nodes" | "# node groups" | "# node cookies" | "# listen")
        skip="${trimmed#\# }"
        seen+=("$skip")
        echo "$line"
        block "$skip" "$indent"
        continue ;;
    esac
    echo "$line"
  elif [ "$trimmed" = "# end $skip" ]; then
    skip=""
    echo "$line"
  fi
done < "$template"
[ -z "$skip" ] || { echo "$template: no '# end $skip'" >&2; exit 1; }
[ "${#seen[@]}" -eq 4 ] || { echo "$template: expected the blocks nodes, node groups, node cookies and listen, found: ${seen[*]}" >&2; exit 1; }
