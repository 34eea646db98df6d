-- Which texts (posts, news items) belong to which event.
with clusters as (
    select
        event_id,
        text_uid,
        kind,
    from {{ ref('int_event_clusters') }}
)

select * from clusters
