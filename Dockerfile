FROM python:3.11.11-slim-bookworm
WORKDIR /app
COPY pyproject.toml README.md LICENSE ./
COPY stream ./stream
COPY detectors ./detectors
COPY config ./config
RUN pip install --no-cache-dir .
USER nobody
ENTRYPOINT ["seaguard"]
CMD ["run"]
