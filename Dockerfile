# syntax=docker/dockerfile:1

# Tocsin's container image: a static binary on distroless, running as a non-root user, with its
# SQLite file on the /data volume unless DATABASE_URL (or DB_NAME, see the README) says otherwise.
#
#   docker build --build-arg VERSION=v1.2.3 -t tocsin .
#   docker run -p 8080:8080 -v tocsin-data:/data tocsin

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ARG VERSION=dev
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/tocsin ./cmd/tocsin \
    && mkdir /out/data

# distroless/static: CA certificates, time zones, /etc/passwd with "nonroot" (65532); no shell.
FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev
LABEL org.opencontainers.image.title="Tocsin" \
      org.opencontainers.image.description="Self-hosted uptime monitor with Discord alerts" \
      org.opencontainers.image.source="https://github.com/tocsin/tocsin" \
      org.opencontainers.image.version="${VERSION}"
COPY --from=build /out/tocsin /usr/local/bin/tocsin
COPY --from=build --chown=65532:65532 /out/data /data
ENV DATABASE_URL=sqlite:/data/tocsin.db \
    TOCSIN_ADDR=0.0.0.0:8080
WORKDIR /data
USER 65532:65532
VOLUME ["/data"]
EXPOSE 8080
# No curl here: the binary checks itself. `tocsin check` reads only its flags, so settings such
# as TOCSIN_BLOCK_PRIVATE_TARGETS do not stop it from reaching 127.0.0.1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["/usr/local/bin/tocsin", "check", "--timeout", "3", "http://127.0.0.1:8080/healthz"]
ENTRYPOINT ["/usr/local/bin/tocsin"]
CMD ["serve"]
