"""How the tracker behaves as its data grows: each page's queries and time, against a floor.

The floor is the least any page of this stack can cost: a bare view that renders one page of rows
from one query with the same template engine, through the same middleware. A page's ratio to the
floor is what the page adds on top; a query count that grows with the data is an N+1.

Everything runs in a throw-away database (a temporary SQLite file, or a temporary PostgreSQL
database on DATABASE_URL's server) filled with synthetic data built here, so it never reads or
writes the tracker's own data and needs nothing beyond the runtime dependencies.
"""
