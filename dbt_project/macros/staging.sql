{#- Staging models of the social platforms share one shape per landing entity: these macros
    rename, cast (timestamps to naive UTC) and dedupe re-fetched rows, and nothing else.
    Each stg_<platform>__<entity> model is one call, filtered on its hive partition. -#}

{% macro utc(column) -%}
    ({{ column }} at time zone 'UTC')
{%- endmacro %}


{% macro stg_social_posts(platform) -%}
with source as (
    select * from {{ source('landing', 'posts') }}
    where platform = '{{ platform }}'
),

renamed as (
    select
        post_uid,
        platform,
        account_uid,
        native_id,
        mission_id,
        {{ utc('published_at') }} as published_at,
        nullif(trim(text), '') as post_text,
        text_raw as post_text_raw,
        url as post_url,
        media,
        coalesce(len(media), 0) as media_count,
        reply_to,
        forwarded_from,
        repost_of,
        lang_hint,
        author,
        {{ utc('edited_at') }} as edited_at,
        source_format,
        raw_ref,
        run_id,
        {{ utc('fetched_at') }} as fetched_at,
        dt as landing_date
    from source
),

deduped as (
    select * from renamed
    qualify row_number() over (
        partition by post_uid
        order by fetched_at desc, run_id desc
    ) = 1
)

select * from deduped
{%- endmacro %}


{% macro stg_social_post_metrics(platform) -%}
with source as (
    select * from {{ source('landing', 'post_metrics') }}
    where platform = '{{ platform }}'
),

renamed as (
    select
        post_uid,
        platform,
        account_uid,
        {{ utc('observed_at') }} as observed_at,
        likes,
        reactions_total,
        reactions,
        shares,
        comments,
        views,
        views_raw,
        source_format,
        raw_ref,
        run_id,
        {{ utc('fetched_at') }} as fetched_at,
        dt as landing_date
    from source
),

deduped as (
    select * from renamed
    qualify row_number() over (
        partition by post_uid, observed_at
        order by fetched_at desc, run_id desc
    ) = 1
)

select * from deduped
{%- endmacro %}


{% macro stg_social_accounts(platform) -%}
with source as (
    select * from {{ source('landing', 'accounts') }}
    where platform = '{{ platform }}'
),

renamed as (
    select
        account_uid,
        platform,
        mission_id,
        handle,
        native_id,
        nullif(trim(display_name), '') as display_name,
        nullif(trim(description), '') as account_description,
        url as account_url,
        source_format,
        raw_ref,
        run_id,
        {{ utc('fetched_at') }} as fetched_at,
        dt as landing_date
    from source
),

deduped as (
    select * from renamed
    qualify row_number() over (
        partition by account_uid
        order by fetched_at desc, run_id desc
    ) = 1
)

select * from deduped
{%- endmacro %}


{% macro stg_social_account_metrics(platform) -%}
with source as (
    select * from {{ source('landing', 'account_metrics') }}
    where platform = '{{ platform }}'
),

renamed as (
    select
        account_uid,
        platform,
        {{ utc('observed_at') }} as observed_at,
        followers,
        followers_raw,
        posts_count,
        source_format,
        raw_ref,
        run_id,
        {{ utc('fetched_at') }} as fetched_at,
        dt as landing_date
    from source
),

deduped as (
    select * from renamed
    qualify row_number() over (
        partition by account_uid, observed_at
        order by fetched_at desc, run_id desc
    ) = 1
)

select * from deduped
{%- endmacro %}


{#- The union of one entity's per-platform staging models (stg_posts, stg_post_metrics, ...). -#}
{% macro union_platforms(entity) -%}
{%- for platform in var('social_platforms') %}
select * from {{ ref('stg_' ~ platform ~ '__' ~ entity) }}
{%- if not loop.last %}
union all by name
{%- endif %}
{%- endfor %}
{%- endmacro %}
