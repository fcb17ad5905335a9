# torchrnn's command-line tools (train, generate, predict) on libtorch.
#
#   docker build -t torchrnn .            # CPU: Debian bookworm's libtorch 1.13.1
#   docker run --rm torchrnn train -dry-run
#   docker build -t torchrnn:cuda --build-arg VARIANT=cuda \
#     --build-arg CUDA_BASE=nvidia/cuda:12.1.1-base-ubuntu22.04 .
#
# The build stage installs libtorch the one way the project does
# (./setup-libtorch.sh: Debian's libtorch-dev, or LIBTORCH for the CUDA zip),
# fits gotch to it and builds ./cmd/... The runtime stage has no Go and no
# compiler: only libtorch's shared libraries, the binaries (whose rpath names
# the libtorch lib folder) and an entrypoint that dispatches the command.
#
# Works with BuildKit and with the legacy builder (DOCKER_BUILDKIT=0), so no
# "# syntax=" line (it would need a registry) and no BuildKit-only syntax.
# Without a registry, scripts/docker-base-images.sh makes both FROM images.

# The Go toolchain image for the build stage.
ARG GO_IMAGE=golang:1.26-bookworm
# Empty for the CPU image (debian:bookworm-slim); a CUDA runtime image for VARIANT=cuda.
ARG CUDA_BASE=

FROM ${GO_IMAGE} AS build
# VARIANT cpu: Debian's libtorch-dev (1.13.1); cuda: the libtorch zip at LIBTORCH_URL.
# (Few instructions: each costs seconds on the legacy builder.)
ARG VARIANT=cpu \
    LIBTORCH_URL=https://download.pytorch.org/libtorch/cu121/libtorch-cxx11-abi-shared-with-deps-2.1.0%2Bcu121.zip \
    CUDA_BASE

