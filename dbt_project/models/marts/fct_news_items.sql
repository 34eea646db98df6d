-- One row per distinct article (item_uid = hash of the canonical URL): language, entities,
-- themes, whether it is about a watched mission and whether it cites the mission's own posts.

with items as (
    select * from {{ ref('stg_news__items') }}
),

relevance as (
    select * from {{ ref('int_news_relevance') }}
),

languages as (
    select * from {{ ref('int_texts_languages') }}
),

themes as (
    select
        text_uid,
        list_sort(list(distinct theme_id)) as themes
    from {{ ref('int_texts_themes') }}
    group by text_uid
),

entities as (
    select
        text_uid,
        list_sort(list(distinct entity_id)) as entity_ids,
        list_sort(list(distinct canonical_name)) as entities
    from {{ ref('int_texts_entities') }}
    group by text_uid
),

final as (
    select
        items.item_uid,
        items.canonical_url,
        items.item_url,
        items.source_domain,
        items.source_name,
        items.title,
        items.published_at,
        cast(items.published_at as date) as published_date,
        items.found_via,
        items.feed_or_query,
        items.body is not null as has_body,
        coalesce(languages.primary_language, items.language_hint, 'und') as language,
        coalesce(languages.languages, []::varchar[]) as languages,
        coalesce(themes.themes, []::varchar[]) as themes,
        coalesce(entities.entity_ids, []::varchar[]) as entity_ids,
        coalesce(entities.entities, []::varchar[]) as entities,
        coalesce(relevance.mentions_watchlist, false) as mentions_watchlist,
        coalesce(relevance.cites_mission_posts, false) as cites_mission_posts,
        coalesce(relevance.matched_missions, []::varchar[]) as matched_missions,
        md5(
            regexp_replace(lower(coalesce(items.title, items.canonical_url)), '[^[:alnum:]]+', '', 'g')
        ) as story_id,
        items.fetched_at
    from items
    left join relevance
        on items.item_uid = relevance.item_uid
    left join languages
        on items.item_uid = languages.text_uid
    left join themes
        on items.item_uid = themes.text_uid
    left join entities
        on items.item_uid = entities.text_uid
)

select * from final
