#!/usr/bin/env bash
# Builds the container image of one Nexus Chat node without a container engine, from Debian 12's
# packages and the server's jar, as an OCI image archive that podman, skopeo, containerd and Docker
# (25 or later) load:
#   mvn -B package -pl server -am -DskipTests && deploy/image/build.sh
#   -> server/target/nexus-chat-image.tar, image nexus-chat:<project version>
# `mvn verify` runs it too (then ContainerImageIT checks and starts the image).
#
# Two layers: the base (a JRE and what it links against, unpacked from Debian's .debs the way
# distroless images are made: no package manager, no shell other than bash, no maintainer scripts),
# then the jar. The base is reproducible (same packages, same bytes), so a registry keeps one copy
# of it across releases and a new version pushes only the jar's layer.
#
# Needs: apt-get (a Debian 12 host whose package lists are current), dpkg-deb, GNU tar, gzip, jq,
# unzip and java (the JDK that built the jar); no root.
# NEXUS_IMAGE_CACHE (default ~/.cache/nexus-chat-image) keeps the .debs and the base layer: a
# build whose packages did not change only packs the jar.
set -euo pipefail
umask 022

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
jar=$root/server/target/nexus-chat.jar
out=$root/server/target/nexus-chat-image.tar
cache=${NEXUS_IMAGE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/nexus-chat-image}

say() { echo "image: $*" >&2; }
fail() { say "$*"; exit 1; }

# What the image holds; change it here and the base layer is rebuilt (its cache key covers this file).
# bash is for the health check (its /dev/tcp probe costs about a millisecond; a second JVM for it
# would cost a second of CPU every interval).
packages=(base-files libc6 libgcc-s1 libstdc++6 zlib1g openjdk-17-jre-headless bash libtinfo6)
# Read for the JRE's trust store only; its files are not in the image.
ca_package=ca-certificates
user=nexus uid=10001 gid=10001
home=/var/lib/nexus-chat
app_dir=/opt/nexus-chat
name=nexus-chat
java_flags=(-XX:+UseG1GC -XX:MaxRAMPercentage=75 -XX:ThreadPriorityPolicy=1 -XX:CompilerThreadPriority=19
  -XX:+ExitOnOutOfMemoryError)
# The health check asks /ready (503 while the node drains) over bash's /dev/tcp, with a deadline of its
# own below the engine's timeout. The JVM can take 10-20 s to start on a small CPU share: the start
# period lets it.
health_probe='exec 3<>"/dev/tcp/127.0.0.1/$PORT" && printf "GET /ready HTTP/1.0\r\n\r\n" >&3 && read -r -t 8 status <&3 && [[ $status == *" 200 "* ]]'
second=1000000000
health_interval=$((15 * second)) health_timeout=$((10 * second)) health_start=$((60 * second))
health_start_interval=$((2 * second)) health_retries=3

for tool in apt-get dpkg-deb tar gzip jq unzip java sha256sum; do
  command -v "$tool" >/dev/null || fail "needs $tool"
done
[ -f "$jar" ] || fail "no $jar: build it first (mvn -B package -pl server -am -DskipTests)"
version=$(unzip -p "$jar" chat/nexus/build.properties | sed -n 's/^version=//p' | tr -d '\r')
[ -n "$version" ] || fail "no version in $jar (chat/nexus/build.properties)"
arch=$(dpkg --print-architecture)
case "$arch" in amd64 | arm64) ;; *) fail "no image for the $arch architecture" ;; esac
java_home=/usr/lib/jvm/java-17-openjdk-$arch
# Layer files carry this time, so that the same inputs give the same layer. The image's creation
# time is the last commit's (SOURCE_DATE_EPOCH, the reproducible-builds convention, overrides it).
epoch=${SOURCE_DATE_EPOCH:-$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)}
created=$(date -u -d "@$epoch" +%Y-%m-%dT%H:%M:%SZ)

work=$root/server/target/image-build
rm -rf "$work"
mkdir -p "$work" "$cache/debs"
started=$SECONDS

