{{
    config(
        materialized='incremental',
        unique_key=['post_uid', 'metric_date'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- One row per post and day: the day's last snapshot. Incremental: only the (post, day) pairs
-- that received snapshots fetched since the last build are recomputed.
{%- set snapshots = ref('fct_post_metrics') %}
{%- set check_counts = uncounted_rows_up_to(
    incremental_watermark('fetched_at'), snapshots, ['post_uid', 'observed_date'], 'n_snapshots',
    model_keys=['post_uid', 'metric_date'],
) %}

with snapshots as not materialized (
    select * from {{ snapshots }}
),

-- (post, day) pairs to (re)compute: all of them on a full build, else those with new snapshots.
-- Pairs whose snapshots all have the last fetch time (a large load shares one) count as changed only
-- when they are new or their number of snapshots changed (compared only when some are not counted).
changed as (
    select distinct
        post_uid,
        observed_date
    from snapshots
    where fetched_at > {{ incremental_watermark('fetched_at') }}
    {%- if check_counts %}
        union
        select
            post_uid,
            observed_date
        from snapshots
        group by post_uid, observed_date
        having max(fetched_at) = {{ incremental_watermark('fetched_at') }}
            and (post_uid, observed_date, count(*)) not in (
                select (existing.post_uid, existing.metric_date, existing.n_snapshots) from {{ this }} as existing
            )
    {%- endif %}
),

scoped as (
    select snapshots.*
    from snapshots
    semi join changed
        on snapshots.post_uid = changed.post_uid
            and snapshots.observed_date = changed.observed_date
),

last_of_day as (
    select
        *,
        count(*) over (partition by post_uid, observed_date) as n_snapshots,
        max(fetched_at) over (partition by post_uid, observed_date) as last_fetched_at
    from scoped
    qualify row_number() over (partition by post_uid, observed_date order by observed_at desc) = 1
),

final as (
    select
        post_uid,
        observed_date as metric_date,
        platform,
        account_uid,
        observed_at,
        likes,
        reactions_total,
        shares,
        comments,
        views,
        engagement,
        n_snapshots,
        last_fetched_at as fetched_at
    from last_of_day
)

select * from final
-- day order, as in stg_post_metrics: incremental runs skip old days by row-group min/max
order by metric_date
