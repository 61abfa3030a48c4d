"""Argon2id for passwords, tuned so a sign-in stays quick on a small server.

OWASP's password storage guidance gives m=19 MiB, t=2, p=1 as the minimum for Argon2id. We use
exactly that floor: on the 2-core benchmark machine (under load) one verification takes about
90 ms, so a whole sign-in stays well under 0.5 s; Django's own defaults (100 MiB, p=8) took
0.7 s a hash there. Raise ``memory_cost`` (in KiB) first if the servers grow: Django re-hashes
each password with the new parameters at its next sign-in (``must_update``), as it upgrades
the older PBKDF2 hashes to Argon2id. See docs/performance.md.
"""

from django.contrib.auth.hashers import Argon2PasswordHasher


class PortalArgon2PasswordHasher(Argon2PasswordHasher):
    # Keeps Django's algorithm name "argon2", so hashes stay readable by the stock hasher.
    time_cost = 2
    memory_cost = 19 * 1024  # KiB = 19 MiB
    parallelism = 1