# --- the packages: the versions the host's package lists name, downloaded once into the cache
apt_options=()
# apt drops root to its _apt user for downloads, which cannot write a root-owned cache
[ "$(id -u)" = 0 ] && apt_options=(-o APT::Sandbox::User=root)
uris() { apt-get download --print-uris "${apt_options[@]}" "${packages[@]}" "$ca_package"; }
declare -A deb_of=()
# download: fills deb_of (package -> .deb file name) and fetches the .debs the cache lacks
download() {
  local listing file package missing=()
  listing=$(uris 2>"$work/apt.log") || return 1
  while read -r _ file _ _; do
    deb_of[${file%%_*}]=$file
  done <<<"$listing"
  for package in "${packages[@]}" "$ca_package"; do
    [ -n "${deb_of[$package]:-}" ] || fail "apt-get names no .deb for $package"
    [ -f "$cache/debs/${deb_of[$package]}" ] || missing+=("$package")
  done
  [ ${#missing[@]} -gt 0 ] || return 0
  say "downloading ${missing[*]}"
  (cd "$cache/debs" && apt-get download -q "${apt_options[@]}" "${missing[@]}" >"$work/apt.log" 2>&1)
}
if ! download; then
  # Debian's mirrors keep only the newest security update: lists older than it name a .deb that
  # is gone (and a fresh container may have no lists at all)
  [ "$(id -u)" = 0 ] || { cat "$work/apt.log" >&2; fail "apt-get cannot get the packages: run apt-get update"; }
  say "refreshing the package lists"
  apt-get update -qq >/dev/null
  download || { cat "$work/apt.log" >&2; fail "apt-get cannot get the packages (is this Debian 12?)"; }
fi

# --- layer helpers: sorted entries, fixed times and owners, no ./ prefix, gzip without a name or time
pack() { # pack <dir> <tar> <tar options and names...>: appends those entries of <dir>
  local dir=$1 tarball=$2
  shift 2
  tar --append --file="$tarball" --directory="$dir" --sort=name --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    --mtime=@0 --numeric-owner "$@"
}
sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }
gzip_layer() { # gzip_layer <tar> <level>: writes <tar>.gz, prints the uncompressed tar's digest
  sha "$1"
  gzip -n "-$2" <"$1" >"$1.gz"
  rm "$1"
}

# --- the base layer, rebuilt only when the packages or this script change
key=$( (printf '%s\n' "$arch" "${deb_of[@]}" | sort; cat "$0" "$here/TrustStore.java") | sha256sum | cut -c1-16)
base=$cache/base-$key.tar.gz
if [ -f "$base" ] && [ -f "$base.diffid" ]; then
  say "base layer from the cache ($key)"
else
  say "building the base layer from ${#packages[@]} packages"
  rootfs=$work/rootfs
  mkdir -p "$rootfs/usr/bin" "$rootfs/usr/sbin" "$rootfs/usr/lib" "$rootfs/usr/lib64"
  # Debian 12's merged /usr: packages still ship /bin/bash and /lib64/ld-linux-x86-64.so.2
  for dir in bin sbin lib lib64; do ln -s "usr/$dir" "$rootfs/$dir"; done
  mkdir -p "$rootfs/var/lib/dpkg/status.d"
  for package in "${packages[@]}"; do
    deb=$cache/debs/${deb_of[$package]}
    # the packages' modes as they are (a user's tar would drop the sticky and setgid bits of /var/tmp...)
    dpkg-deb --fsys-tarfile "$deb" | tar -x --keep-directory-symlink --no-same-owner --same-permissions -C "$rootfs"
    # what distroless images carry instead of a dpkg database: vulnerability scanners (Trivy,
    # Grype) read the installed packages and versions here
    dpkg-deb --field "$deb" >"$rootfs/var/lib/dpkg/status.d/$package"
  done
  for dir in bin sbin lib lib64; do [ -L "$rootfs/$dir" ] || fail "a package replaced /$dir"; done
  # what no program here reads: manuals, translations, changelogs (copyright files stay)
  rm -rf "$rootfs"/usr/share/{man,info,locale,lintian,bash-completion,gcc,gdb} "$rootfs$java_home/man"
  find "$rootfs/usr/share/doc" -type f ! -name copyright -delete
  find "$rootfs/usr/share/doc" -type l -delete
  find "$rootfs/usr/share/doc" -type d -empty -delete
  # the links update-alternatives and ca-certificates-java would have made
  ln -s "../lib/jvm/java-17-openjdk-$arch/bin/java" "$rootfs/usr/bin/java"
  mkdir -p "$work/ca" "$rootfs/etc/ssl/certs/java"
  dpkg-deb -x "$cache/debs/${deb_of[$ca_package]}" "$work/ca"
  # in UTF-8 whatever the caller's locale: some certificates' file names, hence aliases, are not ASCII
  LC_ALL=C.UTF-8 java "$here/TrustStore.java" "$work/ca/usr/share/ca-certificates" \
    "$rootfs/etc/ssl/certs/java/cacerts" >/dev/null
  # the JRE links its trust store to that path; a missing one would fail every TLS connection
  [ -e "$rootfs$java_home/lib/security/cacerts" ] || fail "the JRE has no trust store"
  printf 'root:x:0:0:root:/root:/usr/sbin/nologin\n%s:x:%s:%s:Nexus Chat:%s:/usr/sbin/nologin\n' \
    "$user" "$uid" "$gid" "$home" >"$rootfs/etc/passwd"
  printf 'root:x:0:\n%s:x:%s:\n' "$user" "$gid" >"$rootfs/etc/group"
  printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
  # /tmp for the JVM and for Netty's epoll library, which it unpacks there at start
  mkdir -p "$rootfs/tmp" "$rootfs/root" "$rootfs$home"
  chmod 1777 "$rootfs/tmp"
  chmod 700 "$rootfs/root"
  chmod 750 "$rootfs$home"
  # every file is root's but the home, which the user owns: its data/ holds the embedded database
  (cd "$rootfs" && ls -A | LC_ALL=C sort) >"$work/top"
  pack "$rootfs" "$work/base.tar" --owner=0 --group=0 --anchored --exclude="${home#/}" --files-from="$work/top"
  pack "$rootfs" "$work/base.tar" --owner="$uid" --group="$gid" "${home#/}"
  gzip_layer "$work/base.tar" 6 >"$work/base.diffid"
  mv "$work/base.tar.gz" "$base.part"
  mv "$work/base.diffid" "$base.diffid"
  mv "$base.part" "$base"
  # older base layers, and the .debs of versions Debian has since replaced, are of no further use
  find "$cache" -maxdepth 1 -name 'base-*' ! -name "base-$key.*" -delete
  for deb in "$cache"/debs/*.deb; do
    [[ " ${deb_of[*]} " == *" ${deb##*/} "* ]] || rm -f "$deb"
  done
