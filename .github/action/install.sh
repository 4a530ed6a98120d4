#!/usr/bin/env bash
# The action's install step: download this runner's release archive of upwire and its
# .sha256 (what .github/workflows/release.yml attaches to a release), check the checksum,
# unpack, and put the binary on PATH for the job.
#
# Environment: UPWIRE_VERSION (a tag such as v0.1.0, a version, or `latest`; empty: the tag
# the action was used at, else `latest`), UPWIRE_ACTION_REF, UPWIRE_REPOSITORY (owner/name),
# and the runner's RUNNER_OS, RUNNER_ARCH, RUNNER_TEMP, GITHUB_SERVER_URL, GITHUB_PATH,
# GITHUB_OUTPUT.
set -euo pipefail

case "$RUNNER_OS/$RUNNER_ARCH" in
  Linux/X64) target=x86_64-unknown-linux-musl ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl ;;
  macOS/X64) target=x86_64-apple-darwin ;;
  macOS/ARM64) target=aarch64-apple-darwin ;;
  Windows/X64) target=x86_64-pc-windows-msvc ;;
  *)
    echo "::error::upwire has no release binary for $RUNNER_OS $RUNNER_ARCH: install it with \`cargo install upwire\` instead"
    exit 1
    ;;
esac

version=${UPWIRE_VERSION:-}
if [ -z "$version" ]; then
  # The ref the workflow wrote after `@`, when it is a version tag.
  case "${UPWIRE_ACTION_REF:-}" in
    v[0-9]*) version=$UPWIRE_ACTION_REF ;;
    *) version=latest ;;
  esac
fi
case "$version" in [0-9]*) version="v$version" ;; esac
repository=${UPWIRE_REPOSITORY:-upwire/upwire}
releases="${GITHUB_SERVER_URL:-https://github.com}/$repository/releases"
if [ "$version" = latest ]; then
  url="$releases/latest/download"
else
  url="$releases/download/$version"
fi

if [ "$RUNNER_OS" = Windows ]; then exe=upwire.exe asset="upwire-$target.zip"; else exe=upwire asset="upwire-$target.tar.gz"; fi
work="$RUNNER_TEMP/upwire-install"
rm -rf "$work"
mkdir -p "$work/bin"
for file in "$asset" "$asset.sha256"; do
  if ! curl -fsSL --retry 3 --connect-timeout 10 --max-time 300 -o "$work/$file" "$url/$file"; then
    echo "::error::could not download $url/$file: is $version a release of $repository?"
    exit 1
  fi
done

# The first word of the .sha256 file against the archive's own hash.
expected=$(cut -d ' ' -f 1 < "$work/$asset.sha256")
if command -v sha256sum >/dev/null; then
  actual=$(sha256sum "$work/$asset" | cut -d ' ' -f 1)
else
  actual=$(shasum -a 256 "$work/$asset" | cut -d ' ' -f 1)
fi
if [ -z "$expected" ] || [ "$expected" != "$actual" ]; then
  echo "::error::checksum mismatch for $asset: the release says ${expected:-nothing}, the download is $actual; nothing was installed"
  exit 1
fi

case "$asset" in
  *.zip) 7z x -y -o"$work/bin" "$work/$asset" "$exe" >/dev/null ;;
  *) tar -xzf "$work/$asset" -C "$work/bin" "$exe" ;;
esac
installed=$("$work/bin/$exe" --version)
echo "installed $installed ($target, $version) from $url"
echo "$work/bin" >> "$GITHUB_PATH"
{
  echo "path=$work/bin/$exe"
  echo "version=${installed#upwire }"
} >> "$GITHUB_OUTPUT"
