"""The vector store: chromadb used directly, behind the small VectorStore interface.

Metadata values must be str, int, float or bool; None is refused (chroma treats a
None value as "delete this key", so it would silently vanish). An upsert replaces an
item's metadata as a whole, although chroma's own upsert merges it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from minsheng.index.errors import MinshengError

if TYPE_CHECKING:
    # chromadb costs a second to import: it is imported when a store is opened, not by every reader of this module.
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from chromadb.config import Settings

MetadataValue = str | int | float | bool

# Used when the client cannot tell its limit (get_max_batch_size missing or -1).
_FALLBACK_BATCH_SIZE = 1000

_T = TypeVar("_T")


class StoreError(MinshengError):
    """The vector store could not be opened or an operation on it failed; unreachable: a server that did not
    answer (the store itself may be fine), as opposed to a store that answered with an error."""

    def __init__(self, message: str, unreachable: bool = False) -> None:
        super().__init__(message)
        self.unreachable = unreachable


@dataclass(frozen=True)
class StoredHit:
    """One query result: the item's id, its cosine distance and its metadata."""

    id: str
    distance: float
    metadata: dict[str, MetadataValue]


class VectorStore(Protocol):
    """What the rest of the project needs from a vector store."""

    def upsert(
        self, ids: list[str], embeddings: list[list[float]], documents: list[str], metadatas: list[dict]
    ) -> None: ...

    def delete(self, ids: list[str]) -> None: ...

    def query(self, embedding: list[float], k: int, where: dict | None = None) -> list[StoredHit]: ...

    def count(self) -> int: ...

    def ids(self) -> list[str]: ...

    def vectors(self, ids: list[str]) -> dict[str, list[float]]: ...

    def reset(self) -> None: ...


def _settings() -> Settings:
    """Fresh client settings with telemetry off."""
    # A new object per client: HttpClient writes its host and port into the Settings
    # it is given, so a shared instance makes a second client on another port fail.
    from chromadb.config import Settings

    return Settings(anonymized_telemetry=False)


def _describe(client: ClientAPI) -> str:
    """Where a client's data lives, for error messages."""
    settings = client.get_settings()
    if settings.chroma_api_impl.endswith("FastAPI"):
        scheme = "https" if settings.chroma_server_ssl_enabled else "http"
        return f"Chroma server at {scheme}://{settings.chroma_server_host}:{settings.chroma_server_http_port}"
    if settings.is_persistent:
        return f"Chroma index at {settings.persist_directory}"
    return "in-memory Chroma index"


def _transport_error() -> type[Exception]:
    """httpx's error for a server that cannot be reached (imported with chromadb, which uses it)."""
    import httpx

    return httpx.TransportError


def _reason(exc: BaseException) -> str:
    """An exception's message plus the one it was raised from, if any."""
    cause = exc.__cause__ or exc.__context__
    return f"{exc} ({cause})" if cause is not None and str(cause) != str(exc) else str(exc)


def _replacing(collection: Collection, ids: list[str], metadatas: list[dict]) -> list[dict[str, Any] | None]:
    """Metadatas that make chroma's upsert replace, not merge, what is stored for ids."""
    # chroma merges an upsert's metadata into the stored one, so keys missing from the
    # new dict would survive; a None value deletes a key. It also rejects empty dicts,
    # and None (the whole metadata) means "nothing to set".
    stored = collection.get(ids=ids, include=["metadatas"])
    old_keys = {item_id: set(old or {}) for item_id, old in zip(stored["ids"], stored["metadatas"] or [])}
    return [
        {**dict.fromkeys(old_keys.get(item_id, set()) - metadata.keys()), **metadata} or None
        for item_id, metadata in zip(ids, metadatas)
    ]


def _batches(n: int, size: int) -> Iterator[slice]:
    """Consecutive slices of at most size covering range(n)."""
    return (slice(start, start + size) for start in range(0, n, size))


