-- Register of each text (people_centred | official | mixed | none), derived from its themes
-- through the register column of seeds/themes.csv (diplowatch.enrich.themes.derive_register).
with tagged as (
    select
        text_uid,
        register,
    from {{ ref('int_texts_tagged') }}
)

select * from tagged
