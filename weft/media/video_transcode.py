"""The single pass behind ``weft.media.video``: demux, decode, scale, encode, mux.

Packets are read one at a time and frames go straight to the encoders, so
memory stays flat whatever the size of the file. Nothing from the source but
pixels and samples reaches the output: no container or stream tags, no
chapters, no side data (a phone's GPS lives in the MOV's ``udta`` tags).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from av.audio.frame import AudioFrame
from av.audio.stream import AudioStream
from av.container import InputContainer, OutputContainer
from av.filter import Graph
from av.video.format import VideoFormat
from av.video.frame import VideoFrame
from av.video.stream import VideoStream
from PIL import Image

from weft.errors import Invalid
from weft.limits import VIDEO_MAX_SECONDS

# One clock for every output video frame, fine enough for any source's
# timestamps (90 kHz is MPEG's own).
TIME_BASE = Fraction(1, 90_000)
# Speed over the last few percent of size: a 5-minute upload must not keep a
# worker busy for many minutes. maxrate/bufsize cap the bitrate (and so the
# file: at most ~190 MB for 5 minutes) where CRF alone would not.
X264_OPTIONS = {
    "preset": "veryfast",
    # Threads hold frames: two are what a small server has, and what one
    # transcode may take of it (docs/performance.md).
    "threads": "2",
    "crf": "23",
    "maxrate": "5M",
    "bufsize": "10M",
    "profile": "high",
}
AUDIO_BIT_RATE = 128_000
# Decoder threads, for the same reason.
DECODE_THREADS = 2
# The scaler: a downscale by 2 (4K to 1080p) is then an exact average of each
# 2x2 block, a third cheaper than bicubic and sharper without its ringing.
SCALER = "AREA"
# Where the poster comes from: the very first frame is often black (a fade in).
POSTER_SECONDS = 1.0
# A stream may claim a short duration and run on: stop at the limit, with slack
# for rounding and for audio that ends a little after the picture.
HARD_STOP_SECONDS = VIDEO_MAX_SECONDS + 2
TOO_LONG = f"is too long: videos can be at most {VIDEO_MAX_SECONDS // 60} minutes"
NOT_A_VIDEO = "is not a video Weft can read"
# Mastodon's error codes, as weft.media.detect uses them for photos.
TOO_LARGE, UNSUPPORTED = "ERR_TOO_LARGE", "ERR_UNSUPPORTED"

_Rotate = Callable[[VideoFrame], VideoFrame]


@dataclass(frozen=True)
class Target:
    """What to make: display size (even), clockwise rotation to apply, frame rate."""

    width: int
    height: int
    rotation: int  # 0, 90, 180 or 270, clockwise
    max_fps: int
    # The source's (capped): x264 budgets bits per frame by it, and the muxer
    # gives the last frame 1/frame_rate (frames' own durations do not survive x264).
    frame_rate: Fraction
    with_audio: bool


@dataclass(frozen=True)
class Transcoded:
    poster: Image.Image
    audio_rate: int | None
    audio_channels: int | None


def transcode(src: Path, src_format: str, dst: Path, target: Target) -> Transcoded:
    """Write ``dst``, an H.264 (+ AAC) MP4 with its index at the front."""
    try:
        with (
            av.open(str(src), format=src_format, metadata_errors="ignore") as inp,
            av.open(
                str(dst),
                "w",
                format="mp4",
                # faststart: the moov box before mdat, so playback starts before
                # the download ends. bitexact: no "encoder" tag either.
                options={"movflags": "+faststart", "fflags": "+bitexact"},
            ) as out,
        ):
            return _Pass(inp, out, target).run()
    except av.FFmpegError:
        # A source the probe accepted but the decoders could not get through.
        raise Invalid("file", NOT_A_VIDEO, UNSUPPORTED) from None


class _Pass:
    def __init__(self, inp: InputContainer, out: OutputContainer, target: Target) -> None:
        self.inp, self.out, self.target = inp, out, target
        self.vin = inp.streams.video[0]
        self.vin.thread_type = "AUTO"
        self.vin.codec_context.thread_count = DECODE_THREADS
        self.ain = _audio_stream(inp) if target.with_audio else None
        # Timestamps are made to start at zero (a MOV may start anywhere).
        self.start = (inp.start_time or 0) / av.time_base
        self.vout = _video_out(out, target)
        self.aout = _audio_out(out, self.ain) if self.ain else None
        self.rotate = _rotator(target)
        self.last_slot: int | None = None
        self.poster: Image.Image | None = None
        self.poster_seconds = 0.0
        self.last_seconds = -float(1 / target.frame_rate)

    def run(self) -> Transcoded:
        streams = [s for s in (self.vin, self.ain) if s is not None]
        for packet in self.inp.demux(streams):
            try:
                frames = packet.decode()
            except av.error.InvalidDataError:
                continue  # a damaged packet: skip it, as ffmpeg itself does
            for frame in frames:
                if isinstance(frame, VideoFrame):
                    self.video(frame)
                elif isinstance(frame, AudioFrame):
                    self.audio(frame)
        self.out.mux(self.vout.encode(None))
        if self.aout:
            self.out.mux(self.aout.encode(None))
        if self.poster is None:
            raise Invalid("file", NOT_A_VIDEO, UNSUPPORTED)
        return Transcoded(
            self.poster,
            self.aout.rate if self.aout else None,
            self.aout.layout.nb_channels if self.aout else None,
        )

    def video(self, frame: VideoFrame) -> None:
        seconds = self.seconds(frame)
        if seconds > HARD_STOP_SECONDS:
            raise Invalid("file", TOO_LONG, TOO_LARGE)
        # Frame-rate cap: at most one frame per 1/max_fps slot; a 120 fps source
        # keeps every other frame, 90 fps keeps two in three.
        slot = math.floor(seconds * self.target.max_fps + 1e-6)
        if self.last_slot is not None and slot <= self.last_slot:
            return
        self.last_slot = slot
        t = self.target
        sideways = t.rotation in (90, 270)
        scaled = frame.reformat(
            t.height if sideways else t.width,
            t.width if sideways else t.height,
            "yuv420p",
            interpolation=SCALER,
        )
        scaled.pts, scaled.time_base = round(seconds / TIME_BASE), TIME_BASE
        upright = self.rotate(scaled)
        if self.poster is None or seconds >= POSTER_SECONDS > self.poster_seconds:
            # PyAV's stubs leave to_image untyped; it returns a PIL RGB image.
            poster: Image.Image = upright.to_image()  # type: ignore[no-untyped-call]
            self.poster, self.poster_seconds = poster, seconds
        self.out.mux(self.vout.encode(upright))

    def seconds(self, frame: VideoFrame) -> float:
        """From the start of the file; a frame without a timestamp follows the last."""
        if frame.time is not None:
            self.last_seconds = frame.time - self.start
        else:
            self.last_seconds += float(1 / self.target.frame_rate)
        return self.last_seconds

    def audio(self, frame: AudioFrame) -> None:
        if self.aout is None:
            return
        if frame.pts is not None and frame.time_base is not None and frame.time is not None:
            if frame.time - self.start > HARD_STOP_SECONDS:
                raise Invalid("file", TOO_LONG, TOO_LARGE)
            frame.pts -= round(self.start / frame.time_base)
        # The encoder resamples and re-chunks (AAC takes 1024 samples a frame).
        self.out.mux(self.aout.encode(frame))


def _audio_stream(inp: InputContainer) -> AudioStream | None:
    best = inp.streams.best("audio")
    return best if isinstance(best, AudioStream) else None


def _video_out(out: OutputContainer, target: Target) -> VideoStream:
    stream = out.add_stream("libx264", rate=target.frame_rate, options=dict(X264_OPTIONS))
    stream.width, stream.height, stream.pix_fmt = target.width, target.height, "yuv420p"
    stream.codec_context.time_base = TIME_BASE
    return stream


def _audio_out(out: OutputContainer, source: AudioStream) -> AudioStream:
    # AAC players everywhere take 44.1 and 48 kHz; anything else becomes 44.1.
    rate = source.rate if source.rate in (44_100, 48_000) else 44_100
    stream = out.add_stream("aac", rate=rate)
    stream.layout = "mono" if source.channels == 1 else "stereo"
    stream.bit_rate = AUDIO_BIT_RATE
    return stream


def _rotator(target: Target) -> _Rotate:
    """Phones record sideways and say so in a display matrix; we turn the pixels."""
    steps = {90: [("transpose", "clock")], 180: [("hflip", ""), ("vflip", "")]}
    steps[270] = [("transpose", "cclock")]
    if target.rotation not in steps:
        return _identity
    sideways = target.rotation in (90, 270)
    graph = Graph()
    source = graph.add_buffer(
        width=target.height if sideways else target.width,
        height=target.width if sideways else target.height,
        format=VideoFormat("yuv420p"),
        time_base=TIME_BASE,
    )
    filters = [graph.add(name, args or None) for name, args in steps[target.rotation]]
    graph.link_nodes(source, *filters, graph.add("buffersink")).configure()

    def rotate(frame: VideoFrame) -> VideoFrame:
        graph.vpush(frame)
        return graph.vpull()

    return rotate


def _identity(frame: VideoFrame) -> VideoFrame:
    return frame
