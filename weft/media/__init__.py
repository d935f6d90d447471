"""Media: type detection, photo processing, video (video.py), and file storage.

``detect.py`` decides what an upload is from its bytes (opening images through
``pillow.py``, which refuses decompression bombs); ``images.py`` and
``video.py`` turn it into served files; ``process.py`` is the work of the
``media.process`` job; ``storage.py`` keeps the files (local folder or S3).
See docs/decisions/0007-media.md.
"""
