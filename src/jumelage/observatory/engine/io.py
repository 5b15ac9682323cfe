"""Opening input files the same way for every reader: plain or gzip, told apart by content."""

import gzip
import io
import zlib
from collections.abc import Iterator
from pathlib import Path

from jumelage.observatory.engine.schema import ReadIssue

GZIP_MAGIC = b"\x1f\x8b"


def open_binary(path: Path) -> io.BufferedIOBase:
    """The file's bytes, decompressed when it is gzip (whatever its name)."""
    handle = path.open("rb")
    if handle.peek(2)[:2] == GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle)  # type: ignore[return-value]
    return handle


Line = tuple[int, str]


def iter_text_lines(path: Path, *, encoding: str = "utf-8-sig") -> Iterator[Line | ReadIssue]:
    """(line number, text) for each line; a corrupt gzip or an undecodable line becomes a
    ReadIssue and reading goes on where it can (a corrupt gzip stream cannot go on)."""
    try:
        binary = open_binary(path)
    except OSError as exc:
        yield ReadIssue(path=str(path), code="unreadable", params={"error": str(exc)})
        return
    with binary:
        number = 0
        try:
            for number, raw in enumerate(binary, start=1):
                try:
                    text = raw.decode(encoding if number == 1 else encoding.replace("-sig", ""))
                except UnicodeDecodeError as exc:
                    yield ReadIssue(path=str(path), line=number, code="bad_encoding",
                                    params={"encoding": "UTF-8", "error": str(exc)})
                    continue
                yield number, text.rstrip("\r\n")
        except (EOFError, OSError, zlib.error) as exc:
            yield ReadIssue(path=str(path), line=number + 1, code="bad_gzip",
                            params={"error": str(exc) or type(exc).__name__})
