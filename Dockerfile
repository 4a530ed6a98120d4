# `upwire serve` as a container image: a static musl binary on an empty base image (no shell,
# no shared libraries, no package manager), running as a non-root user.
#
#   docker build -t upwire .
#   docker run --rm -p 8079:8079 -e UPWIRE_SERVE_TOKEN=dev-token upwire --redis redis://HOST:6379
#
# It listens on 0.0.0.0:8079 (UPWIRE_SERVE_LISTEN), so a token is required: UPWIRE_SERVE_TOKEN,
# or SRH's SRH_MODE/SRH_TOKEN/SRH_CONNECTION_STRING (examples/ci/docker-compose.yml).
# Arguments after the image name are `upwire serve` flags. The health check of a container is
# `upwire check --rest-url http://127.0.0.1:8079 --rest-token TOKEN` (no curl in the image).

ARG RUST_VERSION=1.95

FROM rust:${RUST_VERSION}-alpine AS build
# gcc and musl-dev: aws-lc-sys's C parts (built with the cc crate, no cmake);
# ca-certificates: the trust store for rediss:// backends.
# hadolint ignore=DL3018
RUN apk add --no-cache gcc musl-dev ca-certificates
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY templates ./templates
# Alpine's Rust targets musl and links statically; the release profile is fat LTO.
RUN cargo build --release --locked --bin upwire \
    && strip target/release/upwire \
    && ./target/release/upwire --version

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /src/target/release/upwire /usr/local/bin/upwire
# 65532: "nonroot" by convention (distroless); no /etc/passwd is needed for a numeric user.
USER 65532:65532
ENV UPWIRE_SERVE_LISTEN=0.0.0.0:8079
EXPOSE 8079
ENTRYPOINT ["/usr/local/bin/upwire", "serve"]
