"""Collecting: capture pages by URL and follow the sources' feeds into WARC files."""
