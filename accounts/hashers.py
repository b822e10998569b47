"""The password hasher: argon2id with OWASP's recommended parameters.

Django's Argon2PasswordHasher uses argon2id with 100 MiB of memory, 2 passes and 8 lanes: about
170 ms of CPU and 100 MB per hash on this project's 2-core machines, so a burst of sign-ins held
every gunicorn thread (load test: sign_in p99 2.68 s). OWASP's Password Storage Cheat Sheet gives
equally strong argon2id configurations that trade memory for passes; its first one, m=19 MiB
(19456 KiB), t=2, p=1, is used here (figures before and after: docs/identity.md, Passwords).

The algorithm name stays Django's `argon2`, so hashes made with the old parameters still verify
with this class, and Django rehashes them with these on the next successful password check
(`must_update` compares the stored parameters; `User.check_password` saves the new hash)."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class OwaspArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 2
    memory_cost = 19456  # KiB (19 MiB)
    parallelism = 1
