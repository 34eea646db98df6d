{#- The watermark of an incremental model: the largest value of `column` already in the model,
    or the epoch on a full build. Rows with column >= watermark are (re)processed, so the
    boundary is re-read and replaced (delete+insert on the unique key), never missed. `model_where`
    limits the model's rows that set it (a watermark per kind of row). -#}
{% macro incremental_watermark(column, model_where=none) -%}
    {%- if is_incremental() -%}
        (select coalesce(max(existing.{{ column }}), '1970-01-01'::timestamp) from {{ this }} as existing
        {%- if model_where %} where existing.{{ model_where }}{% endif %})
    {%- else -%}
        '1970-01-01'::timestamp
    {%- endif -%}
{%- endmacro %}


{#- True on an incremental run of a model that already has `column` (a model built before the column
    existed redoes every row once; on_schema_change then appends the column). -#}
{% macro is_incremental_with(column) -%}
    {%- if is_incremental() and execute -%}
        {{- return(column in (adapter.get_columns_in_relation(this) | map(attribute='name') | list)) -}}
    {%- endif -%}
    {{- return(false) -}}
{%- endmacro %}


{#- Where clause of a model's read of a source stamped with built_at (when a build wrote each row): the
    rows built after the model's newest built_at, copied from that source; every row on a full build, or
    when the model predates its built_at column. -#}
{% macro built_since_last_build() -%}
    {%- if is_incremental_with('built_at') -%}
        built_at > {{ incremental_watermark('built_at') }}
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- Rows to (re)process on an incremental run, for a source whose rows carry `column` (a fetch time):
    those after the watermark, and those at the watermark whose key is not in the model yet. The rows
    at the watermark that are already in the model were processed by the last build (all rows of one
    fetch land before a build); re-reading them all made every run as costly as a full build when a
    large load shares one fetch time. On a full build: every row (true). `alias` qualifies the columns.
    `model_keys` name the keys as the model has them (default: `keys`); `model_where` as for the watermark.
    `source`: the relation the rows come from, one row per key like the model; then the keys at the
    watermark are compared only when it has rows up to the watermark the model lacks (uncounted_rows_up_to). -#}
{% macro after_watermark(column, keys, alias=none, model_keys=none, model_where=none, source=none) -%}
    {%- if is_incremental() -%}
        {%- set prefix = (alias ~ '.') if alias else '' -%}
        {%- set wm = incremental_watermark(column, model_where) -%}
        {%- if source is not none and not uncounted_rows_up_to(
            wm, source, keys, model_keys=model_keys, column=column, model_where=model_where
        ) -%}
            {{- return('(' ~ prefix ~ column ~ ' > ' ~ wm ~ ')') -}}
        {%- endif -%}
        (
            {{ prefix }}{{ column }} > {{ wm }}
            or (
                {{ prefix }}{{ column }} = {{ wm }}
                and ({% for key in keys %}{{ prefix }}{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}) not in (
                    select ({{ (model_keys or keys) | join(', ') }}) from {{ this }}
                )
            )
        )
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{#- For a model that keeps, per key, how many rows of `source` it counted (`counted`): true on an incremental
    run when `source` has rows fetched up to the watermark `wm` that the model has not counted (a load that
    shared the watermark's fetch time with the last build). Only then must the model compare its keys'
    counts one by one, which groups every row of `source`. Without `counted`, the model has one row per key
    of `source` (its rows are counted). `model_keys` name `keys` as the model has them; `column`: the fetch
    time the watermark is of; `model_where`: the model's rows that come from `source` (int_texts: posts). The check is a count on each side, no key-by-key comparison:
    - with `counted`, the rows of `source` up to `wm` against the sum of `counted` (every row the last
      build counted was fetched up to `wm`). A key with rows after `wm` that also has uncounted rows up to
      it makes the check true, although the run recomputes that key anyway: the comparison then only
      costs time;
    - without it, the rows of `source` up to `wm` against the model's rows less those of keys fetched
      again since (a key's one row of `source` is then after `wm`). -#}
{% macro uncounted_rows_up_to(wm, source, keys, counted=none, model_keys=none, column='fetched_at', model_where=none) -%}
    {%- if not (is_incremental() and execute) -%}
        {{- return(false) -}}
    {%- endif -%}
    {%- set model_keys = model_keys or keys -%}
    {%- set model_rows -%}
        (select * from {{ this }} as existing{% if model_where %} where existing.{{ model_where }}{% endif %})
    {%- endset -%}
    {%- set source_rows -%}
        (select count(*) from {{ source }} where {{ column }} <= {{ wm }})
    {%- endset -%}
    {%- set sql -%}
        {%- if counted %}
        select {{ source_rows }} <> (select coalesce(sum(existing.{{ counted }}), 0) from {{ model_rows }} as existing)
        {%- else %}
        with new_keys as (
            select distinct {{ keys | join(', ') }} from {{ source }} where {{ column }} > {{ wm }}
        )
        select
            {{ source_rows }}
            <> (select count(*) from {{ model_rows }}) - (
                select count(*) from new_keys
                semi join {{ model_rows }} as existing
                    on {% for k in keys %}existing.{{ model_keys[loop.index0] }} = new_keys.{{ k }}{% if not loop.last %} and {% endif %}{% endfor %}
            )
        {%- endif %}
    {%- endset -%}
    {{- return(run_query(sql).columns[0].values()[0]) -}}
{%- endmacro %}


{#- Keys whose enrichment rows were built after the newest `enriched_at` of this model, that is, rows it
    has not read yet. `sources`: [relation, key column] pairs of models that stamp their rows built_at. -#}
{% macro rebuilt_since_enriched(key, sources) -%}
    {%- set enriched = incremental_watermark('enriched_at') -%}
    {%- for relation, column in sources %}
        select {{ column }} as {{ key }} from {{ relation }} where built_at > {{ enriched }}
        {%- if not loop.last %}
        union{% endif %}
    {%- endfor %}
{%- endmacro %}
