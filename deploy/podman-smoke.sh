#!/usr/bin/env bash
# Smoke test of the container image for machines that run containers (podman) but cannot reach
# gcr.io or Docker Hub: it builds the Dockerfile's final stage with FROM replaced by scratch plus
# the few files distroless/static provides (CA certificates, passwd, group, /tmp) and the binary
# built here the way the build stage builds it, then runs the image and checks it. It is a check,
# not the product image: `docker build .` is.
#
#   bash deploy/podman-smoke.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*"; }
fail() { printf 'FAIL: %s\n' "$*" >&2; exit 1; }

version="smoke-$(git rev-parse --short HEAD 2>/dev/null || echo local)"
image="localhost/tocsin-smoke:$version"
name="tocsin-smoke-$$"
work=$(mktemp -d)
cleanup() {
	podman rm -f "$name" >/dev/null 2>&1 || true
	podman volume rm -f "$name-data" >/dev/null 2>&1 || true
	podman rmi -f "$image" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
# Extra `podman run` options for sandboxes that refuse podman's defaults, for example
#   PODMAN_RUN_OPTS="--runtime runc --ulimit nofile=16384:16384 --ulimit nproc=1000:1000"
# where raising the process limits is not permitted. Without systemd, podman only warns that it
# cannot time the HEALTHCHECK; this script runs it itself.
read -r -a run_opts <<<"${PODMAN_RUN_OPTS:-}"

log "building the binary as the Dockerfile's build stage does ($version)"
mkdir -p "$work/out/data" "$work/rootfs/etc/ssl/certs" "$work/rootfs/tmp"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=$version" -o "$work/out/tocsin" ./cmd/tocsin
chmod 1777 "$work/rootfs/tmp"
cp /etc/ssl/certs/ca-certificates.crt "$work/rootfs/etc/ssl/certs/"
printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$work/rootfs/etc/passwd"
printf 'root:x:0:\nnonroot:x:65532:\n' >"$work/rootfs/etc/group"

# The final stage exactly as the Dockerfile writes it, but for its base and where COPY reads.
awk '/^FROM /{stage++} stage==2' Dockerfile |
	sed -e 's|^FROM .*|FROM scratch\nCOPY rootfs/ /|' -e 's|--from=build ||' -e 's| /out/| out/|' >"$work/Containerfile"
log "the stage built:"
cat "$work/Containerfile"

# --format docker keeps HEALTHCHECK, which the OCI image format has no field for.
podman build --quiet --format docker --build-arg "VERSION=$version" -t "$image" -f "$work/Containerfile" "$work" >/dev/null

log "checking the image"
[ "$(podman run --rm "${run_opts[@]}" "$image" version)" = "tocsin $version" ] || fail "tocsin version does not say $version"
[ "$(podman image inspect --format '{{.Config.User}}' "$image")" = "65532:65532" ] || fail "the image's user is not 65532"
podman image inspect --format '{{json .Config.Healthcheck}}' "$image" | grep -q 'tocsin","check",' || fail "the image has no HEALTHCHECK"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log "running it on 127.0.0.1:$port with a named volume on /data"
podman run -d "${run_opts[@]}" --name "$name" -p "127.0.0.1:$port:8080" -v "$name-data:/data" "$image" >/dev/null
for _ in $(seq 1 60); do
	curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1 && break
	sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null || { podman logs "$name"; fail "no 200 from /readyz"; }
podman healthcheck run "$name" || { podman logs "$name"; fail "the HEALTHCHECK failed"; }
podman top "$name" user,args | tee "$work/top"
grep -q '^65532 ' "$work/top" || grep -q '^nonroot ' "$work/top" || fail "tocsin does not run as 65532"
podman logs "$name" 2>&1 | grep -q 'path=/data/tocsin.db' || { podman logs "$name"; fail "the database is not /data/tocsin.db"; }
curl -fsS -X POST "http://127.0.0.1:$port/auth/signup" -d '{"username": "smoke", "password": "correct horse"}' >/dev/null ||
	fail "cannot write to the database on the /data volume"

log "stopping it: SIGTERM must end it cleanly"
podman stop --time 20 "$name" >/dev/null
[ "$(podman inspect --format '{{.State.ExitCode}}' "$name")" = 0 ] || { podman logs "$name"; fail "exit status after SIGTERM is not 0"; }
podman logs "$name" 2>&1 | grep -q 'msg=stopped' || fail "no clean stop in the log"
log "ok: the image builds, runs as 65532, keeps its data on /data, passes its HEALTHCHECK and stops cleanly"
