{{ stg_social_posts('telegram') }}
