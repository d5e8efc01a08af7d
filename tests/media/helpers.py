"""Files made in memory for the media tests: images with Pillow, a minimal MP4 built box by box."""

import io
import struct

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image


def image_bytes(width=800, height=600, fmt="JPEG", color=(200, 30, 30), mode="RGB", exif_orientation=None, **save):
    image = Image.new(mode, (width, height), color)
    out = io.BytesIO()
    if exif_orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        save["exif"] = exif.tobytes()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def noisy_jpeg(width, height, quality=95) -> bytes:
    """A JPEG that does not compress well (random pixels), to test size limits."""
    import os

    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def tiny_mp4(width=640, height=360, duration_s=5.0, timescale=1000) -> bytes:
    """A minimal ISO-BMFF file: ftyp, moov (mvhd, trak/tkhd) and an empty mdat."""
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    duration = int(duration_s * timescale)
    mvhd = _box(b"mvhd", struct.pack(">B3xIIII", 0, 0, 0, timescale, duration)
                + struct.pack(">IH10x", 0x10000, 0x100) + matrix + b"\0" * 24 + struct.pack(">I", 2))
    tkhd = _box(b"tkhd", struct.pack(">B3sIIIII8xHHH2x", 0, b"\0\0\x03", 0, 0, 1, 0, duration, 0, 0, 0) + matrix
                + struct.pack(">II", width << 16, height << 16))
    moov = _box(b"moov", mvhd + _box(b"trak", tkhd))
    return ftyp + moov + _box(b"mdat", b"\0" * 64)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\0" * 8 + b"\x02\x00\x3e\x00" + b"\0" * 200
