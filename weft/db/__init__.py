from weft.db.database import Database, after_commit
from weft.db.ids import new_id

__all__ = ["Database", "after_commit", "new_id"]
