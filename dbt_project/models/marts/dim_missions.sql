-- One row per mission of the watch-list (seed missions.csv, generated from watchlist.yaml).

with missions as (
    select * from {{ ref('missions') }}
),

watchlist_accounts as (
    select
        mission_id,
        count(*) as n_watchlist_accounts,
        list_sort(list(distinct platform)) as platforms
    from {{ ref('mission_accounts') }}
    where enabled
    group by mission_id
),

final as (
    select
        missions.mission_id,
        missions.mission_name,
        missions.country,
        missions.host_country,
        missions.city,
        coalesce(string_split(nullif(missions.aliases, ''), '|'), []::varchar[]) as aliases,
        coalesce(watchlist_accounts.n_watchlist_accounts, 0) as n_watchlist_accounts,
        coalesce(watchlist_accounts.platforms, []::varchar[]) as platforms
    from missions
    left join watchlist_accounts
        on missions.mission_id = watchlist_accounts.mission_id
)

select * from final
