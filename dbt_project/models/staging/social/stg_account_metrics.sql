-- All social platforms in one relation: the union of the stg_<platform>__account_metrics models.
{{ union_platforms('account_metrics') }}
