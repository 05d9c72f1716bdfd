PY ?= python3

.PHONY: install demo test lint bench zones

install:
	$(PY) -m pip install -q -e '.[dev]'

demo: install
	seaguard demo

test: install
	$(PY) -m pytest -q

lint:
	$(PY) -m ruff check stream detectors config tests bench
	$(PY) -m mypy

bench:
	$(PY) -m bench all

zones:
	$(PY) -m stream.tools.build_zones
