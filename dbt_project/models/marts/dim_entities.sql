-- One row per person, place or organisation of the gazetteer seed (entities.csv), with its
-- spellings and how often it is mentioned.

with entities as (
    select * from {{ ref('entities') }}
),

text_entities as (
    select * from {{ ref('int_texts_entities') }}
),

texts as (
    select * from {{ ref('int_texts') }}
),

-- one row per text and entity (list_distinct upstream) joined to one text: count(*) counts texts
usage as (
    select
        text_entities.entity_id,
        count(*) filter (where texts.kind = 'post') as n_posts,
        count(*) filter (where texts.kind = 'news') as n_news_items,
        min(texts.published_at) as first_mentioned_at,
        max(texts.published_at) as last_mentioned_at
    from text_entities
    inner join texts
        on text_entities.text_uid = texts.text_uid
    group by text_entities.entity_id
),

final as (
    select
        entities.entity_id,
        entities.canonical_name,
        entities.type as entity_type,
        coalesce(
            string_split_regex(nullif(trim(cast(entities.aliases as varchar)), ''), '\s*\|\s*'),
            []::varchar[]
        ) as aliases,
        nullif(trim(cast(entities.mission_id as varchar)), '') as mission_id,
        coalesce(
            lower(nullif(trim(cast(entities.event_key as varchar)), '')) in ('true', '1', 'yes', 'y', 't'),
            true
        ) as is_event_key,
        coalesce(usage.n_posts, 0) as n_posts,
        coalesce(usage.n_news_items, 0) as n_news_items,
        usage.first_mentioned_at,
        usage.last_mentioned_at
    from entities
    left join usage
        on entities.entity_id = usage.entity_id
)

select * from final
