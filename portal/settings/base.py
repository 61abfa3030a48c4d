"""Settings for every environment, read from the environment.

DJANGO_ENV picks the mode: ``development`` (the embedded default: SQLite, eager Celery,
database search, console email), ``test`` or ``production``. Production differs only by the
values given to it, and refuses to start without its secrets.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = DJANGO_ENV == "test"

_REQUIRED_IN_PRODUCTION = [
    "SECRET_KEY",
    "DATABASE_URL",
    "ALLOWED_HOSTS",
    "CELERY_BROKER_URL",
    "STRIPE_SECRET_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "EMAIL_URL",
    "DEFAULT_FROM_EMAIL",
    "PORTAL_BASE_URL",
]
# Secrets production refuses when they are still a placeholder: the defaults docker-compose.yml
# shows ("change-me-...", "sk_test_change_me", "whsec_change_me"), Django's "django-insecure-..."
# and this file's development defaults; or too short to be secret. (The PostgreSQL password
# "portal" in docker-compose.yml's DATABASE_URL is not refused: that database is reachable only
# on the compose network, and a real deployment gives its own DATABASE_URL.)
_SECRETS_CHECKED_IN_PRODUCTION = [
    "SECRET_KEY", "STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "HEALTHZ_TOKEN",
]
_PLACEHOLDER_MARKERS = ("change-me", "change_me", "changeme", "insecure")
_DEVELOPMENT_SECRETS = {"insecure-development-key-do-not-use-in-production", "whsec_development"}
_SECRET_MIN_LENGTH = {"SECRET_KEY": 50, "HEALTHZ_TOKEN": 32}  # SECRET_KEY: as check --deploy asks


def _weak_production_secrets(values: dict[str, str]) -> list[str]:
    """Each secret in ``values`` that is a placeholder or too short, with why (never its value)."""
    problems = []
    for name in _SECRETS_CHECKED_IN_PRODUCTION:
        value = values.get(name, "")
        if not value:
            continue  # a missing required one is reported as missing; HEALTHZ_TOKEN is optional
        if value in _DEVELOPMENT_SECRETS or any(m in value.lower() for m in _PLACEHOLDER_MARKERS):
            problems.append(f"{name} (a placeholder)")
        elif len(value) < _SECRET_MIN_LENGTH.get(name, 0) or len(set(value)) < 5:
            problems.append(f"{name} (too short or too simple)")
    return problems


if PRODUCTION:
    missing = [name for name in _REQUIRED_IN_PRODUCTION if not env.str(name, default="")]
    if missing:
        raise ImproperlyConfigured(
            "Production settings need these environment variables: " + ", ".join(missing)
        )
    weak = _weak_production_secrets(
        {name: env.str(name, default="") for name in _SECRETS_CHECKED_IN_PRODUCTION}
    )
    if weak:
        raise ImproperlyConfigured(
            "Production settings refuse placeholder or weak secrets: " + "; ".join(weak)
            + ". Set real ones, e.g. from: python -c \"import secrets; print(secrets.token_urlsafe(64))\""
            " (Stripe's keys and webhook signing secret from the Stripe dashboard)."
        )
    if env.int("TRUSTED_PROXY_COUNT", default=0) < 0:
        raise ImproperlyConfigured("TRUSTED_PROXY_COUNT is the number of proxies: 0 or more")

# Reverse proxies in front of the portal (nginx, a load balancer), each appending the address it
# was connected from to X-Forwarded-For. Only those last N addresses are trusted to name the
# client (the enquiry form's rate limit, allauth's sign-in limits); 0, the default, ignores the
# header, which any client can send.
TRUSTED_PROXY_COUNT = max(env.int("TRUSTED_PROXY_COUNT", default=0), 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
# /healthz answers {"status": ...} to anyone; each check's detail only to signed-in staff or to
# "Authorization: Bearer <HEALTHZ_TOKEN>" (a monitor). Unset: no token is accepted.
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

DEBUG = env.bool("DEBUG", default=DJANGO_ENV == "development")
SECRET_KEY = env.str("SECRET_KEY", default="insecure-development-key-do-not-use-in-production")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
PORTAL_BASE_URL = env.str("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # Project and domain apps first so their templates win over library defaults.
    "portal.accounts",
    "portal.core",
    "brokerage.audit",
    "brokerage.reference",
    "brokerage.employers",
    "brokerage.enquiries",
    "brokerage.opportunities",
    "brokerage.participants",
    "brokerage.pipeline",
    "brokerage.payments",
    "brokerage.reporting",
    "brokerage.retention",
    "brokerage.api",
    "brokerage.messaging",
    "search",
    "cms",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # Accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    # Django
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Django's widget templates, found by the GOV.UK form renderer (portal.core.forms).
    "django.forms",
    "django_filters",
    "ninja",  # the partner API's docs page (Swagger UI from static files)
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "portal.core.middleware.RejectNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "portal.core.middleware.CSPMiddleware",  # django-csp's, with the admin's own policy
    "allauth.account.middleware.AccountMiddleware",
    "portal.accounts.middleware.RequireStaffTwoFactorMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "portal.core.context_processors.portal",
            ],
            # Dates, times, money and hours the GOV.UK way, in every template without a {% load %}.
            "builtins": ["portal.core.templatetags.govuk_format"],
        },
    },
]
FORM_RENDERER = "django.forms.renderers.DjangoTemplates"

# Database: SQLite by default; DATABASE_URL=postgres://... in production and CI.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://portal")
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id first (portal/accounts/hashers.py: OWASP's minimum, m=19 MiB t=2 p=1); the others
# still check older hashes, which are re-hashed with Argon2id at the next sign-in.
PASSWORD_HASHERS = [
    "portal.accounts.hashers.PortalArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Anonymous public pages from the cache (portal/core/public_cache.py): how long a copy is kept
# here (seconds; changes clear it sooner) and how long a browser or CDN may reuse it.
PUBLIC_PAGE_CACHE_TIMEOUT = env.int("PUBLIC_PAGE_CACHE_TIMEOUT", default=300)
PUBLIC_PAGE_CACHE_MAX_AGE = env.int("PUBLIC_PAGE_CACHE_MAX_AGE", default=60)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core_dashboard"
LOGOUT_REDIRECT_URL = "/"

# django-allauth: email is the login, verification is mandatory.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Employer portal] "
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "5/5m/key,20/m/ip",
    "signup": "10/h/ip",
    "confirm_email": "3/3m/key",
    "reset_password": "5/h/ip,3/h/key",
}
ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
# Two-factor authentication: an authenticator app (TOTP) or a passkey (WebAuthn) as the second
# factor, recovery codes as the fallback. Passkeys are a second factor only, not a way to sign
# in without the password (one way in). Staff must use one (portal.accounts.middleware).
MFA_ADAPTER = "portal.accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Employer opportunity portal"
# Browsers only use passkeys over HTTPS; the development server is plain HTTP.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG and not PRODUCTION
# allauth's forms with GOV.UK rendering, labels and hints (portal/accounts/forms.py).
ACCOUNT_FORMS = {
    "login": "portal.accounts.forms.LoginForm",
    "signup": "portal.accounts.forms.SignupForm",
    "add_email": "portal.accounts.forms.AddEmailForm",
    "change_password": "portal.accounts.forms.ChangePasswordForm",
    "set_password": "portal.accounts.forms.SetPasswordForm",
    "reset_password": "portal.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "portal.accounts.forms.ResetPasswordKeyForm",
    "reauthenticate": "portal.accounts.forms.ReauthenticateForm",
}
MFA_FORMS = {
    "authenticate": "portal.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "portal.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "portal.accounts.forms.ActivateTOTPForm",
    "deactivate_totp": "portal.accounts.forms.DeactivateTOTPForm",
    "generate_recovery_codes": "portal.accounts.forms.GenerateRecoveryCodesForm",
    "add_webauthn": "portal.accounts.forms.AddWebAuthnForm",
    "edit_webauthn": "portal.accounts.forms.EditWebAuthnForm",
}

# Wagtail
WAGTAIL_SITE_NAME = "Employer opportunity portal"
WAGTAILADMIN_BASE_URL = PORTAL_BASE_URL
# One way in: Wagtail's sign-in pages send people to allauth's (portal/urls.py, _ONE_WAY_IN);
# passwords and email addresses are changed on the portal's account pages, not in the admin.
WAGTAILADMIN_LOGIN_URL = "accounts_wagtail_admin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "accounts_frontend_login"
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "pdf", "pptx", "rtf", "txt", "xlsx", "odt"]

# Search: the database backend by default; Elasticsearch when ELASTICSEARCH_URL is set.
ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="")
SEARCH_BACKEND = "elasticsearch" if ELASTICSEARCH_URL else "database"
if ELASTICSEARCH_URL:
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [ELASTICSEARCH_URL],
            "INDEX_PREFIX": "portal_wagtail_",
            "TIMEOUT": 5,
        },
        # Kept up to date too, so staff search still finds pages while Elasticsearch is down.
        "database": {"BACKEND": "wagtail.search.backends.database"},
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="portal")
# The analyzer for free text in the portal's indexes: Elasticsearch's "english" (the
# distribution, and the CI node in tools/elasticsearch, have it); "standard" on a node without it.
SEARCH_TEXT_ANALYZER = env.str("SEARCH_TEXT_ANALYZER", default="english")

# Celery: eager in the embedded default, a real broker when CELERY_BROKER_URL is set.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE: dict = {}  # filled in by portal.celery from each app's schedule

# Email
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Employer portal <noreply@example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Emails and texts (brokerage/messaging; README "Emails and texts"). Email goes through GOV.UK
# Notify or Django's email backend (EMAIL_URL); texts always through Notify. NOTIFY_BASE_URL left
# empty outside production starts the local Notify stand-in, so nothing leaves the machine.
MESSAGING_EMAIL_BACKEND = env.str("MESSAGING_EMAIL_BACKEND", default="django" if TESTING else "notify")
NOTIFY_API_KEY = env.str(
    "NOTIFY_API_KEY",
    default="portal_local-5e0b2a4c-3f1d-4d8e-9a7b-1c2d3e4f5a6b-0f9e8d7c-6b5a-4c3d-8e2f-1a2b3c4d5e6f",
)
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", default="")
# Template ids: "email" (content ((subject)) / ((body))) and "sms" (((body))) are required; a
# message's own template name (e.g. "pipeline/checkpoint_text") may have its own id.
NOTIFY_TEMPLATES = env.json("NOTIFY_TEMPLATES", default={
    "email": "9d1c6a3e-2b4f-4c8a-9e7d-0a1b2c3d4e5f",
    "sms": "7f2e8b1a-4c6d-4e9f-8a3b-5c6d7e8f9a0b",
})
# The bearer token Notify sends with delivery receipts and received texts (set in Notify's API
# integration callbacks page).
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", default="" if PRODUCTION else "local-notify-callback-token")
NOTIFY_STANDIN_RECEIPTS = env.bool("NOTIFY_STANDIN_RECEIPTS", default=DJANGO_ENV == "development")
if PRODUCTION and MESSAGING_EMAIL_BACKEND == "notify":
    _notify_missing = [
        name for name in ("NOTIFY_API_KEY", "NOTIFY_BASE_URL", "NOTIFY_CALLBACK_TOKEN")
        if not env.str(name, default="")
    ]
    if _notify_missing:
        raise ImproperlyConfigured(
            "Email through GOV.UK Notify (MESSAGING_EMAIL_BACKEND=notify) needs: "
            + ", ".join(_notify_missing) + ". Or set MESSAGING_EMAIL_BACKEND=django to send by EMAIL_URL."
        )
# Partners together may contact one employer this many times in this many days (a ContactLimit
# row in the admin overrides it); beyond it, messages wait for the employer's daily digest.
# Days each rung of the sustainment evidence ladder waits for an answer before the next is tried
# (employer's link → text to the participant → key worker's call → payslip).
CHECKPOINT_EVIDENCE_WAIT_DAYS = env.int("CHECKPOINT_EVIDENCE_WAIT_DAYS", default=3)
MESSAGING_EMPLOYER_CONTACT_LIMIT = env.list("MESSAGING_EMPLOYER_CONTACT_LIMIT", cast=int, default=[3, 7])

# Stripe
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="whsec_development")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="")  # a local stub in tests
# Without Stripe keys in development the portal starts its own Stripe stand-in
# (portal/standins/stripe.py): test mode, nothing leaves the machine, every page says so.
STRIPE_STANDIN = env.bool("STRIPE_STANDIN", default=DJANGO_ENV == "development" and not STRIPE_SECRET_KEY)
STRIPE_STANDIN_STATE = env.path("STRIPE_STANDIN_STATE", default=BASE_DIR / "stripe-standin.json")
STRIPE_STANDIN_PORT = env.int("STRIPE_STANDIN_PORT", default=0)  # 0: any free port
if STRIPE_STANDIN and PRODUCTION:
    raise ImproperlyConfigured("STRIPE_STANDIN is for development only: production needs real Stripe keys.")
# Every request names this Stripe API version (pinned, not the account's default): the one the
# installed stripe library (16.1) was generated for. Change it only together with the library,
# after reading Stripe's upgrade notes (docs/money.md).
STRIPE_API_VERSION = env.str("STRIPE_API_VERSION", default="2026-10-28.endive")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d %m %Y"]

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "node_modules" / "govuk-frontend" / "dist"]
STATICFILES_DIRS = [d for d in STATICFILES_DIRS if d.exists()]
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_URL = "/media/"  # public files only (Wagtail images and documents)
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploaded evidence (fund receipts): outside MEDIA_ROOT, with no URL; only views that check the
# viewer's rights hand it out (portal/core/files.py, docs/architecture.md "Private files").
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
# Behind nginx: the `internal` location aliasing PRIVATE_MEDIA_ROOT (e.g. "/private-files/"); the
# view then answers with X-Accel-Redirect and nginx sends the file. Empty: Django streams it.
PRIVATE_FILES_ACCEL_REDIRECT = env.str("PRIVATE_FILES_ACCEL_REDIRECT", default="")
# Called on every upload before it is stored: scanner(file, *, label), raising ValidationError to refuse.
PRIVATE_FILES_VIRUS_SCANNER = env.str(
    "PRIVATE_FILES_VIRUS_SCANNER", default="portal.core.files.virus_scan_log_only"
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {"BACKEND": "portal.core.files.PrivateFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Security
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
# The Wagtail and Django admins' policy (portal/core/middleware.py): the public one, except that
# Wagtail 8 still needs inline scripts, frames its own preview, shows Gravatar avatars and (for
# administrators) asks releases.wagtail.org whether a newer Wagtail is out.
CONTENT_SECURITY_POLICY_ADMIN = {
    "URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", "www.gravatar.com"],
        "connect-src": ["'self'", "https://releases.wagtail.org"],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
    },
}

# Programme defaults
ENQUIRY_RESPONSE_WORKING_DAYS = env.int("ENQUIRY_RESPONSE_WORKING_DAYS", default=2)

# Partner API (brokerage/api, docs/api.md): requests per token per period ("120/m", "5000/h").
PARTNER_API_RATE_LIMIT = env.str("PARTNER_API_RATE_LIMIT", default="120/m")
NINJA_PAGINATION_PER_PAGE = 50
NINJA_MAX_PER_PAGE_SIZE = 200

# Companies House (brokerage/employers/companies_house.py). Development and tests use the local
# stand-in (brokerage/employers/companies_house_standin.py); nothing leaves the machine unless
# COMPANIES_HOUSE_API_URL is set to https://api.company-information.service.gov.uk.
COMPANIES_HOUSE_API_URL = env.str("COMPANIES_HOUSE_API_URL", default="")
COMPANIES_HOUSE_API_KEY = env.str("COMPANIES_HOUSE_API_KEY", default="")
COMPANIES_HOUSE_TIMEOUT_SECONDS = env.float("COMPANIES_HOUSE_TIMEOUT_SECONDS", default=5.0)
COMPANIES_HOUSE_STANDIN = env.bool(
    "COMPANIES_HOUSE_STANDIN", default=DJANGO_ENV == "development" and not COMPANIES_HOUSE_API_URL
)
if COMPANIES_HOUSE_STANDIN and PRODUCTION:
    raise ImproperlyConfigured("COMPANIES_HOUSE_STANDIN is for development only.")
DEMO_PASSWORD = "Brokerage-Demo-2026"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "faker": {"level": "WARNING"},
        "factory": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},  # Wagtail's per-save index tasks
        "celery.app.trace": {"level": "WARNING"},
        "elastic_transport": {"level": "WARNING"},  # one line per request otherwise
    },
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    ACCOUNT_RATE_LIMITS = False
    # Tasks run in-process in tests; tests/test_celery_worker.py starts a real worker.
    CELERY_TASK_ALWAYS_EAGER = True
    STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    WAGTAILADMIN_BASE_URL = "http://testserver"
