"""Which uploads are images kb accepts, and the clean copy of each that kb stores.

Only PNG, JPEG, GIF and WebP are accepted, identified by their content (the file's name and
the type a browser claims are ignored). Every accepted file is decoded and re-encoded with
Pillow, which drops its metadata (EXIF with a phone's location, comments, colour profiles)
and anything a decoder does not read. A file with data after the image's own end marker is
refused rather than cleaned: an image with a trailer is a polyglot (a PNG that is also a
script or an HTML page) and nobody uploads one by accident.

Pure functions over bytes: no database, no Flask, safe in any thread.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, ImageSequence, UnidentifiedImageError

from kb.errors import KbError

#: Pillow's format name -> (URL ending, content type).
FORMATS: dict[str, tuple[str, str]] = {
    "PNG": ("png", "image/png"),
    "JPEG": ("jpg", "image/jpeg"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}
EXTENSIONS = {ext: (name, content_type) for name, (ext, content_type) in FORMATS.items()}

#: The longest side kb takes, in pixels.
MAX_SIDE = 8000
#: Pixels over all frames of an animation: a 100-frame GIF decodes to 100 images.
MAX_TOTAL_PIXELS = MAX_SIDE * MAX_SIDE
#: Widths made at upload for ``srcset``, where the image is wider.
VARIANT_WIDTHS = (480, 960, 1600)
JPEG_QUALITY = 90
WEBP_QUALITY = 90


class UnsupportedMediaError(KbError):
    status = 415
    code = "unsupported_media_type"


class MediaTooLargeError(KbError):
    status = 413
    code = "request_entity_too_large"  # what the API answers for any body over its limit


@dataclass(frozen=True)
class CleanImage:
    """Bytes kb stores, and what it says about them."""

    data: bytes
    ext: str
    content_type: str
    width: int
    height: int
    sha256: str
    animated: bool = False


def sniff(data: bytes) -> str | None:
    """The Pillow format name the content starts like, or None."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "GIF"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def clean(data: bytes, max_bytes: int) -> CleanImage:
    """Check an upload and re-encode it without metadata.

    GIF and WebP animations stay animated (every frame re-encoded).

    :raises MediaTooLargeError: over ``max_bytes``, over :data:`MAX_SIDE` a side, or a
        decompression bomb.
    :raises UnsupportedMediaError: not one of the accepted types, damaged, or with data after
        the image's end.
    """
    with _opened(data, max_bytes) as (name, image):
        frames = getattr(image, "n_frames", 1)
        if frames * image.width * image.height > MAX_TOTAL_PIXELS:
            raise MediaTooLargeError(f"the animation's {frames} frames are too many pixels")
        try:
            out = _reencode(name, image, frames)
        except (OSError, ValueError, SyntaxError) as exc:
            raise UnsupportedMediaError(f"the image cannot be decoded: {exc}") from None
    return _described(out, name, frames > 1)


def check_stored(data: bytes, max_bytes: int) -> CleanImage:
    """Check bytes kb stored earlier (``kb import`` of an export) without re-encoding them,
    so they keep their digest.

    :raises MediaTooLargeError, UnsupportedMediaError: as :func:`clean`.
    """
    with _opened(data, max_bytes) as (name, image):
        frames = getattr(image, "n_frames", 1)
        try:
            image.load()
        except (OSError, ValueError, SyntaxError) as exc:
            raise UnsupportedMediaError(f"the image cannot be decoded: {exc}") from None
    return _described(data, name, frames > 1)


def variants(image: CleanImage) -> list[tuple[int, int, bytes]]:
    """``(width, height, bytes)`` of the image at each of :data:`VARIANT_WIDTHS` below its own
    width, where that is fewer bytes than the image itself (a scaled screenshot's smoothed
    edges can make a PNG bigger: offering it would cost readers). None for animations: a
    scaled first frame would stop them moving."""
    if image.animated:
        return []
    name = EXTENSIONS[image.ext][0]
    made = []
    with Image.open(io.BytesIO(image.data), formats=[name]) as source:
        source.load()
        for width in VARIANT_WIDTHS:
            if width >= image.width:
                break
            height = max(1, round(image.height * width / image.width))
            scaled = source.resize((width, height), Image.Resampling.LANCZOS)
            data = _encode_one(name, scaled)
            if len(data) < len(image.data):
                made.append((width, height, data))
    return made


class _opened:
    """``with _opened(data, limit) as (format name, image)``: sizes and structure checked,
    pixels not yet decoded."""

    def __init__(self, data: bytes, max_bytes: int) -> None:
        if len(data) > max_bytes:
            raise MediaTooLargeError(f"the image is larger than {max_bytes // (1024 * 1024)} MB")
        self.name = sniff(data)
        if self.name is None:
            raise UnsupportedMediaError("only PNG, JPEG, GIF and WebP images are accepted")
        end = end_of_image(self.name, data)
        if data[end:].strip(b"\x00"):
            raise UnsupportedMediaError(
                f"the file goes on after the end of the {self.name} image; save it again "
                "with an image editor")
        self.data = data

    def __enter__(self):
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                self.image = Image.open(io.BytesIO(self.data), formats=[self.name])
            except (Image.DecompressionBombError, Image.DecompressionBombWarning):
                raise MediaTooLargeError("the image has too many pixels") from None
            except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
                raise UnsupportedMediaError(f"the {self.name} image is damaged: {exc}") from None
        if self.image.width > MAX_SIDE or self.image.height > MAX_SIDE:
            self.image.close()
            raise MediaTooLargeError(
                f"the image is {self.image.width}×{self.image.height} px; at most {MAX_SIDE} px a side")
        return self.name, self.image

    def __exit__(self, *exc_info) -> None:
        self.image.close()


