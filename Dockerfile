FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY stream ./stream
COPY detectors ./detectors
COPY config ./config
RUN pip install --no-cache-dir .
USER nobody
ENTRYPOINT ["seaguard"]
CMD ["run"]
