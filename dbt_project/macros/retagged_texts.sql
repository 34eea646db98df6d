{#- The models derived row by row from int_texts_tagged (int_texts_register, int_texts_themes,
    int_texts_entities) are incremental on its built_at: a run reads only the texts tagged since
    the model's last build (built_since_last_build) and replaces their rows (delete+insert on text_uid). -#}

{#- Pre-hook of a model with any number of rows per text (none for a text without themes): delete
    the rows of the texts tagged again, so that a text that now has no rows loses its old ones
    (delete+insert alone replaces only the texts the run writes rows for). A model that predates
    its built_at column loses every row and is rebuilt whole. -#}
{% macro delete_retagged_texts(tagged) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        {%- if is_incremental_with('built_at') %}
            where text_uid in (select text_uid from {{ tagged }} where {{ built_since_last_build() }})
        {%- endif %}
    {%- endif -%}
{%- endmacro %}


{#- Pre-hook of a model that copies rows of `source` (one per `key`, with its built_at) and whose rows
    can leave `source`: keep only the rows whose source row is still there and was built no later than
    the model's last build (a null built_at is older than any); the model then inserts the source rows
    built since. A model that predates its built_at column loses every row and is rebuilt whole. -#}
{% macro delete_rows_rebuilt_or_gone(source, key) -%}
    {%- if is_incremental() -%}
        delete from {{ this }}
        {%- if is_incremental_with('built_at') %}
            where {{ key }} not in (
                select {{ key }} from {{ source }}
                where built_at is null or built_at <= {{ incremental_watermark('built_at') }}
            )
        {%- endif %}
    {%- endif -%}
{%- endmacro %}