# 1. libtorch, the vendored gotch fitted to it, and gotch compiled (the slow
# part: apt's ~1.5 GB and libtch's C++, 10-17 minutes on 2 cores). Only go.mod, go.sum, the setup script and the
# fitter decide it, so edits elsewhere reuse this layer. A throwaway package
# that imports gotch/ts makes `go mod vendor` vendor gotch and `go build ./...`
# compile its C++ into the Go build cache, which step 2 then hits.
COPY go.mod go.sum setup-libtorch.sh /src/
COPY internal/tools/fitgotch/ /src/internal/tools/fitgotch/
COPY fitgotch/ /src/fitgotch/
RUN set -eu; \
    cd /src; \
    export DEBIAN_FRONTEND=noninteractive; \
    case "$VARIANT" in \
      cpu) ;; \
      cuda) \
        if [ -z "$CUDA_BASE" ]; then \
          echo "VARIANT=cuda needs --build-arg CUDA_BASE=<CUDA runtime image>, e.g. nvidia/cuda:12.1.1-base-ubuntu22.04" >&2; \
          exit 1; \
        fi; \
        apt-get update -q; \
        apt-get install -y -q --no-install-recommends unzip; \
        rm -rf /var/lib/apt/lists/*; \
        curl -fL --retry 2 -o /tmp/libtorch.zip "$LIBTORCH_URL"; \
        unzip -q /tmp/libtorch.zip -d /opt; \
        rm /tmp/libtorch.zip; \
        export LIBTORCH=/opt/libtorch ;; \
      *) echo "VARIANT must be cpu or cuda, not '$VARIANT'" >&2; exit 1 ;; \
    esac; \
    go mod download; \
    mkdir -p internal/dockerwarm; \
    printf 'package dockerwarm\n\nimport _ "github.com/sugarme/gotch/ts"\n' >internal/dockerwarm/warm.go; \
    ./setup-libtorch.sh; \
    rm -rf internal/dockerwarm

# 2. The whole tree: setup-libtorch.sh re-vendors for it (restoring the fitted
# gotch from .fitcache/), builds and vets ./...; then the binaries go to /out
# (-s -w: no symbol tables or DWARF; Go's own code is linked in statically,
# libtorch and libc stay shared). A CUDA build also takes libtorch's lib/,
# which holds the CUDA, cuDNN and OpenMP libraries it was built with.
COPY . /src/
RUN set -eu; \
    cd /src; \
    ./setup-libtorch.sh; \
    mkdir -p /out/opt/torchrnn/bin; \
    go build -ldflags='-s -w' -o /out/opt/torchrnn/bin/ ./cmd/...; \
    if [ "$VARIANT" = cuda ]; then \
      mkdir -p /out/opt/libtorch/lib; \
      cp -a /opt/libtorch/lib/*.so* /out/opt/libtorch/lib/; \
    fi; \
    ls -l /out/opt/torchrnn/bin

FROM ${CUDA_BASE:-debian:bookworm-slim} AS runtime
ARG VARIANT=cpu
# cpu: libtorch's runtime libraries from Debian (the same release the build
# stage compiled against) and OpenBLAS, which libtorch then uses for BLAS and
# LAPACK. Both: CA certificates for `train -download`.
RUN set -eu; \
    if [ "$VARIANT" = cpu ]; then pkgs="libtorch1.13 libopenblas0-pthread ca-certificates"; \
    else pkgs="ca-certificates"; fi; \
    export DEBIAN_FRONTEND=noninteractive; \
    apt-get update -q; \
    apt-get install -y -q --no-install-recommends $pkgs; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/* /var/log/apt /var/log/dpkg.log
COPY --from=build /out/ /
# The entrypoint: `docker run torchrnn train|generate|predict|... [flags]`
# runs /opt/torchrnn/bin/<command> (every ./cmd/... binary); else usage.
RUN set -eu; \
    printf '%s\n' \
      '#!/bin/sh' \
      '# torchrnn image entrypoint: run one of the commands in /opt/torchrnn/bin.' \
      'set -e' \
      'bin=/opt/torchrnn/bin' \
      'usage() {' \
      '  echo "usage: docker run [docker flags] torchrnn COMMAND [flags]"' \
      '  echo "commands: $(ls "$bin" | tr "\n" " ")"' \
      '  echo "COMMAND -h lists its flags; volumes: /data (input), /runs (run folders)."' \
      '}' \
      'case "${1:-}" in' \
      '""|help|-h|-help|--help)' \
      '  usage' \
      '  exit 0 ;;' \
      '.*|*/*) ;;' \
      '*)' \
      '  if [ -x "$bin/$1" ]; then' \
      '    cmd=$1' \
      '    shift' \
      '    exec "$bin/$cmd" "$@"' \
      '  fi ;;' \
      'esac' \
      'echo "torchrnn: unknown command \"$1\"" >&2' \
      'usage >&2' \
      'exit 2' \
      >/usr/local/bin/torchrnn; \
    chmod 0755 /usr/local/bin/torchrnn; \
    for b in /opt/torchrnn/bin/*; do \
      if ldd "$b" | grep 'not found' | grep -v 'libcuda\.so'; then \
        echo "$b: missing shared libraries" >&2; exit 1; \
      fi; \
    done; \
    groupadd --system --gid 10001 torchrnn; \
    useradd --system --uid 10001 --gid torchrnn --home-dir /nonexistent --no-create-home \
      --shell /usr/sbin/nologin torchrnn; \
    mkdir -p /data /runs; \
    chown torchrnn:torchrnn /data /runs
USER torchrnn
# gotch makes $HOME/.cache/gotch at start-up and exits when it cannot: keep it
# out of the volumes, and working for any --user (whose HOME may be /).
ENV GOTCH_CACHE=/tmp/gotch
# Relative paths resolve from /, so train's defaults land in the volumes:
# runs/<task>-<time> in /runs, and -download's ./data in /data.
WORKDIR /
VOLUME ["/data", "/runs"]
ENTRYPOINT ["/usr/local/bin/torchrnn"]
