-- A table, not a view: several models and tests read it (a view re-scans and re-dedupes the landing).
{{ config(materialized='table') }}
-- All social platforms in one relation: the union of the stg_<platform>__posts models.
{{ union_platforms('posts') }}
