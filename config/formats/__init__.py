"""Date formats per interface language, over Django's own (FORMAT_MODULE_PATH)."""
