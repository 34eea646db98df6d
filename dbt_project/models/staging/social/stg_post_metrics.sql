{{
    config(
        materialized='incremental',
        unique_key=['post_uid', 'observed_at'],
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}
-- All social platforms in one relation: the union of the stg_<platform>__post_metrics models.
-- A table, not a view: several models and tests read it (a view re-scans and re-dedupes the landing).
-- Incremental: a run reads only the landing files not loaded yet (macro landing_since), and merges
-- their rows with the rows already here for the same keys (the newest fetch wins, as on a full build).
-- Stored in observed_at order, as snapshots arrive: the row groups' min/max of observed_at and
-- fetched_at then let an incremental run's joins and filters skip the old snapshots unread.
-- the columns are those of the platform models
select *  -- noqa: AM04
from (
    {% if is_incremental() %}
        {{ incremental_union_platforms('post_metrics', ['post_uid', 'observed_at'], landing_since('post_metrics')) }}
    {% else %}
        {{ union_platforms('post_metrics') }}
    {% endif %}
)
order by observed_at
