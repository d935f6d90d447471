"""Video and GIF processing, on files made here with PyAV and Pillow (none committed)."""

from __future__ import annotations

import math
import os
import struct
from array import array
from fractions import Fraction
from pathlib import Path

import av
import pytest
from av.audio.stream import AudioStream
from av.video.stream import VideoStream
from PIL import Image, ImageDraw

from weft.errors import Invalid
from weft.limits import VIDEO_SIZE_LIMIT
from weft.media.video import ProcessedVideo, fit, gif_to_mp4, probe, process_video, validate_video

RED, BLUE = (255, 0, 0), (0, 0, 255)
SAMPLE_RATE = 48_000


def encoder_or_skip(name: str) -> None:
    try:
        av.codec.Codec(name, "w")
    except av.codec.codec.UnknownCodecError:
        pytest.skip(f"this PyAV build has no {name} encoder")


def picture(size: tuple[int, int], index: int) -> av.VideoFrame:
    """Red left half, blue right half, and a white line that moves."""
    width, height = size
    image = Image.new("RGB", size, BLUE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width // 2 - 1, height), fill=RED)
    y = (index * 3) % height
    draw.line((0, y, width, y), fill=(255, 255, 255))
    frame: av.VideoFrame = av.VideoFrame.from_image(image)  # type: ignore[no-untyped-call]
    return frame


def write_audio(out: av.container.OutputContainer, stream: AudioStream, seconds: float) -> None:
    chunk = 960
    for start in range(0, int(seconds * SAMPLE_RATE), chunk):
        frame = av.AudioFrame(format="s16", layout="stereo", samples=chunk)
        tone = (
            int(8000 * math.sin(2 * math.pi * 440 * (start + k) / SAMPLE_RATE))
            for k in range(chunk)
        )
        frame.planes[0].update(array("h", (s for v in tone for s in (v, v))).tobytes())
        frame.sample_rate, frame.pts = SAMPLE_RATE, start
        out.mux(stream.encode(frame))
    out.mux(stream.encode(None))


def make_video(
    path: Path,
    container: str,
    codec: str,
    audio: str | None = None,
    *,
    seconds: float = 2.0,
    size: tuple[int, int] = (320, 240),
    fps: int = 24,
    title: str | None = None,
    rotation: int | None = None,
) -> Path:
    encoder_or_skip(codec)
    if audio:
        encoder_or_skip(audio)
    with av.open(str(path), "w", format=container) as out:
        if title:
            out.metadata["title"] = title
        video = out.add_stream(codec, rate=fps)
        assert isinstance(video, VideoStream)
        video.width, video.height, video.pix_fmt = *size, "yuv420p"
        if rotation is not None:
            video.set_display_rotation(rotation)
        sound = out.add_stream(audio, rate=SAMPLE_RATE) if audio else None
        if isinstance(sound, AudioStream):
            sound.layout = "stereo"
        for index in range(round(seconds * fps)):
            frame = picture(size, index)
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
        if isinstance(sound, AudioStream):
            write_audio(out, sound, seconds)
    return path


def top_level_boxes(path: Path) -> list[str]:
    """The MP4's top-level box types, in file order (ISO/IEC 14496-12 §4.2)."""
    boxes = []
    with path.open("rb") as f:
        while header := f.read(8):
            size, kind = struct.unpack(">I4s", header)
            if size == 1:
                size = struct.unpack(">Q", f.read(8))[0] - 8
            boxes.append(kind.decode("latin-1"))
            f.seek(size - 8, os.SEEK_CUR)
    return boxes


def assert_served_mp4(result: ProcessedVideo, *, audio: bool) -> None:
    assert result.file.parent == result.poster.parent
    boxes = top_level_boxes(result.file)
    assert boxes[0] == "ftyp"
    assert boxes.index("moov") < boxes.index("mdat"), boxes  # fast start
    with av.open(str(result.file)) as served:
        assert served.format.name.startswith("mov,mp4")
        video = served.streams.video[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert video.width % 2 == 0
        assert video.height % 2 == 0
        assert [s.codec_context.name for s in served.streams.audio] == (["aac"] if audio else [])
    with Image.open(result.poster) as poster:
        assert poster.format == "JPEG"
        assert "exif" not in poster.info
        assert poster.width <= 1440
    assert result.blurhash
    assert (result.meta["width"], result.meta["height"]) == (video.width, video.height)
    assert ("audio_encode" in result.meta) is audio


def test_an_mp4_with_sound_becomes_an_h264_aac_mp4(tmp_path: Path) -> None:
    src = make_video(tmp_path / "clip.mp4", "mp4", "libx264", "aac")
    result = process_video(src, tmp_path)
    assert_served_mp4(result, audio=True)
    assert result.kind == "video"
    assert result.meta["duration"] == pytest.approx(2.0, abs=0.1)
    assert result.meta["length"] == "0:00:02.00"
    assert result.meta["fps"] == 24
    assert result.meta["original"]["frame_rate"] == "24/1"
    assert result.meta["size"] == "320x240"
    assert result.meta["audio_encode"] == "aac"
    assert result.meta["audio_bitrate"] == "48000 Hz"
    assert result.meta["audio_channels"] == "stereo"
    assert result.meta["small"] == {"width": 320, "height": 240, "size": "320x240", "aspect": 4 / 3}


def test_a_webm_is_accepted(tmp_path: Path) -> None:
    audio = "libopus" if "libopus" in av.codecs_available else "libvorbis"
    src = make_video(tmp_path / "clip.webm", "webm", "libvpx", audio)
    assert probe(src).format == "webm"
    result = process_video(src, tmp_path)
    assert_served_mp4(result, audio=True)
    assert result.meta["duration"] == pytest.approx(2.0, abs=0.1)


def test_a_mov_is_accepted_and_turned_upright(tmp_path: Path) -> None:
    # Phones store sideways pixels and a display matrix; -90 reads "turn clockwise".
    src = make_video(tmp_path / "clip.mov", "mov", "mpeg4", "aac", rotation=-90)
    info = probe(src)
    assert (info.format, info.rotation, info.width, info.height) == ("mov", 90, 240, 320)
    result = process_video(src, tmp_path)
    assert_served_mp4(result, audio=True)
    assert result.meta["size"] == "240x320"
    with Image.open(result.poster) as poster:
        # The left (red) half of the stored picture is now the top.
        top, bottom = poster.getpixel((120, 10)), poster.getpixel((120, 310))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 200, top
    assert top[2] < 60, top
    assert bottom[0] < 60, bottom
    assert bottom[2] > 200, bottom


def test_a_silent_video_has_no_audio_track_or_audio_meta(tmp_path: Path) -> None:
    src = make_video(tmp_path / "silent.mp4", "mp4", "mpeg4")
    result = process_video(src, tmp_path)
    assert_served_mp4(result, audio=False)
    assert result.kind == "video"


def test_metadata_is_not_copied(tmp_path: Path) -> None:
    src = make_video(tmp_path / "tagged.mp4", "mp4", "libx264", "aac", title="Kitchen at 12 Elm St")
    with av.open(str(src)) as tagged:
        assert tagged.metadata["title"] == "Kitchen at 12 Elm St"
    result = process_video(src, tmp_path)
    with av.open(str(result.file)) as served:
        assert "title" not in served.metadata
        assert "encoder" not in served.metadata
    assert b"Elm St" not in result.file.read_bytes()


def test_large_videos_are_scaled_down_to_1080p(tmp_path: Path) -> None:
    src = make_video(tmp_path / "big.mp4", "mp4", "mpeg4", seconds=1, fps=2, size=(2560, 1440))
    result = process_video(src, tmp_path)
    assert result.meta["size"] == "1920x1080"
    with Image.open(result.poster) as poster:
        assert poster.size == (1440, 810)


def test_frame_rate_is_capped_at_60(tmp_path: Path) -> None:
    src = make_video(tmp_path / "fast.mp4", "mp4", "mpeg4", seconds=1, fps=120, size=(64, 48))
    assert probe(src).fps == 120
    result = process_video(src, tmp_path)
    assert result.meta["fps"] == 60
    with av.open(str(result.file)) as served:
        assert sum(1 for _ in served.decode(video=0)) == 60


@pytest.mark.parametrize(
    ("size", "fitted"),
    [
        ((2560, 1440), (1920, 1080)),
        ((1080, 1920), (1080, 1920)),
        ((2160, 3840), (1080, 1920)),
        ((321, 241), (320, 240)),
        ((4000, 100), (1920, 48)),
        ((1, 1), (2, 2)),
    ],
)
def test_fit_keeps_the_aspect_and_even_sides(
    size: tuple[int, int], fitted: tuple[int, int]
) -> None:
    assert fit(*size) == fitted


def long_video(path: Path, seconds: int) -> Path:
    """Minutes of video in milliseconds: 16x16 pixels, one frame a second."""
    return make_video(path, "mp4", "mpeg4", seconds=seconds, fps=1, size=(16, 16))


def test_a_video_over_five_minutes_is_refused_naming_the_limit(tmp_path: Path) -> None:
    src = long_video(tmp_path / "long.mp4", 301)
    assert probe(src).duration == pytest.approx(301)
    with pytest.raises(Invalid) as refused:
        process_video(src, tmp_path)
    assert refused.value.field == "file"
    assert refused.value.description == "is too long: videos can be at most 5 minutes"
    assert list(tmp_path.iterdir()) == [src]  # refused before any transcoding


def test_a_video_under_five_minutes_is_accepted(tmp_path: Path) -> None:
    src = long_video(tmp_path / "long.mp4", 299)
    assert validate_video(src).duration == pytest.approx(299)
    result = process_video(src, tmp_path)
    assert result.meta["duration"] == pytest.approx(299, abs=1)
    assert result.meta["length"].startswith("0:04:5")


def test_a_file_over_1_gb_is_refused_before_reading(tmp_path: Path) -> None:
    src = make_video(tmp_path / "huge.mp4", "mp4", "mpeg4", seconds=1, size=(16, 16))
    with src.open("r+b") as f:
        f.truncate(VIDEO_SIZE_LIMIT + 1)  # sparse: costs no disk
    with pytest.raises(Invalid) as refused:
        process_video(src, tmp_path)
    assert refused.value.description == "is too large: videos can be at most 1 GB"


def test_more_than_4k_pixels_is_refused(tmp_path: Path) -> None:
    src = make_video(tmp_path / "8k.mp4", "mp4", "mpeg4", seconds=1, fps=1, size=(4096, 2304))
    with pytest.raises(Invalid, match="3840x2160"):
        process_video(src, tmp_path)


def test_an_animated_gif_becomes_a_silent_looping_mp4(tmp_path: Path) -> None:
    # Odd sides: the MP4 must still be even.
    frames = [Image.new("RGB", (101, 51), (40 * i, 0, 255 - 40 * i)) for i in range(5)]
    src = tmp_path / "anim.gif"
    frames[0].save(src, save_all=True, append_images=frames[1:], duration=100, loop=0)
    result = gif_to_mp4(src, tmp_path)
    assert result.kind == "gifv"
    assert_served_mp4(result, audio=False)
    assert result.meta["size"] == "100x50"
    assert result.meta["duration"] == pytest.approx(0.5, abs=0.05)
    with av.open(str(result.file)) as served:
        assert sum(1 for _ in served.decode(video=0)) == 5


@pytest.mark.parametrize(
    "content",
    [
        os.urandom(4096),
        b"\x00\x00\x00\x18ftypmp42" + os.urandom(4096),  # an MP4's first bytes, then noise
        b"\x89PNG\r\n\x1a\n" + os.urandom(100),
        b"#EXTM3U\n#EXTINF:1,\nfile:///etc/passwd\n",  # a playlist must never be followed
    ],
    ids=["random", "mp4-header-then-noise", "png", "playlist"],
)
def test_a_file_that_is_not_a_video_is_refused(tmp_path: Path, content: bytes) -> None:
    src = tmp_path / "clip.mp4"
    src.write_bytes(content)
    with pytest.raises(Invalid) as refused:
        process_video(src, tmp_path)
    assert (refused.value.field, refused.value.description) == (
        "file",
        "is not a video Weft can read",
    )


def test_a_gif_is_not_taken_as_a_video_nor_a_video_as_a_gif(tmp_path: Path) -> None:
    gif = tmp_path / "still.gif"
    Image.new("RGB", (8, 8)).save(gif)
    with pytest.raises(Invalid):
        process_video(gif, tmp_path)
    mp4 = make_video(tmp_path / "clip.mp4", "mp4", "mpeg4", seconds=1, size=(16, 16))
    with pytest.raises(Invalid):
        gif_to_mp4(mp4, tmp_path)


def test_matroska_that_is_not_webm_is_refused(tmp_path: Path) -> None:
    src = make_video(tmp_path / "clip.mkv", "matroska", "mpeg4", seconds=1, size=(16, 16))
    with pytest.raises(Invalid):
        probe(src)


class _Unseekable:
    """A pipe, as far as FFmpeg can tell: no seek, so no duration goes in the header."""

    def __init__(self, path: Path) -> None:
        self.file = path.open("wb")

    def write(self, data: bytes) -> int:
        return self.file.write(data)


def test_a_live_webm_without_duration_headers_is_measured(tmp_path: Path) -> None:
    # Browsers' MediaRecorder writes WebM like this: no duration anywhere.
    encoder_or_skip("libvpx")
    sink = _Unseekable(tmp_path / "live.webm")
    with sink.file, av.open(sink, "w", format="webm") as out:
        video = out.add_stream("libvpx", rate=10)
        assert isinstance(video, VideoStream)
        video.width, video.height, video.pix_fmt = 64, 48, "yuv420p"
        for index in range(30):
            frame = picture((64, 48), index)
            frame.pts = index
            out.mux(video.encode(frame))
        out.mux(video.encode(None))
    with av.open(str(tmp_path / "live.webm")) as live:
        assert live.duration is None
    assert probe(tmp_path / "live.webm").duration == pytest.approx(3.0, abs=0.11)


def test_probe_reads_the_streams(tmp_path: Path) -> None:
    src = make_video(tmp_path / "clip.mp4", "mp4", "libx264", "aac", seconds=3, fps=30)
    info = probe(src)
    assert info.format == "mp4"
    assert info.duration == pytest.approx(3.0, abs=0.05)
    assert (info.width, info.height) == (320, 240)
    assert info.frame_rate == Fraction(30)
    assert info.has_audio
