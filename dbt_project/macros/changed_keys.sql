{#- Helpers of the marts that recompute only the keys a run changed (fct_posts, fct_news_items):
    the model builds a CTE `changed` of those keys when incremental; these read an input through it. -#}

{#- The rows of `relation` whose `key` is in the model's `changed` CTE (column `changed_key`, the same
    name by default); every row on a full build. -#}
{% macro rows_of_changed_keys(relation, key, changed_key=none) -%}
    {%- if is_incremental() -%}
        select input.*
        from {{ relation }} as input
        semi join changed
            on input.{{ key }} = changed.{{ changed_key or key }}
    {%- else -%}
        select * from {{ relation }}
    {%- endif -%}
{%- endmacro %}


{#- Per text_uid of `tags` (rows of int_texts_tagged): its sorted entity ids and canonical names; an
    entity id not in the gazetteer seed is dropped, as int_texts_entities drops it. -#}
{% macro entities_of_tags(tags) -%}
    select
        text_entities.text_uid,
        list_sort(list(distinct gazetteer.entity_id)) as entity_ids,
        list_sort(list(distinct gazetteer.canonical_name)) as entities
    from (
        select
            text_uid,
            unnest(entity_ids) as entity_id
        from {{ tags }}
    ) as text_entities
    inner join {{ ref('entities') }} as gazetteer
        on text_entities.entity_id = gazetteer.entity_id
    group by text_entities.text_uid
{%- endmacro %}
