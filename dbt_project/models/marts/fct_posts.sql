{{
    config(
        materialized='incremental',
        unique_key='post_uid',
        incremental_strategy='delete+insert',
        on_schema_change='append_new_columns',
    )
}}

-- One row per post: latest metrics, engagement normalised by followers at posting time,
-- metrics at fixed ages (24 h, 7 days) where snapshots allow, and the enrichment of its text.
-- Incremental on post_uid: a run recomputes the posts that are new or re-fetched, got new metric
-- snapshots or new followers snapshots of their account around their publication, or whose
-- enrichment, content group or watch-list mission changed; the rest stay as they are.

{%- if is_incremental() %}
    {%- set check_counts = uncounted_rows_up_to(
        incremental_watermark('inputs_fetched_at'),
        ref('fct_post_metrics'), ['post_uid'], 'n_metric_snapshots',
    ) %}
{%- endif %}

with all_posts as not materialized (
    select * from {{ ref('stg_posts') }}
),

{% if is_incremental() %}
    watermark as (
        select coalesce(max(inputs_fetched_at), '1970-01-01'::timestamp) as watermark_at
        from {{ this }}
    ),

    -- per account: the followers snapshot before the first new one; posts after it may get new followers
    new_followers as (
        select
            account_uid,
            min(observed_at) as first_new_observed_at,
        from {{ ref('stg_account_metrics') }}
        where followers is not null
            and fetched_at >= (select watermark.watermark_at from watermark)
        group by account_uid
    ),

    followers_changed_since as (
        select
            new_followers.account_uid,
            coalesce(max(old.observed_at), '1970-01-01'::timestamp) as since,
        from new_followers
        left join {{ ref('stg_account_metrics') }} as old
            on new_followers.account_uid = old.account_uid
                and old.followers is not null
                and new_followers.first_new_observed_at > old.observed_at
        group by new_followers.account_uid
    ),

    -- posts whose enrichment (languages, tags, content group) was built after the enrichment this model
    -- last read (enriched_at), or whose watch-list mission changed; every post once when enriched_at is new
    enrichment_changed as (
        {%- if is_incremental_with('enriched_at') %}
            {{ rebuilt_since_enriched('post_uid', [
                [ref('int_texts_languages'), 'text_uid'],
                [ref('int_texts_tagged'), 'text_uid'],
                [ref('int_posts_content_groups'), 'post_uid'],
            ]) }}
            union
            select all_posts.post_uid
            from all_posts
            left join {{ ref('mission_accounts') }} as mission_accounts
                on lower(all_posts.account_uid) = lower(mission_accounts.account_uid)
            inner join {{ this }} as existing
                on all_posts.post_uid = existing.post_uid
            where coalesce(all_posts.mission_id, mission_accounts.mission_id) is distinct from existing.mission_id
        {%- else %}
            select post_uid from all_posts
        {%- endif %}
    ),

    -- rows of the last fetch time (a large load shares one) count only when new (posts) or when
    -- they change the post's number of snapshots (metrics; compared only when some are not counted)
    changed as materialized (
        select post_uid from all_posts
        where fetched_at > (select watermark.watermark_at from watermark)
        union
        select all_posts.post_uid from all_posts
        anti join {{ this }} as existing
            on all_posts.post_uid = existing.post_uid
        where all_posts.fetched_at = (select watermark.watermark_at from watermark)
        union
        select post_uid from {{ ref('fct_post_metrics') }}
        where fetched_at > (select watermark.watermark_at from watermark)
        {%- if check_counts %}
            union
            select metrics.post_uid
            from {{ ref('fct_post_metrics') }} as metrics
            group by metrics.post_uid
            having max(metrics.fetched_at) = (select watermark.watermark_at from watermark)
                and (metrics.post_uid, count(*)) not in (
                    select (existing.post_uid, existing.n_metric_snapshots) from {{ this }} as existing
                )
        {%- endif %}
        union
        select all_posts.post_uid
        from all_posts
        inner join followers_changed_since
            on all_posts.account_uid = followers_changed_since.account_uid
                and all_posts.published_at > followers_changed_since.since
        union
        select post_uid from enrichment_changed
    ),
{% endif %}

posts as (
    {{ rows_of_changed_keys('all_posts', 'post_uid') }}
),

metrics as (
    {{ rows_of_changed_keys(ref('fct_post_metrics'), 'post_uid') }}
),

tags as (
    {{ rows_of_changed_keys(ref('int_texts_tagged'), 'text_uid', 'post_uid') }}
),

languages as (
    {{ rows_of_changed_keys(ref('int_texts_languages'), 'text_uid', 'post_uid') }}
),

content_groups as (
    {{ rows_of_changed_keys(ref('int_posts_content_groups'), 'post_uid') }}
),

followers as (
    select
        account_uid,
        observed_at,
        followers
    from {{ ref('stg_account_metrics') }}
    where followers is not null
),

watchlist_accounts as (
    select * from {{ ref('mission_accounts') }}
),