fi

# --- the application layer: the jar, root's and read-only to the user
mkdir -p "$work/app$app_dir"
cp "$jar" "$work/app$app_dir/nexus-chat.jar"
chmod 644 "$work/app$app_dir/nexus-chat.jar"
pack "$work/app" "$work/app.tar" --owner=0 --group=0 "${app_dir#/}"
# the jar is compressed already
app_diffid=$(gzip_layer "$work/app.tar" 1)

# --- the OCI layout: blobs named by their digest, the config, the manifest, the index
layout=$work/layout
mkdir -p "$layout/blobs/sha256"
blob() { # blob <file>: moves or links it into blobs/, prints its digest
  local digest
  digest=$(sha "$1")
  ln -f "$1" "$layout/blobs/sha256/$digest" 2>/dev/null || cp "$1" "$layout/blobs/sha256/$digest"
  echo "$digest"
}
base_digest=$(blob "$base")
app_digest=$(blob "$work/app.tar.gz")

entrypoint=$(printf '%s\n' java "${java_flags[@]}" -jar "$app_dir/nexus-chat.jar" | jq -R . | jq -s -c .)
jq -n -c \
  --arg created "$created" --arg arch "$arch" --arg version "$version" --arg home "$home" \
  --arg user "$uid:$gid" --arg java_home "$java_home" --argjson entrypoint "$entrypoint" --arg app_dir "$app_dir" \
  --arg probe "$health_probe" --argjson interval "$health_interval" --argjson timeout "$health_timeout" \
  --argjson start "$health_start" --argjson start_interval "$health_start_interval" \
  --argjson retries "$health_retries" \
  --arg base_diffid "sha256:$(cat "$base.diffid")" --arg app_diffid "sha256:$app_diffid" \
  --arg packages "$(printf '%s\n' "${deb_of[@]}" | sort | paste -sd' ')" '{
  created: $created, architecture: $arch, os: "linux",
  config: {
    User: $user,
    Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "JAVA_HOME=\($java_home)",
      "LANG=C.UTF-8", "MALLOC_ARENA_MAX=2",
      "PORT=8000", "HOST=0.0.0.0", "METRICS_PORT=9464", "METRICS_HOST=0.0.0.0"],
    Entrypoint: $entrypoint,
    WorkingDir: $home,
    ExposedPorts: {"8000/tcp": {}, "9464/tcp": {}},
    StopSignal: "SIGTERM",
    Healthcheck: {Test: ["CMD", "bash", "-c", $probe], Interval: $interval, Timeout: $timeout,
      StartPeriod: $start, StartInterval: $start_interval, Retries: $retries},
    Labels: {
      "org.opencontainers.image.title": "Nexus Chat",
      "org.opencontainers.image.version": $version,
      "org.opencontainers.image.created": $created,
      "org.opencontainers.image.base.name": "debian:12 (packages, no package manager)"
    }
  },
  rootfs: {type: "layers", diff_ids: [$base_diffid, $app_diffid]},
  history: [
    {created: $created, created_by: "deploy/image/build.sh: \($packages)", comment: "Debian 12 JRE base"},
    {created: $created, created_by: "deploy/image/build.sh: COPY nexus-chat.jar \($app_dir)"}
  ]
}' >"$work/config.json"
config_digest=$(blob "$work/config.json")

