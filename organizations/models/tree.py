from django.db import models


class OrganizationLink(models.Model):
    """The partner tree as a closure table: one row for every (organization, ancestor) pair,
    the organization itself included. A partner's reach is then one indexed subquery
    (`ancestor = partner`) instead of a walk down the tree and a list of ids. Kept in step by
    `Organization.save()` (organizations/services/tree.py); never edited by hand."""

    organization = models.ForeignKey("organizations.Organization", on_delete=models.CASCADE, related_name="+")
    # indexed by the unique constraint, which leads with it
    ancestor = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="+", db_index=False
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["ancestor", "organization"], name="organization_link_unique"),
        ]

    def __str__(self):
        return f"{self.organization_id} below {self.ancestor_id}"
