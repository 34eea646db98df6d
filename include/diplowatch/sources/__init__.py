"""One module per source. Each exposes ``extract(ctx, mission, account) -> Batch`` (see base.py)."""
