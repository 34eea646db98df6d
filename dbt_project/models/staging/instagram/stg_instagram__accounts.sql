{{ stg_social_accounts('instagram') }}
