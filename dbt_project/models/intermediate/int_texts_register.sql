-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_texts_register.
with themes as (
    select
        text_uid,
        bool_or(theme_id in ('official_diplomacy', 'security', 'commemoration', 'information')) as has_official,
        bool_or(
            theme_id in ('culture', 'tradition_holidays', 'sport', 'education', 'daily_life', 'economy_trade')
        ) as has_people
    from {{ ref('int_texts_themes') }}
    group by text_uid
),

final as (
    select
        texts.text_uid,
        case
            when themes.has_official and themes.has_people then 'mixed'
            when themes.has_people then 'people_centred'
            when themes.has_official then 'official'
            else 'none'
        end as register
    from {{ ref('int_texts') }} as texts
    left join themes
        on texts.text_uid = themes.text_uid
)

select * from final
