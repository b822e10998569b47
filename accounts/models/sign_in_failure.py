from django.db import models


class SignInFailureCounter(models.Model):
    """Failed sign-ins of one login name or one client address, counted in the database so that
    every web process and thread shares them (accounts/services/failure_counters.py). `key` is a
    hash of the name or address: the table never holds what someone typed."""

    key = models.CharField(max_length=80, primary_key=True)
    count = models.PositiveIntegerField(default=0)
    window_ends_at = models.DateTimeField(db_index=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "sign-in failure counter"

    def __str__(self):
        return f"{self.key}: {self.count}"
