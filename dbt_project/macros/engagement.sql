{#- Engagement of one snapshot: reactions (or likes) + shares + comments.
    Facebook reports likes inside its reactions total, so the larger of likes and
    reactions_total counts once; missing counts add nothing (null only if all are missing). -#}
{% macro engagement(likes, reactions_total, shares, comments) -%}
    case
        when coalesce({{ likes }}, {{ reactions_total }}, {{ shares }}, {{ comments }}) is not null
            then greatest(coalesce({{ likes }}, 0), coalesce({{ reactions_total }}, 0))
            + coalesce({{ shares }}, 0)
            + coalesce({{ comments }}, 0)
    end
{%- endmacro %}
