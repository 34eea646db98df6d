{{ stg_social_accounts('x') }}