def _described(data: bytes, name: str, animated: bool) -> CleanImage:
    with Image.open(io.BytesIO(data), formats=[name]) as image:
        width, height = image.size
    ext, content_type = FORMATS[name]
    return CleanImage(data=data, ext=ext, content_type=content_type, width=width, height=height,
                      sha256=hashlib.sha256(data).hexdigest(), animated=animated)


#: What survives of ``Image.info`` in a re-encoded file: what the pixels mean, not who or
#: where they came from.
_KEPT_INFO = {"transparency", "duration", "loop", "background", "disposal"}


def _stripped(image: Image.Image) -> Image.Image:
    image.info = {k: v for k, v in image.info.items() if k in _KEPT_INFO}
    return image


def _reencode(name: str, image: Image.Image, frames: int) -> bytes:
    if frames > 1 and name in ("GIF", "WEBP"):
        sequence = [_stripped(frame.copy()) for frame in ImageSequence.Iterator(image)]
        first = sequence[0]
        options = {"save_all": True, "append_images": sequence[1:]}
        options["duration"] = [frame.info.get("duration", 100) for frame in sequence]
        options["loop"] = image.info.get("loop", 0)
        if name == "WEBP":
            options["quality"] = WEBP_QUALITY
        buffer = io.BytesIO()
        first.save(buffer, name, **options)
        return buffer.getvalue()
    image.load()
    if name == "JPEG":
        image = ImageOps.exif_transpose(image)  # keep how the photo was meant to stand
    return _encode_one(name, _stripped(image))


def _encode_one(name: str, image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    if name == "JPEG":
        if image.mode not in ("RGB", "L", "CMYK"):
            image = image.convert("RGB")
        image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    elif name == "WEBP":
        if image.mode not in ("RGB", "RGBA"):
            image = image.convert("RGBA" if "A" in image.mode or "transparency" in image.info else "RGB")
        image.save(buffer, "WEBP", quality=WEBP_QUALITY)
    else:
        image.save(buffer, name)
    return buffer.getvalue()


# -- where each format's image ends -----------------------------------------------------------


def end_of_image(name: str, data: bytes) -> int:
    """The offset just past the image's end marker (PNG ``IEND``, JPEG ``EOI``, GIF trailer,
    WebP's RIFF length).

    :raises UnsupportedMediaError: the structure is broken or cut short.
    """
    try:
        return _ENDS[name](data)
    except (IndexError, ValueError):
        raise UnsupportedMediaError(f"the {name} image is cut short or damaged") from None


def _png_end(data: bytes) -> int:
    position = 8
    while True:
        if position + 8 > len(data):
            raise ValueError("no IEND")
        length = int.from_bytes(data[position:position + 4], "big")
        kind = data[position + 4:position + 8]
        position += 12 + length
        if position > len(data):
            raise ValueError("chunk past the end")
        if kind == b"IEND":
            return position


def _jpeg_end(data: bytes) -> int:
    position = 2
    while True:
        if data[position] != 0xFF:
            raise ValueError("expected a marker")
        while data[position] == 0xFF:
            position += 1
        marker = data[position]
        position += 1
        if marker == 0xD9:
            return position
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            continue
        position += int.from_bytes(data[position:position + 2], "big")
        if marker == 0xDA:  # entropy-coded data runs to the next real marker
            while True:
                found = data.index(b"\xff", position)
                following = data[found + 1]
                if following == 0 or 0xD0 <= following <= 0xD7:
                    position = found + 2
                elif following == 0xFF:
                    position = found + 1
                else:
                    position = found
                    break


def _gif_sub_blocks(data: bytes, position: int) -> int:
    while True:
        size = data[position]
        position += 1
        if size == 0:
            return position
        position += size


def _gif_end(data: bytes) -> int:
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    while True:
        block = data[position]
        if block == 0x3B:
            return position + 1
        if block == 0x21:
            position = _gif_sub_blocks(data, position + 2)
        elif block == 0x2C:
            flags = data[position + 9]
            position += 10 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
            position = _gif_sub_blocks(data, position + 1)
        else:
            raise ValueError("unknown block")


def _webp_end(data: bytes) -> int:
    size = int.from_bytes(data[4:8], "little")
    end = 8 + size
    if end > len(data):
        raise ValueError("RIFF past the end")
    return end + (size & 1) if end < len(data) else end


_ENDS = {"PNG": _png_end, "JPEG": _jpeg_end, "GIF": _gif_end, "WEBP": _webp_end}
