-- One row per theme of the taxonomy seed (themes.csv), with how many posts and news items carry it.

with themes as (
    select * from {{ ref('themes') }}
),

text_themes as (
    select * from {{ ref('int_texts_themes') }}
),

texts as (
    select * from {{ ref('int_texts') }}
),

-- one row per text and theme (list_distinct upstream) joined to one text: count(*) counts texts
usage as (
    select
        text_themes.theme_id,
        count(*) filter (where texts.kind = 'post') as n_posts,
        count(*) filter (where texts.kind = 'news') as n_news_items
    from text_themes
    inner join texts
        on text_themes.text_uid = texts.text_uid
    group by text_themes.theme_id
),

final as (
    select
        themes.theme_id,
        nullif(trim(cast(themes.parent_id as varchar)), '') as parent_theme_id,
        themes.label,
        themes.register,
        nullif(trim(cast(themes.event_type as varchar)), '') as event_type,
        themes.description,
        themes.keywords_ru,
        themes.keywords_en,
        themes.keywords_ko,
        coalesce(usage.n_posts, 0) as n_posts,
        coalesce(usage.n_news_items, 0) as n_news_items
    from themes
    left join usage
        on themes.theme_id = usage.theme_id
)

select * from final
