"""Local stand-ins for the external services the portal talks to.

Each speaks its service's real API over HTTP on 127.0.0.1, so the portal's own client code runs
unchanged; nothing leaves the machine. The tests drive them directly; in development the portal
starts them itself when no real keys are configured (``settings.STRIPE_STANDIN``).
"""
