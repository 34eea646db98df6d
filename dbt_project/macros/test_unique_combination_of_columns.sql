{#- Generic test: no two rows share the same values of the given columns (a composite key).
    The same contract as dbt_utils.unique_combination_of_columns, without a package download. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}

with grouped as (
    select
        {{ combination_of_columns | join(', ') }},
        count(*) as n_rows
    from {{ model }}
    group by all
)

select * from grouped
where n_rows > 1

{% endtest %}
