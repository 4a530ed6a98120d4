{# The Redis lines of the env file, copied to "$tmp": a file only this user can read,
   removed when the script exits. Included by the scripts that hand a CLI a file. -#}
umask 077
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
grep -E '^[[:space:]]*(export[[:space:]]+)?({% for v in vars %}{{ v.name }}{% if !loop.last %}|{% endif %}{% endfor %})=' {{ crate::quote::shell(env_file) }} \
  | sed -E 's/^[[:space:]]*(export[[:space:]]+)?//' >"$tmp"
