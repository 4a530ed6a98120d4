#!/usr/bin/env bash
# The action's lint step: `upwire lint` over the files named, or over every committed
# upwire.toml and env file (.env*, .dev.vars; not *.example). With UPWIRE_SARIF=true the
# findings go to a SARIF file for code scanning instead of the log. The exit code is an output
# (0: no errors, 1: errors found, 2: usage error or unreadable file); failing is a later step,
# so that the SARIF is uploaded first.
#
# Environment: UPWIRE_LINT_FILES (whitespace-separated), UPWIRE_LINT_ARGS, UPWIRE_SARIF,
# RUNNER_TEMP, GITHUB_OUTPUT.
set -uo pipefail

files=${UPWIRE_LINT_FILES:-}
if [ -z "$files" ]; then
  files=$(git ls-files | grep -E '(^|/)(\.env[^/]*|\.dev\.vars|upwire\.toml)$' | grep -v '\.example$')
fi
if [ -z "$files" ]; then
  echo "upwire lint: no upwire.toml or env file is committed here; nothing to lint"
  echo "exit-code=0" >> "$GITHUB_OUTPUT"
  exit 0
fi

# shellcheck disable=SC2086 # one argument per file and per extra argument
if [ "${UPWIRE_SARIF:-false}" = true ]; then
  sarif="$RUNNER_TEMP/upwire.sarif"
  upwire lint ${UPWIRE_LINT_ARGS:-} --format sarif $files > "$sarif"
  status=$?
  # 0 and 1 leave a complete log; 2 said why on stderr and left none.
  if [ "$status" -le 1 ]; then echo "sarif=$sarif" >> "$GITHUB_OUTPUT"; fi
else
  upwire lint ${UPWIRE_LINT_ARGS:-} $files
  status=$?
fi
echo "exit-code=$status" >> "$GITHUB_OUTPUT"
exit 0
