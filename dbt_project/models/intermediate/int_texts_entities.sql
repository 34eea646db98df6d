-- PLACEHOLDER written by the dbt/marts helper until the enrichment helper delivers int_texts_entities.
-- A tiny inline gazetteer; the real model reads the entities seed.
with texts as (
    select
        text_uid,
        lower(coalesce(title, '') || ' ' || coalesce(body_text, '')) as full_text
    from {{ ref('int_texts') }}
),

gazetteer as (
    select * from (
        values
        ('choe_son_hui', 'person', 'Choe Son Hui', 'cho[ei] son hui|чхве сон хи|최선희'),
        ('alexander_matsegora', 'person', 'Alexander Matsegora', 'matsegora|мацегор|마체고라'),
        ('pyongyang', 'place', 'Pyongyang', 'pyongyang|пхеньян|평양'),
        ('moscow', 'place', 'Moscow', 'moscow|москв|모스크바'),
        ('mount_paektu', 'place', 'Mount Paektu', 'paektu|пэктусан|пэкту|백두')
    ) as g (entity_id, entity_type, canonical_name, pattern)
),

matched as (
    select
        texts.text_uid,
        gazetteer.entity_id,
        gazetteer.entity_type,
        gazetteer.canonical_name
    from texts
    inner join gazetteer
        on regexp_matches(texts.full_text, gazetteer.pattern)
)

select * from matched
