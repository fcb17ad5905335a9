#!/usr/bin/env bash
# docker-base-images.sh: make the base images the Dockerfile starts FROM on a
# machine that cannot pull them (no registry, or offline but for a Debian
# mirror), under the same public tags, so that `docker build .` works unchanged:
#
#   debian:bookworm-slim   debootstrap --variant=minbase bookworm, with the
#                          official image's apt/dpkg settings, `docker import`ed
#   golang:1.26-bookworm   debian:bookworm-slim + build-essential, g++, git,
#                          curl, ca-certificates (apt) + this machine's Go
#                          toolchain at /usr/local/go (no test/, doc/, api/)
#                          + this machine's local CAs (for HTTPS via a proxy)
#
# A tag that already exists is left alone, so a machine that can pull keeps the
# official images. The debootstrap tarball is cached in $CACHE_DIR; re-runs with
# the images present take a second.
#
# Usage: scripts/docker-base-images.sh [--force]
#   --force   rebuild both images (the cached rootfs tarball is reused; delete
#             it to debootstrap afresh)
# Environment:
#   DEBIAN_MIRROR    default http://deb.debian.org/debian
#   SECURITY_MIRROR  default http://deb.debian.org/debian-security
#   GOROOT_HOST      Go toolchain to copy (default: `go env GOROOT`, else /usr/local/go)
#   DEBIAN_IMAGE, GO_IMAGE   the tags (defaults above; GO_IMAGE's minor version
#                    must be the host toolchain's)
#   CACHE_DIR        default ${XDG_CACHE_HOME:-$HOME/.cache}/torchrnn
#   EXTRA_CA_DIR     local CA certificates (*.crt) the build image should trust
#                    as this machine does (default /usr/local/share/ca-certificates)
set -euo pipefail

SUITE=bookworm
ARCH=$(dpkg --print-architecture 2>/dev/null || echo amd64)
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
SECURITY_MIRROR=${SECURITY_MIRROR:-http://deb.debian.org/debian-security}
DEBIAN_IMAGE=${DEBIAN_IMAGE:-debian:bookworm-slim}
GO_IMAGE=${GO_IMAGE:-golang:1.26-bookworm}
CACHE_DIR=${CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/torchrnn}
EXTRA_CA_DIR=${EXTRA_CA_DIR:-/usr/local/share/ca-certificates}
ROOTFS_TAR="$CACHE_DIR/debian-$SUITE-minbase-$ARCH.tar"
FORCE=0
[ "${1:-}" = "--force" ] && FORCE=1

TMPS=()
cleanup() {
  local t
  for t in ${TMPS[@]+"${TMPS[@]}"}; do
    case "$t" in
      docker:*) docker rm -f "${t#docker:}" >/dev/null 2>&1 || true ;;
      *) sudo_ rm -rf "$t" ;;
    esac
  done
}
trap cleanup EXIT

log() { echo "docker-base-images: $*" >&2; }
die() { echo "docker-base-images: error: $*" >&2; exit 1; }
sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
have_image() { [ "$FORCE" = 0 ] && docker image inspect "$1" >/dev/null 2>&1; }

command -v docker >/dev/null 2>&1 || die "docker is not installed"
docker info >/dev/null 2>&1 || die "cannot talk to the Docker engine (is it running, and may $(id -un) use it?)"

