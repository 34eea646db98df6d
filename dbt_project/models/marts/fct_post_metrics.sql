{{
    config(
        materialized='incremental',
        unique_key=['post_uid', 'observed_at'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- One row per engagement snapshot. Incremental on fetched_at: a run reads only the snapshots
-- fetched since the last build (the boundary is re-read and replaced, never duplicated).

with snapshots as (
    select * from {{ ref('stg_post_metrics') }}
    where fetched_at >= {{ incremental_watermark('fetched_at') }}
),

final as (
    select
        post_uid,
        observed_at,
        cast(observed_at as date) as observed_date,
        platform,
        account_uid,
        likes,
        reactions_total,
        reactions,
        shares,
        comments,
        views,
        {{ engagement('likes', 'reactions_total', 'shares', 'comments') }} as engagement,
        source_format,
        run_id,
        fetched_at
    from snapshots
)

select * from final
