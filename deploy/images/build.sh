#!/usr/bin/env bash
# Builds the MMaaS container images as OCI tarballs without a Docker engine or a registry:
#   1. a base image: a minimal Debian 12 (bookworm) root file system with a headless JRE 17 and an unprivileged user
#      mmaas (uid/gid 10001), made with mmdebstrap from the Debian mirror and packed as a docker-archive tarball
#      (target/base/mmaas-base-jre17.tar; rebuilt only when missing or with --rebuild-base);
#   2. the images, by Maven with Jib on that base (`-Pimages`, jib:buildTar):
#        control-plane  deploy/images/control-plane/target/mmaas-control-plane-<version>.tar
#        agent (CPU)    deploy/images/agent-cpu/target/mmaas-agent-<version>.tar
#        agent (GPU)    deploy/images/agent-gpu/target/mmaas-agent-gpu-<version>.tar   (onnxruntime_gpu, not the CPU jar)
#        console        deploy/images/console/target/mmaas-console-<version>.tar
#      and the check that opens each tarball (ImageTarballsTest: entrypoint, user, layers, no `latest`).
#
#   ./deploy/images/build.sh                  base when missing, then the images and their check
#   ./deploy/images/build.sh --base-only      only the base tarball
#   ./deploy/images/build.sh --rebuild-base   build the base again first
#
# Load a tarball where there is an engine or push it with a registry tool: `docker load -i …`, `podman load -i …`,
# `skopeo copy docker-archive:… docker://registry/…`, `crane push … registry/…`, or `ctr -n k8s.io images import …`.
#
# Needs: mmdebstrap (apt-get install mmdebstrap) and root (mmdebstrap's root mode), or an unprivileged user namespace
# (set MMDEBSTRAP_MODE=unshare). MMAAS_DEBIAN_MIRROR overrides the mirror (default http://deb.debian.org/debian).
# The GPU image is built on the same base unless MMAAS_GPU_BASE_IMAGE names another one (e.g. tar:///path/cuda.tar
# or a registry reference to an image with the CUDA 12 runtime and cuDNN 9 that onnxruntime_gpu needs); without those
# libraries the agent falls back to CPU and reports it.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$ROOT/deploy/images/target/base"
BASE_TAR="$OUT/mmaas-base-jre17.tar"
BASE_TAG=mmaas/base-jre17:17-bookworm
MIRROR=${MMAAS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
MODE=${MMDEBSTRAP_MODE:-root}
# Reproducible file times in the base (mmdebstrap honours it); the default is a fixed day, not "now".
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-1767225600}

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

build_base() {
  command -v mmdebstrap >/dev/null || die "mmdebstrap is missing (apt-get install mmdebstrap)"
  mkdir -p "$OUT"
  local work; work=$(mktemp -d "$OUT/work.XXXXXX")
  trap 'rm -rf "$work"' RETURN
  say "base: Debian bookworm + openjdk-17-jre-headless with mmdebstrap ($MODE mode, $MIRROR)"
  mmdebstrap --mode="$MODE" --variant=essential --format=tar \
    --include=openjdk-17-jre-headless,ca-certificates,tzdata \
    --dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-include=/usr/share/locale/locale.alias' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='rm -rf "$1/usr/share/man"' \
    --customize-hook='echo "mmaas:x:10001:10001:MMaaS:/home/mmaas:/usr/sbin/nologin" >> "$1/etc/passwd"' \
    --customize-hook='echo "mmaas:x:10001:" >> "$1/etc/group"' \
    --customize-hook='echo "mmaas:!:19000::::::" >> "$1/etc/shadow"' \
    --customize-hook='mkdir -p "$1/home/mmaas" "$1/app" && chown 10001:10001 "$1/home/mmaas"' \
    --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/* "$1"/var/log/* "$1"/tmp/*' \
    --customize-hook='chroot "$1" java -version' \
    bookworm "$work/layer.tar" "$MIRROR"

  # docker-archive layout (what `docker save` writes and Jib reads as a tar:// base): one uncompressed layer, its
  # config (diff_ids = sha256 of the layer) and manifest.json naming both.
  local diff config_digest created
  diff=$(sha256sum "$work/layer.tar" | cut -d' ' -f1)
  created=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)
  cat > "$work/config.json" <<JSON
{"architecture":"amd64","os":"linux","created":"$created",
 "config":{"User":"10001:10001","Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64","LANG=C.UTF-8"],"WorkingDir":"/app"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff"]},
 "history":[{"created":"$created","created_by":"deploy/images/build.sh: mmdebstrap bookworm openjdk-17-jre-headless"}]}
JSON
  config_digest=$(sha256sum "$work/config.json" | cut -d' ' -f1)
  mkdir -p "$work/image/$diff"
  mv "$work/layer.tar" "$work/image/$diff/layer.tar"
  mv "$work/config.json" "$work/image/$config_digest.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' \
    "$config_digest" "$BASE_TAG" "$diff" > "$work/image/manifest.json"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$work/image" -cf "$BASE_TAR.tmp" manifest.json "$config_digest.json" "$diff/layer.tar"   # files only: Jib refuses "./"
  mv "$BASE_TAR.tmp" "$BASE_TAR"
  say "base: $BASE_TAR ($(du -h "$BASE_TAR" | cut -f1), $BASE_TAG)"
}

case "${1:-}" in
  --rebuild-base) rm -f "$BASE_TAR" ;;
  --base-only|"") ;;
  *) die "unknown option $1 (see the comment at the top)" ;;
esac
[ -f "$BASE_TAR" ] || build_base
[ "${1:-}" = "--base-only" ] && exit 0

say "images: mvn -Pimages package (Jib buildTar on tar://$BASE_TAR)"
cd "$ROOT"
# the application modules without their tests (mvn verify runs those); the tarball check (images-check) still runs
nice -n 10 mvn -B -q -Pimages -DskipTests -Djib.disableUpdateChecks=true -Dmmaas.image.base="tar://$BASE_TAR" \
  ${MMAAS_GPU_BASE_IMAGE:+-Dmmaas.image.gpuBase="$MMAAS_GPU_BASE_IMAGE"} \
  -pl deploy/images/check -am package
ls -l deploy/images/*/target/mmaas-*.tar
