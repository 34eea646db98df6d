{#- The watermark of an incremental model: the largest value of `column` already in the model,
    or the epoch on a full build. Rows with column >= watermark are (re)processed, so the
    boundary is re-read and replaced (delete+insert on the unique key), never missed. -#}
{% macro incremental_watermark(column) -%}
    {%- if is_incremental() -%}
        (select coalesce(max(existing.{{ column }}), '1970-01-01'::timestamp) from {{ this }} as existing)
    {%- else -%}
        '1970-01-01'::timestamp
    {%- endif -%}
{%- endmacro %}
