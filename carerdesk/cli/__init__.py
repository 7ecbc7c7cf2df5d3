"""The ``carerdesk`` command line: argument parsing that calls services."""
