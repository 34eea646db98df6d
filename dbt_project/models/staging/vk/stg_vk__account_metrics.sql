{{ stg_social_account_metrics('vk') }}
