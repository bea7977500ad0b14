"""monitor: a media-monitoring alert service for follow-up coverage."""

__version__ = "0.1.0"
