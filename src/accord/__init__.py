"""accord: model and forecast multi-party, multi-issue negotiations."""

__version__ = "0.1.0"
