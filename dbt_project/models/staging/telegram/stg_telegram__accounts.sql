{{ stg_social_accounts('telegram') }}
