"""diplowatch: watch the social media of diplomatic missions and the news about them."""

__version__ = "0.1.0"
