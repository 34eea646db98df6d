-- All social platforms in one relation: the union of the stg_<platform>__accounts models.
{{ union_platforms('accounts') }}
