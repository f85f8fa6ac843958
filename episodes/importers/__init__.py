"""Bringing episodes in from elsewhere: a podcast feed (`feed.import_feed`), read as a stream
(`rss`), from a file or a URL (`sources`), with guests recognised in titles (`guests`)."""
