-- All social platforms in one relation: the union of the stg_<platform>__post_metrics models.
{{ union_platforms('post_metrics') }}
