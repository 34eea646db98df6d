-- Every theme id carried by a post or a monthly aggregate is a theme of dim_themes.
with post_themes as (
    select distinct unnest(themes) as theme_id
    from {{ ref('fct_posts') }}
),

agg_themes as (
    select distinct theme_id
    from {{ ref('agg_monthly_engagement') }}
    where theme_id != 'unclassified'
),

all_themes as (
    select theme_id from post_themes
    union
    select theme_id from agg_themes
)

select all_themes.theme_id
from all_themes
anti join {{ ref('dim_themes') }} as dim_themes
    on all_themes.theme_id = dim_themes.theme_id
