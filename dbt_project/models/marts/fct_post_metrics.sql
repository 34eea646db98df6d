{{
    config(
        materialized='incremental',
        unique_key=['post_uid', 'observed_at'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- One row per engagement snapshot. Incremental on fetched_at: a run reads only the snapshots
-- fetched since the last build, and those of the last fetch time not in the model yet (after_watermark).

with snapshots as (
    select * from {{ ref('stg_post_metrics') }}
    where {{ after_watermark('fetched_at', ['post_uid', 'observed_at'], source=ref('stg_post_metrics')) }}
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
-- observed_at order, as in stg_post_metrics: incremental runs skip old snapshots by row-group min/max
order by observed_at
