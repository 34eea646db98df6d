{#- Generic test: a model's key and column values, checked in one query. One test node, not one per
    check: dbt spends some 20-40 ms of its own on each node, which an incremental run of a few rows
    pays as much as a full build (relationships stay tests of their own: they wait for another model).
    - unique: the key's columns; no two rows share them (dbt's unique, or dbt_utils' unique_combination_of_columns);
    - not_null: columns that must hold a value;
    - accepted_values: {column: [values]}; a value outside the list fails, a null passes.
    Each failing row comes once per check it fails, named in `failed_check`, with the checked columns.
    The rows are those get_where_subquery gives (an incremental run's batch: then read once). -#}
{% test row_checks(model, unique=[], not_null=[], accepted_values={}) %}
{%- if not (unique or not_null or accepted_values) -%}
    {{ exceptions.raise_compiler_error("row_checks: give unique, not_null or accepted_values") }}
{%- endif -%}
{%- set columns = [] -%}
{%- for column in unique + not_null + (accepted_values | list) -%}
    {%- if column not in columns -%}{%- do columns.append(column) -%}{%- endif -%}
{%- endfor -%}
{%- set ns = namespace(first=true) -%}

with checked as {{ 'materialized' if model is string else 'not materialized' }} (
    select {{ columns | join(', ') }}
    from {{ model }}
)

{%- if unique %}
{{ _row_checks_union(ns) }}
select
    'unique: {{ unique | join(", ") }}' as failed_check,
    checked.*
from checked
semi join (
    select {{ unique | join(', ') }}
    from checked
    group by all
    having count(*) > 1
) as duplicated using ({{ unique | join(', ') }})
{%- endif %}

{%- if not_null %}
{{ _row_checks_union(ns) }}
select
    'not_null: ' || concat_ws(
        ', '{% for column in not_null %},
        case when {{ column }} is null then '{{ column }}' end{% endfor %}
    ) as failed_check,
    checked.*
from checked
where {% for column in not_null %}{{ column }} is null{% if not loop.last %} or {% endif %}{% endfor %}
{%- endif %}

{%- for column, values in accepted_values.items() %}
{{ _row_checks_union(ns) }}
select
    'accepted_values: {{ column }}' as failed_check,
    checked.*
from checked
where cast({{ column }} as varchar) not in (
    {%- for value in values %}'{{ value | string | replace("'", "''") }}'{% if not loop.last %}, {% endif %}{% endfor -%}
)
{%- endfor %}

{% endtest %}


{% macro _row_checks_union(ns) -%}
    {%- if not ns.first %}union all{% endif -%}
    {%- set ns.first = false -%}
{%- endmacro %}
