from oauth2_provider.oauth2_validators import OAuth2Validator


class EmailClaims(OAuth2Validator):
    """The claims an administration's provider gives: the person's verified e-mail address."""

    def get_additional_claims(self, request):
        return {"email": request.user.email, "email_verified": True}
