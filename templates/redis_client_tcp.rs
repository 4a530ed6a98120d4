// Starter Redis client for target `{{ target }}` over TCP, reading `{{ url_var }}` at run time.
{%- if !for_include %}
// (draft: replaced by the real template)
{%- endif %}
