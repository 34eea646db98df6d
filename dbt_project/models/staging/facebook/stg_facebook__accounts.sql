{{ stg_social_accounts('facebook') }}
