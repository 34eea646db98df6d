-- A table, not a view: several models and tests read it (a view re-scans and re-dedupes the landing).
{{ config(materialized='table') }}
with source as (
    select * from {{ source('landing', 'news_items') }}
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
        dt as landing_date
    from source
),

deduped as (
    select * from renamed
    qualify row_number() over (
            partition by item_uid
            order by fetched_at desc, run_id desc
        ) = 1
)

select * from deduped
