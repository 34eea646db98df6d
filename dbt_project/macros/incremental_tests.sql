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
    {%- set keys = batch_keys(relation) -%}
    {%- if not keys and not where -%}
        {{- return(relation) -}}
    {%- endif -%}
    {%- set filtered -%}
        (
            select * from {{ relation }}
            {%- if keys %}
            semi join dbt_batches."{{ relation.identifier }}" using ({{ keys | join(', ') }})
            {%- endif %}
            {%- if where %}
            where {{ where }}
            {%- endif %}
        ) dbt_subquery
    {%- endset -%}
    {{- return(filtered) -}}
{%- endmacro %}


{#- The key columns of the batch this run wrote of `relation`, or none. Only an incremental model has
    one, so the others (tables rebuilt whole, views, seeds) are not looked up in the catalog. -#}
{% macro batch_keys(relation) -%}
    {%- if not (execute and relation.identifier) -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set incremental = graph.nodes.values()
        | selectattr('resource_type', 'equalto', 'model')
        | selectattr('alias', 'equalto', relation.identifier)
        | selectattr('config.materialized', 'equalto', 'incremental')
        | list -%}
    {%- if not incremental -%}
        {{- return(none) -}}
    {%- endif -%}
    {%- set found = run_query(
        "select c.column_name from duckdb_tables() as t"
        ~ " inner join duckdb_columns() as c using (database_name, schema_name, table_name)"
        ~ " where t.schema_name = 'dbt_batches' and t.table_name = '" ~ relation.identifier ~ "'"
        ~ " and t.comment = '" ~ invocation_id ~ "' order by c.column_index"
    ) -%}
    {{- return(found.columns[0].values() | list or none) -}}
{%- endmacro %}


{#- The batch schema exists for the whole run (on-run-start), not created by each model's post-hook:
    nodes built at once (threads) would race to create it. -#}
{% macro create_incremental_batches() -%}
    create schema if not exists dbt_batches
{%- endmacro %}


{% macro drop_incremental_batches() -%}
    drop schema if exists dbt_batches cascade
{%- endmacro %}
