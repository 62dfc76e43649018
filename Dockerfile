# syntax=docker/dockerfile:1
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY classifier ./classifier
COPY drafts ./drafts
COPY service ./service
COPY data ./data
RUN pip install --no-cache-dir --prefix=/install .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 gracemail
COPY --from=build /install /usr/local
USER 10001
ENV GRACEMAIL_DATA_DIR=/home/gracemail/data \
    GRACEMAIL_WEB_HOST=0.0.0.0 \
    GRACEMAIL_WEB_ALLOW_REMOTE=true
# Train the model at build time so the container starts in well under a second.
RUN gracemail train
EXPOSE 8000
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz')"]
CMD ["gracemail", "serve"]
