from accounts.services.impersonation import forbid_while_impersonating


class ImpersonationGuardMixin:
    """Actions named in `not_while_impersonating` answer 403 to impersonation tokens (a staff
    member acting as a user must not change that user's password, 2FA or credentials)."""

    not_while_impersonating = ()

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.action in self.not_while_impersonating:
            forbid_while_impersonating(request.auth, "change the user's password, credentials or account")
