-- All social platforms in one relation: the union of the stg_<platform>__posts models.
{{ union_platforms('posts') }}