jq -n -c \
  --arg config "sha256:$config_digest" --argjson config_size "$(size "$work/config.json")" \
  --arg base "sha256:$base_digest" --argjson base_size "$(size "$base")" \
  --arg app "sha256:$app_digest" --argjson app_size "$(size "$work/app.tar.gz")" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $config, size: $config_size},
  layers: [
    {mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $base, size: $base_size},
    {mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $app, size: $app_size}
  ]
}' >"$work/manifest.json"
manifest_digest=$(blob "$work/manifest.json")

# The tag as OCI tools read it (skopeo oci-archive:<file>:<tag>), the full name as containerd, podman
# and Docker do.
jq -n -c \
  --arg manifest "sha256:$manifest_digest" --argjson manifest_size "$(size "$work/manifest.json")" \
  --arg name "docker.io/library/$name:$version" --arg version "$version" '{
  schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json",
  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $manifest,
    size: $manifest_size, annotations: {"io.containerd.image.name": $name,
      "org.opencontainers.image.ref.name": $version}}]
}' >"$layout/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
# docker load before version 25 reads this file instead of index.json
jq -n -c --arg config "blobs/sha256/$config_digest" --arg tag "$name:$version" \
  --arg base "blobs/sha256/$base_digest" --arg app "blobs/sha256/$app_digest" \
  '[{Config: $config, RepoTags: [$tag], Layers: [$base, $app]}]' >"$layout/manifest.json"

rm -f "$out"
pack "$layout" "$out" --owner=0 --group=0 oci-layout index.json manifest.json blobs
rm -rf "$work"
say "$name:$version in $out ($(($(size "$out") / 1024 / 1024)) MiB, $((SECONDS - started)) s)"
