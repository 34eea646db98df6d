{{ stg_social_post_metrics('facebook') }}
