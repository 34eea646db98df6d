{{
    config(
        materialized='incremental',
        unique_key='item_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- One row per distinct article (item_uid = hash of the canonical URL): language, entities,
-- themes, whether it is about a watched mission and whether it cites the mission's own posts.
-- Incremental on item_uid: a run recomputes the items fetched since the last build and those whose
-- enrichment (language, themes, entities, relevance) changed; the rest stay as they are.

with all_items as not materialized (
    select * from {{ ref('stg_news__items') }}
),

{% if is_incremental() %}
    -- items whose enrichment (languages, tags, relevance) was built after the enrichment this model last
    -- read (enriched_at); every item once when enriched_at is new
    enrichment_changed as (
        {%- if is_incremental_with('enriched_at') %}
            {{ rebuilt_since_enriched('item_uid', [
                [ref('int_texts_languages'), 'text_uid'],
                [ref('int_texts_tagged'), 'text_uid'],
                [ref('int_news_relevance'), 'item_uid'],
            ]) }}
        {%- else %}
            select item_uid from all_items
        {%- endif %}
    ),

    changed as materialized (
        select item_uid from all_items
        where {{ after_watermark('fetched_at', ['item_uid'], source=ref('stg_news__items')) }}
        union
        select item_uid from enrichment_changed
    ),
{% endif %}

items as (
    {{ rows_of_changed_keys('all_items', 'item_uid') }}
),

tags as (
    {{ rows_of_changed_keys(ref('int_texts_tagged'), 'text_uid', 'item_uid') }}
),

relevance as (
    {{ rows_of_changed_keys(ref('int_news_relevance'), 'item_uid') }}
),

languages as (
    {{ rows_of_changed_keys(ref('int_texts_languages'), 'text_uid', 'item_uid') }}
),

-- themes and entities straight from the tags, as in fct_posts
tagged as (
    select
        text_uid,
        list_sort(list_distinct(theme_ids)) as themes,
        built_at
    from tags
),

entities as (
    {{ entities_of_tags('tags') }}
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
        coalesce(tagged.themes, []::varchar[]) as themes,
        coalesce(entities.entity_ids, []::varchar[]) as entity_ids,
        coalesce(entities.entities, []::varchar[]) as entities,
        coalesce(relevance.mentions_watchlist, false) as mentions_watchlist,
        coalesce(relevance.cites_mission_posts, false) as cites_mission_posts,
        coalesce(relevance.matched_missions, []::varchar[]) as matched_missions,
        md5(
            regexp_replace(lower(coalesce(items.title, items.canonical_url)), '[^[:alnum:]]+', '', 'g')
        ) as story_id,
        items.fetched_at,
        greatest(languages.built_at, tagged.built_at, relevance.built_at) as enriched_at
    from items
    left join relevance
        on items.item_uid = relevance.item_uid
    left join languages
        on items.item_uid = languages.text_uid
    left join entities
        on items.item_uid = entities.text_uid
    left join tagged
        on items.item_uid = tagged.text_uid
)

select * from final
