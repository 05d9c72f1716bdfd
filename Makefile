PY ?= python3

.PHONY: install demo test lint bench zones zonemap

install:
	$(PY) -m pip install -q -e '.[dev]'

demo: install
	seaguard demo

test: install
	bash scripts/ensure-redis.sh
	bash scripts/ensure-chromium.sh
	$(PY) -m pytest -q

lint:
	$(PY) -m ruff check stream detectors config tests bench
	$(PY) -m ruff format --check stream detectors config tests bench
	$(PY) -m mypy

bench:
	$(PY) -m bench all

zones:
	$(PY) -m stream.tools.build_zones

zonemap:
	seaguard zones map --out zones.png
