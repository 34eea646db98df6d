-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_news_relevance.
with news as (
    select
        item_uid,
        lower(coalesce(title, '') || ' ' || coalesce(summary, '') || ' ' || coalesce(body, '')) as full_text
    from {{ ref('stg_news__items') }}
),

flags as (
    select
        item_uid,
        regexp_matches(full_text, 'russian embassy|посольств[а-я]* росси|matsegora|мацегор') as mentions_watchlist,
        regexp_matches(full_text, '(facebook|telegram|twitter|vk)[a-z-]* (page|channel|account)|в своём telegram')
            as cites_mission_posts
    from news
),

final as (
    select
        item_uid,
        mentions_watchlist,
        cites_mission_posts,
        case when mentions_watchlist then ['ru_emb_dprk'] else [] end::varchar[] as matched_missions
    from flags
)

select * from final
