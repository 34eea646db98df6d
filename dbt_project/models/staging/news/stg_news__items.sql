{{
    config(
        materialized='incremental',
        unique_key='item_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
-- A table, not a view: several models and tests read it (a view re-scans and re-dedupes the landing).
-- Incremental: a run reads only the landing files not loaded yet (macro landing_since), and merges
-- their rows with the rows already here for the same item_uid (the newest fetch wins, as on a full build).
{%- set since = landing_since('news_items') %}
with source as (
    select * from {{ landing_source('news_items', since) }}
    where true{{ landing_since_filter(since) }}
),

renamed as (
    select
        item_uid,
        url as item_url,
        canonical_url,
        nullif(trim(title), '') as title,
        nullif(trim(summary), '') as summary,
        nullif(trim(body), '') as body,
        published_at at time zone 'UTC' as published_at,
        seen_at at time zone 'UTC' as seen_at,
        lower(source_domain) as source_domain,
        source_name,
        lower(language) as language_hint,
        found_via,
        feed_or_query,
        authors,
        source_format,
        raw_ref,
        run_id,
        fetched_at at time zone 'UTC' as fetched_at,
        dt as landing_date,
        filename as landing_file
    from source
),

{% if is_incremental() %}
    merged as (
        select * from renamed
        union all by name
        select existing.*
        from {{ this }} as existing
        semi join renamed
            using (item_uid)
    ),
{% else %}
    merged as (
        select * from renamed
    ),
{% endif %}

deduped as (
    select * from merged
    qualify row_number() over (
            partition by item_uid
            order by fetched_at desc, run_id desc, landing_file desc
        ) = 1
)

-- columns: those of renamed (merged by name with the rows already in this model)
select * from deduped  -- noqa: AM04
