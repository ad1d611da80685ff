"""Writes that touch more than one row, one module per thing they write: statuses and progress
updates, archiving, officials' accounts, and the version check every write to a recommendation
goes through. Who may do what is recommendations.rules.permissions' to say, before calling."""
