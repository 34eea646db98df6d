{#- Models land in plain schemas named for their layer (staging, intermediate, seeds),
    and marts in the default schema, so analysts query fct_posts rather than main_marts.fct_posts. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
