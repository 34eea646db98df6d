{#- Data tests of an incremental model test only the rows its incremental run wrote.

    A full build writes every row, so every test reads the whole model. An incremental run
    (delete+insert on the unique key) writes a batch: the post-hook record_incremental_batch
    keeps the batch's unique keys in dbt_batches.<model>, tagged with the invocation id, and
    get_where_subquery (dbt's hook for a test's `where`) then narrows the model's generic tests
    (unique, not_null, accepted_values, relationships, ...) to those keys. This is sound for
    row-level tests, and for uniqueness on the unique key: the rows kept from before were tested
    when written, and delete+insert replaced every old row that shares a key with the batch.
    The batch tables live in a schema made when the run starts (on-run-start: create_incremental_batches)
    and dropped when it ends (on-run-end: drop_incremental_batches), so a later `dbt test` tests everything. -#}

{% macro record_incremental_batch() -%}
    {%- if execute and config.get('materialized') == 'incremental' -%}
        {%- set keys = config.get('unique_key') -%}
        {%- if keys is string -%}{%- set keys = [keys] -%}{%- endif -%}
        {#- the batch: a temporary table (SQL models) or, for Python models, a table dbt-duckdb leaves behind -#}
        {%- set found = run_query(
            "select schema_name, table_name, temporary from duckdb_tables() where starts_with(table_name, '"
            ~ this.identifier ~ "__dbt_tmp') order by table_name desc limit 1"
        ) -%}
        {%- if found.rows | length > 0 and keys -%}
            {%- set tmp = ('temp.main' if found.rows[0][2] else found.rows[0][0]) ~ '."' ~ found.rows[0][1] ~ '"' -%}
            create or replace table dbt_batches."{{ this.identifier }}" as
            select distinct {{ keys | join(', ') }} from {{ tmp }};
            comment on table dbt_batches."{{ this.identifier }}" is '{{ invocation_id }}';
            {%- if not found.rows[0][2] %}
            drop table {{ tmp }};
            {%- endif %}
        {%- else -%}
            drop table if exists dbt_batches."{{ this.identifier }}";
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set batch = none -%}
    {%- if execute and relation.identifier -%}
        {%- set found = run_query(
            "select count(*) from duckdb_tables() where schema_name = 'dbt_batches' and table_name = '"
            ~ relation.identifier ~ "' and comment = '" ~ invocation_id ~ "'"
        ) -%}
        {%- if found.rows[0][0] > 0 -%}
            {%- set batch = 'dbt_batches."' ~ relation.identifier ~ '"' -%}
        {%- endif -%}
    {%- endif -%}
    {%- if batch is none and not where -%}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set filtered -%}
        (
            select * from {{ relation }}
            {%- if batch is not none %}
            semi join {{ batch }} using ({{ batch_key_columns(batch) }})
            {%- endif %}
            {%- if where %}
            where {{ where }}
            {%- endif %}
        ) dbt_subquery
    {%- endset -%}
    {{- return(filtered) -}}
{%- endmacro %}


{% macro batch_key_columns(batch) -%}
    {%- set cols = run_query("select * from " ~ batch ~ " limit 0").column_names -%}
    {{- cols | join(', ') -}}
{%- endmacro %}


{#- The batch schema exists for the whole run (on-run-start), not created by each model's post-hook:
    nodes built at once (threads) would race to create it. -#}
{% macro create_incremental_batches() -%}
    create schema if not exists dbt_batches
{%- endmacro %}


{% macro drop_incremental_batches() -%}
    drop schema if exists dbt_batches cascade
{%- endmacro %}
