"""Remote videos already in the served format: copied into a fresh MP4, not re-encoded.

Another server has usually transcoded its videos to H.264/AAC MP4 already
(Mastodon does). Encoding them again would cost a worker minutes for nothing,
so such a file is *remuxed*: its packets are copied as they are into a new MP4
with the index at the front, which leaves the container's tags (a phone's
location lives there) behind, and a poster frame is decoded. Anything else
(another codec, too large a picture, a rotation flag) returns ``None`` and
goes through ``weft.media.video.process_video`` like an upload.

>>> kept = keep_video(Path("remote"), Path("work"))  # a ProcessedVideo, or None
"""

from __future__ import annotations

import secrets
from pathlib import Path

import av
from av.container import InputContainer, OutputContainer
from av.packet import Packet
from av.stream import Stream
from PIL import Image

from weft.errors import Invalid
from weft.limits import VIDEO_FRAME_RATE_LIMIT
from weft.media.images import image_blurhash
from weft.media.video import (
    ProcessedVideo,
    VideoProbe,
    fit,
    probe,
    save_poster,
    served_meta,
    validate_video,
)
from weft.media.video_transcode import NOT_A_VIDEO, POSTER_SECONDS, UNSUPPORTED, Transcoded

KEPT_CODECS = {"video": "h264", "audio": "aac"}


def keep_video(src: Path, work_dir: Path) -> ProcessedVideo | None:
    """``src`` as a served MP4 without re-encoding, or None if it needs a transcode.

    Raises Invalid, as ``process_video`` does, for a file past the limits.
    """
    info = validate_video(src)
    if not _servable(src, info):
        return None
    stem = work_dir / secrets.token_hex(8)
    file, poster_path = stem.with_suffix(".mp4"), stem.with_suffix(".jpg")
    try:
        done = _remux(src, file)
        poster = save_poster(done.poster, poster_path)
        meta = served_meta(probe(file), done, poster)
    except BaseException:
        file.unlink(missing_ok=True)
        poster_path.unlink(missing_ok=True)
        raise
    return ProcessedVideo(file, poster_path, meta, image_blurhash(poster), "video")


def _servable(src: Path, info: VideoProbe) -> bool:
    """MP4, H.264 in yuv420p (+ AAC), upright, within the served size and frame rate."""
    if (
        info.format != "mp4"
        or info.rotation
        or fit(info.width, info.height)
        != (
            info.width,
            info.height,
        )
    ):
        return False
    if info.fps > VIDEO_FRAME_RATE_LIMIT:
        return False
    with av.open(str(src), format="mov", metadata_errors="ignore") as container:
        video = container.streams.video[0]
        audio = container.streams.audio
        if video.codec_context.name != KEPT_CODECS["video"] or video.format is None:
            return False
        if video.format.name != "yuv420p" or len(container.streams.video) != 1:
            return False
        return len(audio) <= 1 and all(a.codec_context.name == KEPT_CODECS["audio"] for a in audio)


def _remux(src: Path, dst: Path) -> Transcoded:
    """Copy the video and audio packets into ``dst``; decode one frame for the poster."""
    try:
        with (
            av.open(str(src), format="mov", metadata_errors="ignore") as inp,
            av.open(
                str(dst),
                "w",
                format="mp4",
                options={"movflags": "+faststart", "fflags": "+bitexact"},
            ) as out,
        ):
            return _copy_packets(inp, out)
    except av.FFmpegError:
        raise Invalid("file", NOT_A_VIDEO, UNSUPPORTED) from None


def _copy_packets(inp: InputContainer, out: OutputContainer) -> Transcoded:
    video = inp.streams.video[0]
    audio = inp.streams.audio[0] if inp.streams.audio else None
    outputs: dict[int, Stream] = {video.index: out.add_stream_from_template(video)}
    if audio is not None:
        outputs[audio.index] = out.add_stream_from_template(audio)
    poster: Image.Image | None = None
    start = (inp.start_time or 0) / av.time_base
    for packet in inp.demux([s for s in (video, audio) if s is not None]):
        if packet.dts is None:
            continue  # the demuxer's empty packet at the end of a stream
        if packet.stream.index == video.index and _wants_poster(poster, packet, start):
            for frame in packet.decode():
                # PyAV's stubs leave to_image untyped; it returns a PIL RGB image.
                poster = frame.to_image()  # type: ignore[union-attr]
        packet.stream = outputs[packet.stream.index]
        out.mux(packet)
    if poster is None:
        raise Invalid("file", NOT_A_VIDEO, UNSUPPORTED)
    return Transcoded(
        poster,
        audio.codec_context.sample_rate if audio is not None else None,
        audio.codec_context.layout.nb_channels if audio is not None else None,
    )


def _wants_poster(poster: Image.Image | None, packet: Packet[Stream], start: float) -> bool:
    """Decode until a frame at or past POSTER_SECONDS (or the first, for a short clip)."""
    if poster is None:
        return True
    seconds = float(packet.pts * packet.time_base) - start if packet.pts is not None else 0.0
    return seconds <= POSTER_SECONDS
