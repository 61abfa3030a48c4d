FROM python:3.11-slim AS base
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm make \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv
COPY requirements.lock package.json package-lock.json ./
RUN uv pip install --system --no-cache -r requirements.lock && npm ci --omit=dev --no-audit --no-fund
COPY . .
# Build-time values only: collectstatic needs the production storage, not real secrets.
RUN DJANGO_ENV=production SECRET_KEY=collectstatic-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    ALLOWED_HOSTS=localhost CELERY_BROKER_URL=memory:// STRIPE_SECRET_KEY=unused \
    STRIPE_WEBHOOK_SECRET=unused EMAIL_URL=consolemail:// DEFAULT_FROM_EMAIL=noreply@example.org \
    PORTAL_BASE_URL=http://localhost python manage.py collectstatic --noinput
RUN useradd --create-home portal && mkdir -p /app/private-media && chown -R portal /app
USER portal
EXPOSE 8000
