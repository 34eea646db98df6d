{{ stg_social_posts('instagram') }}
