"""The synthetic corpus that generate_corpus writes and make bench measures."""
