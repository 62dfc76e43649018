"""Read the members of an uncompressed .npz as views of the file mapped in memory, stdlib only.

Both scorers read the model this way: the numpy runtime wraps the views in arrays, the lean
one indexes them as they are. Mapped, only the pages a message touches become resident, and
processes scoring from the same file share them. Like `np.load(allow_pickle=False)`, it refuses
members that hold Python objects.
"""

from __future__ import annotations

import ast
import mmap
import struct
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from math import prod
from pathlib import Path

_MAGIC = b"\x93NUMPY"
# the only element types a model file holds, as memoryview formats (little-endian, as .npz
# files are written on every machine gracemail runs on)
_FORMATS = {"<f8": "d", "<i8": "q", "|b1": "?"}


@dataclass(frozen=True)
class Member:
    """One array of the file: its numpy type, shape and bytes (C order)."""

    descr: str
    shape: tuple[int, ...]
    data: memoryview

    def floats(self) -> Sequence[float]:
        """Return the elements of a float member as a flat view."""
        self._expect("<f8")
        return self.data.cast("d")

    def ints(self) -> Sequence[int]:
        """Return the elements of an integer member as a flat view."""
        self._expect("<i8")
        return self.data.cast("q")

    def scalar(self) -> float | int | bool | str:
        """Return the one value of a 0-d member."""
        if self.descr.startswith("<U"):
            return self.strings()[0]
        if self.descr == "|b1":
            return bool(self.data.cast("?")[0])
        return self.ints()[0] if self.descr == "<i8" else self.floats()[0]

    def _expect(self, descr: str) -> None:
        if self.descr != descr:
            raise ValueError(f"a {self.descr} member where {descr} was expected")

    def strings(self) -> list[str]:
        """Return the elements of a fixed-width unicode member."""
        width = int(self.descr[2:]) * 4
        raw = bytes(self.data)
        count = prod(self.shape)
        return [
            raw[i * width : (i + 1) * width].decode("utf-32-le").rstrip("\0") for i in range(count)
        ]


def read_npz(path: Path) -> dict[str, Member]:
    """Return the members of the .npz at path by name; ValueError when one is not mappable."""
    with path.open("rb") as fh:
        buffer = memoryview(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
    members: dict[str, Member] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            if info.compress_type != zipfile.ZIP_STORED or not info.filename.endswith(".npy"):
                raise ValueError(f"{path}: {info.filename} is not a stored .npy")
            at = info.header_offset + 26  # the local header's name and extra lengths
            name_len, extra_len = struct.unpack("<HH", buffer[at : at + 4])
            start = info.header_offset + 30 + name_len + extra_len
            member = _member(buffer, start, start + info.file_size)
            members[info.filename[: -len(".npy")]] = member
    return members


def _member(buffer: memoryview, start: int, end: int) -> Member:
    if bytes(buffer[start : start + 6]) != _MAGIC:
        raise ValueError("not a .npy member")
    major = buffer[start + 6]
    if major == 1:
        (size,) = struct.unpack("<H", buffer[start + 8 : start + 10])
        header_at = start + 10
    else:
        (size,) = struct.unpack("<I", buffer[start + 8 : start + 12])
        header_at = start + 12
    header = ast.literal_eval(bytes(buffer[header_at : header_at + size]).decode("latin-1"))
    descr, shape = header["descr"], tuple(header["shape"])
    if not isinstance(descr, str) or "O" in descr or (header["fortran_order"] and len(shape) > 1):
        raise ValueError(f"unsupported .npy member {descr!r}")
    data_at = header_at + size
    width = 4 * int(descr[2:]) if descr.startswith("<U") else _width(descr)
    nbytes = width * prod(shape)
    if data_at + nbytes > end:
        raise ValueError("truncated .npy member")
    return Member(descr, shape, buffer[data_at : data_at + nbytes])


def _width(descr: str) -> int:
    if descr not in _FORMATS:
        raise ValueError(f"unsupported .npy element type {descr!r}")
    return struct.calcsize(_FORMATS[descr])
