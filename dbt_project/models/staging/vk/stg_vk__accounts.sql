{{ stg_social_accounts('vk') }}
