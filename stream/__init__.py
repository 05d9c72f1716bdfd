"""seaguard: AIS stream processing for maritime surveillance.

``stream`` holds everything that touches the outside world (decoding, Kafka, Redis,
files, the CLI and the runner); ``detectors`` holds the pure pattern logic.
"""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("seaguard")
except PackageNotFoundError:  # running from a source tree without install
    __version__ = "0.0.0+src"

__all__ = ["__version__"]
