"""Decoders at the edge: bytes or text in, typed records or rejects out. Nothing raises."""

from stream.decode.common import Record, Rejected
from stream.decode.csvdec import CsvDecoder
from stream.decode.jsondec import decode_json_record

__all__ = ["CsvDecoder", "Record", "Rejected", "decode_json_record"]
