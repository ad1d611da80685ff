"""A small OpenID Connect provider, django-oauth-toolkit's, that the single sign-on tests start
in a process of its own: the tracker signs in against a real provider, not a mocked answer."""