# rootfs_tarball: debootstrap a minimal bookworm into $ROOTFS_TAR, once.
rootfs_tarball() {
  if [ -s "$ROOTFS_TAR" ]; then
    log "using the cached rootfs $ROOTFS_TAR"
    return
  fi
  if ! command -v debootstrap >/dev/null 2>&1 || [ ! -s /usr/share/keyrings/debian-archive-keyring.gpg ]; then
    command -v apt-get >/dev/null 2>&1 || die "debootstrap is missing and there is no apt-get to install it"
    log "installing debootstrap and debian-archive-keyring with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    sudo_ apt-get update -q >/dev/null
    sudo_ apt-get install -y -q --no-install-recommends debootstrap debian-archive-keyring >/dev/null
  fi
  mkdir -p "$CACHE_DIR"
  local root
  root=$(mktemp -d "${TMPDIR:-/tmp}/bookworm-rootfs.XXXXXX")
  TMPS+=("$root")
  log "debootstrap --variant=minbase $SUITE from $DEBIAN_MIRROR (a few minutes)"
  sudo_ debootstrap --variant=minbase --arch="$ARCH" "$SUITE" "$root" "$DEBIAN_MIRROR" >"$CACHE_DIR/debootstrap.log" 2>&1 ||
    die "debootstrap failed; see $CACHE_DIR/debootstrap.log"
  slim_rootfs "$root"
  log "packing the rootfs into $ROOTFS_TAR"
  sudo_ tar --numeric-owner --xattrs -C "$root" -cf "$ROOTFS_TAR.part" \
    --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' --exclude='./run/*' --exclude='./tmp/*' .
  sudo_ chown "$(id -u):$(id -g)" "$ROOTFS_TAR.part"
  mv "$ROOTFS_TAR.part" "$ROOTFS_TAR"
}

# slim_rootfs ROOT: the settings the official slim image has: apt sources with
# updates and security, no docs/man pages/locales from later installs, no .deb
# files kept, no apt lists or logs in the image.
slim_rootfs() {
  local root=$1
  sudo_ tee "$root/etc/apt/sources.list.d/debian.sources" >/dev/null <<EOF
Types: deb
URIs: $DEBIAN_MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY_MIRROR
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
  sudo_ rm -f "$root/etc/apt/sources.list"
  sudo_ tee "$root/etc/dpkg/dpkg.cfg.d/docker-slim" >/dev/null <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/groff/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
path-exclude /usr/share/linda/*
EOF
  sudo_ tee "$root/etc/apt/apt.conf.d/docker-clean" >/dev/null <<'EOF'
DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
APT::Update::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/archives/partial/*.deb /var/cache/apt/*.bin || true"; };
Dir::Cache::pkgcache "";
Dir::Cache::srcpkgcache "";
EOF
  sudo_ tee "$root/etc/apt/apt.conf.d/docker-no-languages" >/dev/null <<'EOF'
Acquire::Languages "none";
EOF
  sudo_ sh -c "cd '$root' && rm -rf usr/share/doc/*/[!c]* usr/share/man/* usr/share/info/* usr/share/locale/* \
    var/lib/apt/lists/* var/cache/apt/*.bin var/cache/apt/archives/*.deb var/log/*.log var/log/apt/* \
    var/cache/debconf/*-old var/lib/dpkg/*-old"
  sudo_ sh -c "echo 'debian' >'$root/etc/hostname'"
}

make_debian() {
  if have_image "$DEBIAN_IMAGE"; then
    log "$DEBIAN_IMAGE exists; leaving it"
    return
  fi
  rootfs_tarball
  log "docker import $ROOTFS_TAR as $DEBIAN_IMAGE"
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' \
    --message "debootstrap --variant=minbase $SUITE ($DEBIAN_MIRROR), by scripts/docker-base-images.sh" \
    "$ROOTFS_TAR" "$DEBIAN_IMAGE" >/dev/null
}

make_golang() {
  if have_image "$GO_IMAGE"; then
    log "$GO_IMAGE exists; leaving it"
    return
  fi
  local goroot=${GOROOT_HOST:-}
  if [ -z "$goroot" ]; then
    if command -v go >/dev/null 2>&1; then goroot=$(go env GOROOT); else goroot=/usr/local/go; fi
  fi
  [ -x "$goroot/bin/go" ] || die "no Go toolchain at $goroot (set GOROOT_HOST)"
  local version want
  version=$("$goroot/bin/go" env GOVERSION) # go1.26.8
  want=${GO_IMAGE#*:}                       # 1.26-bookworm
  want=${want%%-*}
  case "$version" in
    "go$want" | "go$want".*) ;;
    *) die "$GO_IMAGE wants Go $want, but $goroot holds $version (set GOROOT_HOST, or GO_IMAGE=golang:${version#go}-bookworm and build with --build-arg GO_IMAGE=...)" ;;
  esac

  # One container does the work and one `docker commit` makes the image: on
  # slow storage drivers each Dockerfile step costs tens of seconds.
  # The build stage fetches Go modules over HTTPS; where this machine trusts
  # extra CAs (a TLS-inspecting proxy), the build image trusts them too.
  local cas=()
  if compgen -G "$EXTRA_CA_DIR/*.crt" >/dev/null; then
    log "adding the CA certificates in $EXTRA_CA_DIR ($(cd "$EXTRA_CA_DIR" && echo *.crt)) to $GO_IMAGE"
    cas=(-v "$EXTRA_CA_DIR:/host-ca:ro")
  fi
  local name
  name=torchrnn-golang-image-$$
  TMPS+=("docker:$name")
  log "building $GO_IMAGE: apt-get build-essential g++ git curl ca-certificates, $version from $goroot (log in $CACHE_DIR/golang-image.log)"
  mkdir -p "$CACHE_DIR"
  # shellcheck disable=SC2016
  if ! docker run --name "$name" ${DOCKER_BUILD_NETWORK:+--network "$DOCKER_BUILD_NETWORK"} \
    -v "$goroot:/host-go:ro" ${cas[@]+"${cas[@]}"} "$DEBIAN_IMAGE" sh -euxc '
      if [ -d /host-ca ]; then mkdir -p /usr/local/share/ca-certificates; cp /host-ca/*.crt /usr/local/share/ca-certificates/; fi
      apt-get update -q
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        build-essential g++ ca-certificates git curl
      apt-get clean
      rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
      mkdir -p /usr/local/go
      cd /host-go
      tar -cf - --exclude=./test --exclude=./doc --exclude=./api --exclude=./misc . | tar -C /usr/local/go -xf -
      mkdir -p /go/bin /go/src
      chmod -R 1777 /go
      /usr/local/go/bin/go version' >"$CACHE_DIR/golang-image.log" 2>&1; then
    tail -n 30 "$CACHE_DIR/golang-image.log" >&2
    die "building $GO_IMAGE failed (if apt-get cannot reach the mirror from a container, try DOCKER_BUILD_NETWORK=host)"
  fi
  docker commit \
    --change "ENV GOLANG_VERSION=${version#go}" \
    --change 'ENV GOTOOLCHAIN=local' \
    --change 'ENV GOPATH=/go' \
    --change 'ENV PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'WORKDIR /go' \
    --change 'CMD ["bash"]' \
    --message "$DEBIAN_IMAGE + build tools + $version, by scripts/docker-base-images.sh" \
    "$name" "$GO_IMAGE" >/dev/null
}

make_debian
make_golang
docker image ls --format 'table {{.Repository}}:{{.Tag}}\t{{.ID}}\t{{.Size}}' |
  grep -E "^($DEBIAN_IMAGE|$GO_IMAGE)[[:space:]]" >&2 || true
log "done"
