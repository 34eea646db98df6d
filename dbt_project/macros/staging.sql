{#- Staging models of the social platforms share one shape per landing entity: these macros
    rename, cast (timestamps to naive UTC) and dedupe re-fetched rows, and nothing else. Posts and
    metrics keep the file they were read from (landing_file), which also breaks ties of fetched_at and
    run_id (one run can land a post from two files), so a build and a rebuild pick the same row.
    Each stg_<platform>__<entity> model is one call, filtered on its hive partition. -#}

{% macro utc(column) -%}
    ({{ column }} at time zone 'UTC')
{%- endmacro %}


{% macro stg_social_posts(platform, since=none) -%}
with source as (
    select * from {{ landing_source('posts', since) }}
    where platform = '{{ platform }}'{{ landing_since_filter(since) }}
),

renamed as (
    select
        post_uid,
        platform,
        account_uid,
        native_id,
        mission_id,
        {{ utc('published_at') }} as published_at,
        nullif(trim(text), '') as post_text,
        text_raw as post_text_raw,
        url as post_url,
        media,
        coalesce(len(media), 0) as media_count,
        reply_to,
        forwarded_from,
        repost_of,
        lang_hint,
        author,
        {{ utc('edited_at') }} as edited_at,
        source_format,
        raw_ref,
        run_id,
        {{ utc('fetched_at') }} as fetched_at,
        dt as landing_date,
        filename as landing_file
    from source
),

deduped as (
    select * from renamed
    qualify row_number() over (
        partition by post_uid
        order by fetched_at desc, run_id desc, landing_file desc
    ) = 1
)

select * from deduped
{%- endmacro %}


{% macro stg_social_post_metrics(platform, since=none) -%}
with source as (
    select * from {{ landing_source('post_metrics', since) }}
    where platform = '{{ platform }}'{{ landing_since_filter(since) }}
),

renamed as (
    select
        post_uid,
        platform,
        account_uid,
        {{ utc('observed_at') }} as observed_at,
        likes,
        reactions_total,
        reactions,
        shares,
        comments,
        views,
        views_raw,
        source_format,
        raw_ref,
        run_id,
        {{ utc('fetched_at') }} as fetched_at,
        dt as landing_date,
        filename as landing_file
    from source
),

deduped as (
    select * from renamed
    qualify row_number() over (
        partition by post_uid, observed_at
        order by fetched_at desc, run_id desc, landing_file desc
    ) = 1
)

select * from deduped
{%- endmacro %}


{% macro stg_social_accounts(platform) -%}
with source as (
    select * from {{ source('landing', 'accounts') }}
    where platform = '{{ platform }}'
),

renamed as (
    select
        account_uid,
        platform,
        mission_id,
        handle,
        native_id,
        nullif(trim(display_name), '') as display_name,
        nullif(trim(description), '') as account_description,
        url as account_url,
        source_format,
        raw_ref,
        run_id,
        {{ utc('fetched_at') }} as fetched_at,
        dt as landing_date
    from source
),

{#- One row an account: each attribute from the latest record that has it, records from
    platforms and exports before generic imports (which often carry only the handle). -#}
{%- set order = "order by source_format = 'import', fetched_at desc, run_id desc, raw_ref desc" %}
deduped as (
    select
        account_uid,
        first(platform {{ order }}) as platform,
        first(mission_id {{ order }}) filter (where mission_id is not null) as mission_id,
        first(handle {{ order }}) as handle,
        first(native_id {{ order }}) filter (where native_id is not null) as native_id,
        first(display_name {{ order }}) filter (where display_name is not null) as display_name,
        first(account_description {{ order }}) filter (
            where account_description is not null
        ) as account_description,
        first(account_url {{ order }}) filter (where account_url is not null) as account_url,
        first(source_format {{ order }}) as source_format,
        first(raw_ref {{ order }}) as raw_ref,
        first(run_id {{ order }}) as run_id,
        max(fetched_at) as fetched_at,
        max(landing_date) as landing_date
    from renamed
    group by account_uid
)

select * from deduped
{%- endmacro %}


{% macro stg_social_account_metrics(platform) -%}
with source as (
    select * from {{ source('landing', 'account_metrics') }}
    where platform = '{{ platform }}'
),

renamed as (
    select
        account_uid,
        platform,
        {{ utc('observed_at') }} as observed_at,
        followers,
        followers_raw,
        posts_count,
        source_format,
        raw_ref,
        run_id,
        {{ utc('fetched_at') }} as fetched_at,
        dt as landing_date
    from source
),

deduped as (
    select * from renamed
    qualify row_number() over (
        partition by account_uid, observed_at
        order by fetched_at desc, run_id desc
    ) = 1
)

select * from deduped
{%- endmacro %}


{#- The union of one entity's per-platform staging models (stg_posts, stg_post_metrics, ...). -#}
{% macro union_platforms(entity) -%}
{%- for platform in var('social_platforms') %}
select * from {{ ref('stg_' ~ platform ~ '__' ~ entity) }}
{%- if not loop.last %}
union all by name
{%- endif %}
{%- endfor %}
{%- endmacro %}


{#- Incremental staging: what a run reads of the landing. On a full build: none (the whole source).
    On an incremental run (of a model that has its landing_file column), computed at compile time: `since`, the latest fetched_at already in the model
    (naive UTC), and `files`, the landing files of the entity not yet in the model (its landing_file
    column), always with the entity's empty typed _schema.parquet so the column set stays whole.
    The read is filtered on fetched_at >= since: a file holds one fetch, so Parquet row-group statistics
    skip old files (e.g. ones whose rows were all superseded) unread, and a file of the same fetch time
    landed after the last run is still read. Re-reading a row is harmless: it is deduped again.
    As with every fetched_at watermark here, a file landed late with a fetch time before the
    watermark is not read by an incremental run (a --full-refresh reads it). -#}
{% macro landing_since(entity) -%}
    {#- a model built before landing_file existed reads the whole source once (the column is then appended) -#}
    {%- set columns = [] -%}
    {%- if is_incremental() and execute -%}
        {%- set columns = adapter.get_columns_in_relation(this) | map(attribute='name') | list -%}
    {%- endif -%}
    {%- if 'landing_file' in columns -%}
        {%- set pattern = env_var('DIPLOWATCH_HOME') ~ '/lake/landing/' ~ entity ~ '/*/*/*.parquet' -%}
        {%- set since_result = run_query('select max(fetched_at) from ' ~ this) -%}
        {%- set since = since_result.columns[0].values()[0] -%}
        {%- if since is not none -%}
            {%- set files_result = run_query(
                "select file from glob('" ~ pattern ~ "') where file not in ("
                ~ "select distinct landing_file from " ~ this ~ " where landing_file is not null"
                ~ ") or file like '%/platform=_none/dt=1970-01-01/_schema.parquet' order by file"
            ) -%}
            {{- return({
                'since': since.strftime('%Y-%m-%d %H:%M:%S.%f'),
                'files': files_result.columns[0].values() | list,
            }) -}}
        {%- endif -%}
    {%- endif -%}
    {{- return(none) -}}
{%- endmacro %}


{#- The landing relation of an entity: the source on a full build, else only the files to read. -#}
{% macro landing_source(entity, since) -%}
    {%- if since is none -%}
        {{ source('landing', entity) }}
    {%- else -%}
        read_parquet(
            [{%- for file in since['files'] %}'{{ file }}'{%- if not loop.last %}, {% endif %}{%- endfor %}],
            hive_partitioning = true,
            union_by_name = true,
            filename = true
        )
    {%- endif -%}
{%- endmacro %}


{% macro landing_since_filter(since) -%}
    {%- if since is not none %}
        and fetched_at >= '{{ since['since'] }}+00'::timestamptz
    {%- endif -%}
{%- endmacro %}


{#- An incremental union of one entity's platforms: only files landed since `since`, merged with the
    rows already in the model for the same keys, deduped exactly as the per-platform models do. -#}
{% macro incremental_union_platforms(entity, keys, since) -%}
with new_rows as (
{%- for platform in var('social_platforms') %}
    {%- if entity == 'posts' %}
    select * from ({{ stg_social_posts(platform, since) }})
    {%- else %}
    select * from ({{ stg_social_post_metrics(platform, since) }})
    {%- endif %}
{%- if not loop.last %}
    union all by name
{%- endif %}
{%- endfor %}
),

existing as (
    select existing.*
    from {{ this }} as existing
    semi join new_rows
        using ({{ keys | join(', ') }})
),

unioned as (
    select * from new_rows
    union all by name
    select * from existing
),

deduped as (
    select * from unioned
    qualify row_number() over (
        partition by {{ keys | join(', ') }}
        order by fetched_at desc, run_id desc, landing_file desc
    ) = 1
)

select * from deduped
{%- endmacro %}
