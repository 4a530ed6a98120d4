// Starter Upstash REST client for target `{{ target }}`, reading `{{ url_var }}` and `{{ token_var }}` at run time.
{%- if !for_include %}
// (draft: replaced by the real template)
{%- endif %}