latest_metrics as (
    select
        post_uid,
        observed_at,
        likes,
        reactions_total,
        shares,
        comments,
        views,
        engagement,
        count(*) over (partition by post_uid) as n_snapshots,
        min(observed_at) over (partition by post_uid) as first_observed_at,
        max(fetched_at) over (partition by post_uid) as last_fetched_at
    from metrics
    qualify row_number() over (partition by post_uid order by observed_at desc) = 1
),

followers_before as (
    select
        posts.post_uid,
        followers.followers,
        followers.observed_at
    from posts
    asof inner join followers
        on posts.account_uid = followers.account_uid
            and posts.published_at >= followers.observed_at
),

followers_after as (
    select
        posts.post_uid,
        followers.followers,
        followers.observed_at
    from posts
    asof inner join followers
        on posts.account_uid = followers.account_uid
            and posts.published_at <= followers.observed_at
),

ages as (
    select
        '24h' as age,
        24 as age_hours,
        {{ var('metrics_age_24h_tolerance_hours') }} as tolerance_hours
    union all
    select
        '7d' as age,
        168 as age_hours,
        {{ var('metrics_age_7d_tolerance_hours') }} as tolerance_hours
),

at_age as (
    select
        posts.post_uid,
        ages.age,
        metrics.observed_at,
        metrics.views,
        metrics.engagement
    from posts
    cross join ages
    inner join metrics
        on posts.post_uid = metrics.post_uid
            and abs(
                date_diff('second', posts.published_at + to_hours(ages.age_hours), metrics.observed_at)
            ) <= ages.tolerance_hours * 3600
    qualify row_number() over (
            partition by posts.post_uid, ages.age
            order by
                abs(date_diff('second', posts.published_at + to_hours(ages.age_hours), metrics.observed_at)),
                metrics.observed_at
        ) = 1
),

-- themes, register and entities straight from the tags (int_texts_themes/_entities/_register unnest
-- the same lists for analysts)
tagged as (
    select
        text_uid,
        list_sort(list_distinct(theme_ids)) as themes,
        register,
        built_at
    from tags
),

entities as (
    {{ entities_of_tags('tags') }}
),

final as (
    select
        posts.post_uid,
        posts.platform,
        posts.account_uid,
        coalesce(posts.mission_id, watchlist_accounts.mission_id) as mission_id,
        posts.native_id,
        posts.published_at,
        cast(posts.published_at as date) as published_date,
        cast(date_trunc('month', posts.published_at) as date) as published_month,
        posts.post_url,
        posts.post_text,
        posts.media_count,
        content_groups.content_group,
        posts.reply_to is not null as is_reply,
        posts.forwarded_from is not null or posts.repost_of is not null as is_share,
        posts.source_format,
        latest_metrics.observed_at as metrics_observed_at,
        coalesce(latest_metrics.n_snapshots, 0) as n_metric_snapshots,
        latest_metrics.likes,
        latest_metrics.reactions_total,
        latest_metrics.shares,
        latest_metrics.comments,
        latest_metrics.views,
        latest_metrics.engagement,
        coalesce(followers_before.followers, followers_after.followers) as followers_at_posting,
        coalesce(followers_before.observed_at, followers_after.observed_at) as followers_observed_at,
        round(
            1000.0 * latest_metrics.engagement
            / nullif(coalesce(followers_before.followers, followers_after.followers), 0),
            4
        ) as engagement_per_1k_followers,
        at_24h.engagement as engagement_24h,
        at_24h.views as views_24h,
        at_24h.observed_at as metrics_24h_observed_at,
        at_7d.engagement as engagement_7d,
        at_7d.views as views_7d,
        at_7d.observed_at as metrics_7d_observed_at,
        round(
            1000.0 * at_24h.engagement / nullif(coalesce(followers_before.followers, followers_after.followers), 0),
            4
        ) as engagement_24h_per_1k_followers,
        coalesce(languages.languages, []::varchar[]) as languages,
        coalesce(languages.primary_language, 'und') as primary_language,
        coalesce(languages.is_bilingual, false) as is_bilingual,
        coalesce(tagged.themes, []::varchar[]) as themes,
        coalesce(tagged.register, 'none') as register,
        coalesce(entities.entity_ids, []::varchar[]) as entity_ids,
        coalesce(entities.entities, []::varchar[]) as entities,
        posts.fetched_at,
        greatest(posts.fetched_at, latest_metrics.last_fetched_at) as inputs_fetched_at,
        greatest(languages.built_at, tagged.built_at, content_groups.built_at) as enriched_at
    from posts
    left join watchlist_accounts
        on lower(posts.account_uid) = lower(watchlist_accounts.account_uid)
    left join latest_metrics
        on posts.post_uid = latest_metrics.post_uid
    left join followers_before
        on posts.post_uid = followers_before.post_uid
    left join followers_after
        on posts.post_uid = followers_after.post_uid
    left join at_age as at_24h
        on posts.post_uid = at_24h.post_uid
            and at_24h.age = '24h'
    left join at_age as at_7d
        on posts.post_uid = at_7d.post_uid
            and at_7d.age = '7d'
    left join languages
        on posts.post_uid = languages.text_uid
    left join entities
        on posts.post_uid = entities.text_uid
    left join content_groups
        on posts.post_uid = content_groups.post_uid
    left join tagged
        on posts.post_uid = tagged.text_uid
)

select * from final
