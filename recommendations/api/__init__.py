"""The open data API: read-only JSON at /api/, for the Commission's and the Digital Agency's
websites, researchers and journalists.

Everything here reads; nothing writes. Every recommendation starts from
`Recommendation.objects.public()` (through `for_api()`), updates from the public timeline, and the
serializers name their fields one by one, so internal updates, internal notes and the users who
set a status never reach a response. Resources are identified by the references, codes, slugs and
numbers the report itself uses, never by database ids.
"""
