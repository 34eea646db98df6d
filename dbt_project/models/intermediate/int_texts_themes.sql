-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_texts_themes.
-- A few inline keyword patterns; the real model reads the themes seed.
with texts as (
    select
        text_uid,
        lower(coalesce(title, '') || ' ' || coalesce(body_text, '')) as full_text
    from {{ ref('int_texts') }}
),

patterns as (
    select * from (
        values
        ('official_diplomacy', 'reception|delegation|consultation|talks|meeting|приём|прием|делегац|консультац|переговор|встреч'),
        ('security', 'nuclear|sanction|non-proliferation|ядерн|санкц|нераспростран'),
        ('culture', 'concert|music|film|exhibition|концерт|музык|фильм|выставк'),
        ('tradition_holidays', 'chuseok|new year|чхусок|праздник'),
        ('commemoration', 'anniversary|revolution|годовщин|революц'),
        ('sport', 'marathon|football|марафон|футбол'),
        ('education', 'contest|student|school|конкурс|студент|школ'),
        ('economy_trade', 'fair|trade|ярмарк|торгов'),
        ('daily_life', 'food|paektu|пэкту|кухн')
    ) as p (theme_id, pattern)
),

matched as (
    select
        texts.text_uid,
        patterns.theme_id
    from texts
    inner join patterns
        on regexp_matches(texts.full_text, patterns.pattern)
)

select * from matched
