{{ stg_social_posts('x') }}
