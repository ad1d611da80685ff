"""The public site's views: the dashboard, the pages of recommendations, topics and
organisations, the downloads of the report, and the feeds."""
