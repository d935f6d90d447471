"""The product's numbers (Threads' limits where Weft follows them), in one place."""

MAX_STATUS_CHARACTERS = 500
CHARACTERS_RESERVED_PER_URL = 23
MAX_LINKS_PER_STATUS = 5
MAX_MEDIA_ATTACHMENTS = 20
MEDIA_DESCRIPTION_LIMIT = 1500
IMAGE_SIZE_LIMIT = 16 * 1024 * 1024
IMAGE_MATRIX_LIMIT = 8192 * 8192
# HEIC and AVIF decode whole (libheif), so fewer pixels fit the 300 MB a photo
# may cost (docs/decisions/0024-photo-memory.md): phones take 12 to 24 MP HEICs.
HEIC_MATRIX_LIMIT = 40_000_000
AVIF_MATRIX_LIMIT = 13_000_000
VIDEO_SIZE_LIMIT = 1024 * 1024 * 1024
VIDEO_MAX_SECONDS = 5 * 60
VIDEO_FRAME_RATE_LIMIT = 60
VIDEO_MATRIX_LIMIT = 3840 * 2160
MAX_PINNED_STATUSES = 5
MAX_PROFILE_FIELDS = 5
SUPPORTED_MIME_TYPES = [
    "image/jpeg",
    "image/png",
    "image/webp",
    "image/gif",
    "image/heic",
    "image/heif",
    "image/avif",
    "video/mp4",
    "video/quicktime",
    "video/webm",
]
# Polls: Threads' limits (2 to 4 options of 1 to 25 characters, open 5 minutes
# to 7 days, 24 hours unless asked otherwise).
POLL_MIN_OPTIONS = 2
POLL_MAX_OPTIONS = 4
POLL_MAX_OPTION_CHARACTERS = 25
POLL_MIN_EXPIRATION = 5 * 60
POLL_MAX_EXPIRATION = 7 * 24 * 3600
POLL_DEFAULT_EXPIRATION = 24 * 3600
# Threads' spoilers, text attachments and topics.
MAX_SPOILER_RANGES = 10
MAX_TEXT_ATTACHMENT_CHARACTERS = 10_000
MAX_TOPIC_CHARACTERS = 50
# Scheduled posts: at least 5 minutes ahead (as Mastodon), at most a year;
# Mastodon's 25 a day and 300 in all. Drafts: 300 kept.
SCHEDULE_MIN_AHEAD_SECONDS = 5 * 60
SCHEDULE_MAX_AHEAD_DAYS = 365
MAX_SCHEDULED_PER_DAY = 25
MAX_SCHEDULED = 300
MAX_DRAFTS = 300
MAX_TEXT_ATTACHMENT_STYLES = 1_000  # styled ranges in one text attachment
MAX_POST_LINKS = 5  # across a post with a text attachment, counted as Threads counts
MAX_LINK_ATTACHMENT_URL = 2_048
