-- One row per account: every account that landed (as an account or through its posts) and every
-- watch-list account, with its latest followers count.

with landed as (
    select * from {{ ref('stg_accounts') }}
),

posted as (
    select
        account_uid,
        any_value(platform) as platform,
        any_value(mission_id) as mission_id,
        count(*) as n_posts,
        min(published_at) as first_post_at,
        max(published_at) as last_post_at
    from {{ ref('stg_posts') }}
    group by account_uid
),

watchlist_accounts as (
    select * from {{ ref('mission_accounts') }}
),

all_accounts as (
    select account_uid from landed
    union
    select account_uid from posted
    union
    select watchlist_accounts.account_uid
    from watchlist_accounts
    where not exists (
            select 1
            from landed
            where lower(landed.account_uid) = lower(watchlist_accounts.account_uid)
        )
        and not exists (
            select 1
            from posted
            where lower(posted.account_uid) = lower(watchlist_accounts.account_uid)
        )
),

latest_metrics as (
    select
        account_uid,
        observed_at,
        followers,
        posts_count
    from {{ ref('stg_account_metrics') }}
    where followers is not null
    qualify row_number() over (partition by account_uid order by observed_at desc) = 1
),

final as (
    select
        all_accounts.account_uid,
        coalesce(landed.platform, posted.platform, watchlist_accounts.platform) as platform,
        coalesce(landed.handle, watchlist_accounts.handle, split_part(all_accounts.account_uid, ':', 2)) as handle,
        coalesce(landed.mission_id, posted.mission_id, watchlist_accounts.mission_id) as mission_id,
        landed.display_name,
        landed.account_description,
        landed.account_url,
        watchlist_accounts.account_uid is not null as in_watchlist,
        latest_metrics.followers,
        latest_metrics.posts_count,
        latest_metrics.observed_at as followers_observed_at,
        coalesce(posted.n_posts, 0) as n_posts,
        posted.first_post_at,
        posted.last_post_at
    from all_accounts
    left join landed
        on all_accounts.account_uid = landed.account_uid
    left join posted
        on all_accounts.account_uid = posted.account_uid
    left join watchlist_accounts
        on lower(all_accounts.account_uid) = lower(watchlist_accounts.account_uid)
    left join latest_metrics
        on all_accounts.account_uid = latest_metrics.account_uid
)

select * from final
