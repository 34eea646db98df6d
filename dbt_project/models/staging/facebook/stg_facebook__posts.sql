{{ stg_social_posts('facebook') }}
