#!/usr/bin/env bash
# Runs one fuzz target for a while, seeded from the repository's own fixtures.
#
#   bash fuzz/run.sh TARGET [SECONDS]      (default 600; TARGET: descriptor, urls, envfile)
#
# Needs `cargo install cargo-fuzz`. cargo-fuzz passes -Z flags to rustc, so on the stable
# toolchain it runs with RUSTC_BOOTSTRAP=1. Never part of CI. A crash lands in
# fuzz/artifacts/TARGET/; reproduce it with `cargo fuzz run TARGET fuzz/artifacts/TARGET/<file>`
# and turn it into a regression test (tests/integration/proptests.rs or the module's tests).
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?usage: fuzz/run.sh descriptor|urls|envfile [SECONDS]}
seconds=${2:-600}
export RUSTC_BOOTSTRAP=1

seeds=seeds/$target
rm -rf "$seeds"
mkdir -p "$seeds" "corpus/$target"
fixtures=../tests/fixtures/codes
case $target in
  descriptor)
    cp "$fixtures"/*.toml ../examples/upwire.toml "$seeds"/
    # A line indented with a no-break space, as pasted from a web page.
    printf '[database.main]\n\xc2\xa0redis_url = "rediss://default:AXpw@h:6379"\n' >"$seeds/nbsp.toml"
    ;;
  envfile)
    cp "$fixtures"/*.env ../examples/example.env "$seeds"/
    printf 'A=1\r\nexport REDIS_URL="x"\r\n# c\r\nB=\x27multi\nline\x27\r\n' >"$seeds/crlf.env"
    ;;
  urls)
    # One value per file: every value in the env fixtures.
    i=0
    for f in "$fixtures"/*.env ../examples/example.env; do
      while IFS= read -r line; do
        case $line in *=*) printf '%s' "${line#*=}" >"$seeds/v$i"; i=$((i + 1)) ;; esac
      done <"$f"
    done
    ;;
  *) echo "unknown target $target" >&2; exit 2 ;;
esac

# -rss_limit_mb: the parsers hold small inputs; a blow-up is a finding.
# -max_len: descriptors and env files of a few KiB cover every construct.
cargo fuzz run "$target" "corpus/$target" "$seeds" -- \
  -dict="dict/$target.dict" -max_total_time="$seconds" -max_len=4096 \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
