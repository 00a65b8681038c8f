"""What the benchmark times, and the targets of issue 7."""

import hashlib
import uuid
from dataclasses import dataclass


def md5_uuid(key):
    """The id build_warehouse gave a row: md5(key)::uuid in SQL."""
    return str(uuid.UUID(hashlib.md5(key.encode()).hexdigest()))


@dataclass(frozen=True)
class BigTable:
    """A log table the benchmark fills with ``rows`` rows (1,000,000 at full scale)."""

    label: str
    path: str  # app_label/model_name
    filter: str  # a list_filter-style lookup on an indexed column
    search: str
    db_table: str = ""  # for the query-count check's created_at bounds

    def url(self, site, query=""):
        return f"/{site}/{self.path}/" + (f"?{query}" if query else "")


BIG_TABLES = [
    BigTable(
        "activity_log", "data_app/activitylog",
        filter="action__exact=memory_search", search="deploy",
        db_table="aria_data.activity_log",
    ),
    BigTable(
        "session_messages", "data_app/sessionmessage",
        filter="role__exact=tool", search="telegram webhook",
        db_table="aria_data.session_messages",
    ),
    BigTable(
        "model_usage", "data_app/modelusage",
        filter="model__exact=glm-4.6", search="claude",
        db_table="aria_data.model_usage",
    ),
    BigTable(
        "heartbeat_log", "data_app/heartbeatlog",
        filter="status__exact=error", search="backup_db",
        db_table="aria_data.heartbeat_log",
    ),
]

# Tables timed on their default changelist only (search too where given).
OTHER_TABLES = [
    BigTable("thoughts (rows/5)", "data_app/thought", filter="", search="sprint review"),
]


@dataclass(frozen=True)
class VectorPage:
    """A page of a table with embeddings (issue 11): rows/10 rows of random,
    incompressible vectors, indexed with Aria's HNSW index."""

    label: str
    url: str
    neighbours: bool = False  # a record page: its 10 nearest neighbours must be shown


# The ids build_warehouse gives the first semantic memory and chat message.
SEMANTIC_MEMORY = md5_uuid("semantic1")
CHAT_MESSAGE = md5_uuid("chat-message1")
VECTOR_PAGES = [
    VectorPage("semantic_memories (rows/10, 768-d): changelist", "data_app/semanticmemory/"),
    VectorPage("semantic memory page, 10 nearest neighbours (HNSW)",
               f"data_app/semanticmemory/{SEMANTIC_MEMORY}/change/", neighbours=True),
    VectorPage("chat_messages (rows/10, 1536-d): changelist", "engine_app/enginechatmessage/"),
    VectorPage("chat message page, 10 nearest neighbours (HNSW)",
               f"engine_app/enginechatmessage/{CHAT_MESSAGE}/change/", neighbours=True),
]

# Issue 7's targets, in milliseconds unless named otherwise.
DEFAULT_P50 = 60
DEFAULT_SPEEDUP = 3.0
SCALING_RATIO = 1.5
FILTER_P50 = 100
SEARCH_P50 = 400
PAGE_5000_P50 = 250
INDEX_P50 = 100
BOARD_P50 = 150
VECTOR_P50 = 60  # issue 11: both lists and both record pages
NEIGHBOURS = 10  # a record page's nearest neighbours
BULK_MS = 1000
THROUGHPUT_RPS = 40
WORKER_RSS_MB = 200

FULL_PAGE = 50  # rows on a full changelist page (AriaModelAdmin.list_per_page)
BULK_GOALS = 10_000
SESSION_WITH_50_MESSAGES = md5_uuid("session0")
GOAL_BOARD_URL = "/admin/data_app/goal/board/"
