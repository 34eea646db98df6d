{{ stg_social_posts('vk') }}
