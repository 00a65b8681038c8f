# Aria Admin: gunicorn + whitenoise on a slim Python, as a non-root user.
# Build: docker build -t aria-admin .   Run: see docs/production.md.
FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DEBUG=false \
    PORT=8000

WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .

# Hashed, compressed static files baked into the image. The dummy key and
# database URL only satisfy the settings; collectstatic touches neither.
RUN SECRET_KEY=collectstatic-only-dummy-key-0123456789-abcdefghijklmnopqrstuvwxyz \
    DATABASE_URL=postgresql://build@localhost:5432/build \
    python manage.py collectstatic --noinput --verbosity 0

RUN useradd --create-home --uid 10001 aria && chown -R aria:aria /app
USER aria

EXPOSE 8000

# No curl in slim images: probe /healthz with Python's urllib.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4).status == 200 else 1)"]

CMD ["gunicorn", "--config", "gunicorn.conf.py"]
