"""Kafka I/O: the embedded broker for demos and tests, client factories, publisher, service."""
