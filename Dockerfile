FROM python:3.12-slim-bookworm

# WeasyPrint needs Pango and HarfBuzz; Noto covers the scripts of the six UN languages
# (fonts-noto-cjk for Chinese, which fonts-noto-core lacks).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
        fonts-noto-core fonts-noto-cjk poppler-utils \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir .
COPY . .
ENV PYTHONUNBUFFERED=1 DJANGO_SETTINGS_MODULE=wsis.settings
# Hashed, compressed static files for WhiteNoise; the variables only satisfy the settings.
RUN DEBUG=0 SECRET_KEY=build-only ALLOWED_HOSTS=build DATABASE_URL=postgres://build/build \
    python manage.py collectstatic --no-input --verbosity 0

EXPOSE 8000
CMD ["gunicorn", "wsis.asgi:application", "--worker-class", "uvicorn_worker.UvicornWorker", "--bind", "0.0.0.0:8000", "--workers", "3"]
