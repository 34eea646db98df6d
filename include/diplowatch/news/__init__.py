"""News items: canonical URLs and keys, syndication grouping, optional article text, amplification cues."""
