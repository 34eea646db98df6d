-- Every entity id mentioned by a post or a news item is an entity of dim_entities.
with mentioned as (
    select distinct unnest(entity_ids) as entity_id
    from {{ ref('fct_posts') }}
    union
    select distinct unnest(entity_ids) as entity_id
    from {{ ref('fct_news_items') }}
)

select mentioned.entity_id
from mentioned
anti join {{ ref('dim_entities') }} as dim_entities
    on mentioned.entity_id = dim_entities.entity_id