class ChromaStore:
    """A VectorStore on one chromadb collection with cosine distance."""

    def __init__(self, client: ClientAPI, collection: str) -> None:
        self._client = client
        self._name = collection
        self._where = _describe(client)
        self._batch_size: int | None = None
        with self._errors("open collection"):
            self._collection = self._open_collection()

    def _open_collection(self) -> Collection:
        """The named collection, created with cosine space if missing."""
        # embedding_function=None: we always pass embeddings, and chroma's default
        # would otherwise download an ONNX model the first time it is needed.
        return self._client.get_or_create_collection(
            self._name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )

    @contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        """Turn chromadb and transport failures inside the block into StoreError."""
        try:
            yield
        except StoreError:
            raise
        except _transport_error() as exc:
            raise StoreError(f"cannot reach the {self._where}: {action} failed: {exc}", unreachable=True) from exc
        except Exception as exc:
            raise StoreError(f"{self._where}, collection {self._name!r}: {action} failed: {_reason(exc)}") from exc

    def _call(self, action: str, fn: Callable[[Collection], _T]) -> _T:
        """Run fn on the collection, reopening it once if it was dropped meanwhile."""
        from chromadb.errors import NotFoundError

        with self._errors(action):
            try:
                return fn(self._collection)
            except NotFoundError:
                # Another store (or process) reset the collection; pick up its replacement.
                self._collection = self._open_collection()
                return fn(self._collection)

    def _max_batch(self) -> int:
        """The client's largest accepted batch, asked once."""
        if self._batch_size is None:
            with self._errors("get max batch size"):
                size = self._client.get_max_batch_size()
            self._batch_size = size if size > 0 else _FALLBACK_BATCH_SIZE
        return self._batch_size

    def upsert(
        self, ids: list[str], embeddings: list[list[float]], documents: list[str], metadatas: list[dict]
    ) -> None:
        """Insert items, replacing any with the same id."""
        if not len(ids) == len(embeddings) == len(documents) == len(metadatas):
            raise StoreError(
                f"{self._where}: upsert needs one embedding, document and metadata per id, got "
                f"{len(ids)} ids, {len(embeddings)} embeddings, {len(documents)} documents, {len(metadatas)} metadatas"
            )
        # Checked here because batching would otherwise let a later duplicate win silently.
        duplicates = sorted(item_id for item_id, n in Counter(ids).items() if n > 1)
        if duplicates:
            raise StoreError(f"{self._where}: upsert got these ids more than once: {', '.join(duplicates)}")
        for item_id, metadata in zip(ids, metadatas):
            nulls = sorted(key for key, value in metadata.items() if value is None)
            if nulls:
                raise StoreError(
                    f"{self._where}: item {item_id!r} has None for metadata {', '.join(nulls)}; "
                    "values must be str, int, float or bool"
                )
        if not ids:
            return
        for part in _batches(len(ids), self._max_batch()):
            self._call(
                "upsert",
                lambda col, part=part: col.upsert(
                    ids=ids[part],
                    embeddings=embeddings[part],
                    documents=documents[part],
                    metadatas=_replacing(col, ids[part], metadatas[part]),
                ),
            )

    def delete(self, ids: list[str]) -> None:
        """Remove items by id; unknown ids are ignored."""
        # chroma raises on an empty id list.
        if not ids:
            return
        for part in _batches(len(ids), self._max_batch()):
            self._call("delete", lambda col, part=part: col.delete(ids=ids[part]))

    def query(self, embedding: list[float], k: int, where: dict | None = None) -> list[StoredHit]:
        """The k items nearest to embedding, best first, optionally filtered by where (k < 1 gives [])."""
        if k < 1:
            return []
        result = self._call(
            "query",
            lambda col: col.query(
                query_embeddings=[embedding], n_results=k, where=where or None, include=["distances", "metadatas"]
            ),
        )
        ids = result["ids"][0]
        distances = (result["distances"] or [[]])[0]
        metadatas = (result["metadatas"] or [[]])[0]
        return [
            StoredHit(id=item_id, distance=float(distance), metadata=dict(metadata or {}))
            for item_id, distance, metadata in zip(ids, distances, metadatas)
        ]

    def count(self) -> int:
        """How many items the collection holds."""
        return self._call("count", lambda col: col.count())

    def ids(self) -> list[str]:
        """Every id in the collection."""
        found: list[str] = []
        size = self._max_batch()
        # Paged so a large collection does not need one huge response from a server.
        while True:
            page = self._call("list ids", lambda col: col.get(include=[], limit=size, offset=len(found))["ids"])
            found.extend(page)
            if len(page) < size:
                return found

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of ids (those the collection holds), fetched in pages."""
        found: dict[str, list[float]] = {}
        for part in _batches(len(ids), self._max_batch()):
            page = self._call("get vectors", lambda col, part=part: col.get(ids=ids[part], include=["embeddings"]))
            found.update((i, [float(x) for x in v]) for i, v in zip(page["ids"], page["embeddings"]))
        return found

    def reset(self) -> None:
        """Drop and recreate the collection."""
        from chromadb.errors import NotFoundError

        with self._errors("reset"):
            try:
                self._client.delete_collection(self._name)
            except NotFoundError:
                pass
            self._collection = self._open_collection()


def open_store(mode: str, path: Path, host: str, port: int, collection: str, fresh: bool = False) -> ChromaStore:
    """A ChromaStore on an embedded index at path ("embedded") or a server at host:port ("http").
    fresh: read the embedded index from disk again (another process may have written to it since this
    process opened it; chroma otherwise reuses the in-memory copy of the first client on that path)."""
    import chromadb

    if mode == "embedded":
        try:
            path.mkdir(parents=True, exist_ok=True)
            if fresh:
                from chromadb.api.client import SharedSystemClient

                SharedSystemClient.clear_system_cache()
            client = chromadb.PersistentClient(path=str(path), settings=_settings())
        except Exception as exc:
            raise StoreError(f"cannot open the Chroma index at {path}: {_reason(exc)}") from exc
    elif mode == "http":
        try:
            client = chromadb.HttpClient(host=host, port=port, settings=_settings())
        except Exception as exc:
            raise StoreError(f"cannot reach the Chroma server at http://{host}:{port}: {_reason(exc)}",
                             unreachable=True) from exc
    else:
        raise StoreError(
            f"unknown vector store mode {mode!r} (index path {path}, server http://{host}:{port}): "
            "expected 'embedded' or 'http'"
        )
    return ChromaStore(client, collection)


class LazyStore:
    """A VectorStore opened on its first use: a small index answers from its memory-mapped vectors and never asks
    the store, and opening chromadb costs a second of a cold `ask`."""

    def __init__(self, opener: Callable[[], VectorStore]) -> None:
        self._opener = opener
        self._opened: VectorStore | None = None

    def _store(self) -> VectorStore:
        if self._opened is None:
            self._opened = self._opener()
        return self._opened

    def upsert(
        self, ids: list[str], embeddings: list[list[float]], documents: list[str], metadatas: list[dict]
    ) -> None:
        """Add or replace items."""
        self._store().upsert(ids, embeddings, documents, metadatas)

    def delete(self, ids: list[str]) -> None:
        """Remove items."""
        self._store().delete(ids)

    def query(self, embedding: list[float], k: int, where: dict | None = None) -> list[StoredHit]:
        """The k nearest items (within where)."""
        return self._store().query(embedding, k, where)

    def count(self) -> int:
        """How many items the store holds."""
        return self._store().count()

    def ids(self) -> list[str]:
        """Every item's id."""
        return self._store().ids()

    def vectors(self, ids: list[str]) -> dict[str, list[float]]:
        """The stored vectors of ids."""
        return self._store().vectors(ids)

    def reset(self) -> None:
        """Drop everything."""
        self._store().reset()
