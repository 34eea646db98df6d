"""Enrichment of posts and news items: languages, themes, register, entities, events.

Modules:
  languages  paragraph-level language detection (lingua) and the bilingual flag
  themes     themes from seeds/themes.csv, register derived from themes
  entities   people, places, organisations from seeds/entities.csv
  events     clustering of posts and news into events
  relevance  news items that cite the mission's own posts
  pipeline   Arrow-batch functions called by the dbt Python models and by diplowatch.eval
"""
