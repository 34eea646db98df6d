-- Which texts (posts, news items) belong to which event.
-- A view: the columns of int_event_clusters, not a second copy of its rows to write on every build.
{{ config(materialized='view') }}

with clusters as (
    select
        event_id,
        text_uid,
        kind,
        built_at,
    from {{ ref('int_event_clusters') }}
)

select * from clusters
