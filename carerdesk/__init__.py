"""carerdesk: an offline-first desk for Carer Passport schemes."""

__version__ = "0.1.0"
