-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_texts_languages.
-- Script-based guess only: Cyrillic = ru, Hangul = ko, Latin letters = en.
with texts as (
    select
        text_uid,
        coalesce(title, '') || ' ' || coalesce(body_text, '') as full_text
    from {{ ref('int_texts') }}
),

flags as (
    select
        text_uid,
        regexp_matches(full_text, '[А-Яа-яЁё]{3,}') as has_ru,
        regexp_matches(full_text, '[A-Za-z]{4,}') as has_en,
        regexp_matches(full_text, '[가-힣]{2,}') as has_ko
    from texts
),

langs as (
    select
        text_uid,
        list_filter(
            [case when has_ru then 'ru' end, case when has_en then 'en' end, case when has_ko then 'ko' end],
            x -> x is not null
        ) as languages
    from flags
),

final as (
    select
        text_uid,
        languages,
        coalesce(languages[1], 'und') as primary_language,
        len(languages) > 1 as is_bilingual
    from langs
)

select * from final
