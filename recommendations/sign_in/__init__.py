"""How officials sign in: django-allauth's login (password, or single sign-on through OpenID
Connect) followed by its second-factor step, with the tracker's rules around it: recovery codes
stored hashed, django-axes counting wrong codes as it counts wrong passwords, REQUIRE_2FA keeping
every admin page behind the second factor, and a log line for each sign-in event."""
