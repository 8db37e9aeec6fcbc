"""xladdin: working-day timeliness and spotlight reports for children's social care."""

__version__ = "0.1.0"
