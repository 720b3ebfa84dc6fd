"""Settings of the workspace index (scan, chunking, embeddings, search)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class StoreSettings(BaseModel):
    """Where the vectors live. ``hnswlib``: local files per folder. ``qdrant``: a shared collection
    (a server at ``url``, or qdrant-client's local mode at ``path``), the ``aurelis[qdrant]`` extra."""

    model_config = ConfigDict(extra="forbid")

    kind: Literal["hnswlib", "qdrant"] = Field(
        "hnswlib",
        description="`hnswlib`: local index files per folder. `qdrant`: a shared collection that a team (or CI "
        "with `aurelis index --push`) fills; files that differ locally are indexed into a local overlay.",
    )
    url: str | None = Field(
        None, description="Qdrant server URL (user-level settings only: it receives your code's vectors)."
    )
    path: str | None = Field(
        None, description="Folder for qdrant-client's local mode (no server), used when `url` is not set."
    )
    collection: str | None = Field(
        None,
        description="Collection name; default `aurelis-<repository>-<model hash>`. A collection built by "
        "another model or backend is refused, never mixed.",
    )
    api_key_env: str | None = Field(
        None, description="Environment variable holding the Qdrant API key (user-level settings only)."
    )
    timeout: float = Field(10.0, gt=0, le=600, description="Seconds per Qdrant request.")
    publish: Literal["auto", "always", "never"] = Field(
        "auto",
        description="Whether this client writes what it encodes from disk to the collection. `auto`: in local "
        "mode (it owns the collection) yes; against a server no (CI publishes with `aurelis index --push`).",
    )


class EmbeddingsServerSettings(BaseModel):
    """An OpenAI-compatible `/v1/embeddings` server (text-embeddings-inference, vLLM, llama.cpp, Ollama)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str | None = Field(
        None,
        description="Base URL of an OpenAI-compatible embeddings server, e.g. `http://gpu-box:8080/v1` "
        '(with `index.backend = "openai-compatible"`; user-level settings only: it receives your code).',
    )
    api_key_env: str | None = Field(
        None, description="Environment variable holding its API key (user-level settings only)."
    )
    batch_size: int = Field(64, ge=1, le=2048, description="Texts per `/v1/embeddings` request.")
    timeout: float = Field(30.0, gt=0, le=600, description="Seconds per request.")
    retries: int = Field(
        2, ge=0, le=10, description="Retries of a failed or timed-out request (with backoff)."
    )


class IndexSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    enabled: bool = Field(True, description="Build and keep the semantic index of each workspace folder.")
    backend: Literal["auto", "onnx", "sentence-transformers", "openai-compatible"] = Field(
        "auto",
        description="Embedding runtime. `onnx` (default install): onnxruntime, no torch; runs the default model "
        "or a local folder with model.onnx + tokenizer.json. `sentence-transformers` (the `aurelis[torch]` "
        "extra): any model name or path. `openai-compatible`: the `index.embeddings` server encodes (`model` is "
        "its model name). `auto`: onnx when it can run the model, else sentence-transformers.",
    )
    model: str = Field(
        "all-MiniLM-L6-v2",
        description="Embedding model: the default all-MiniLM-L6-v2 ships with the install (int8 ONNX, tuned for "
        "code search; the torch extra ships its sentence-transformers weights, untuned) and needs no network; "
        "else a local path or, "
        "with sentence-transformers, a model name from the local cache.",
    )
    exclude: list[str] = Field(
        default_factory=list,
        description="Extra gitignore-style globs to leave out of the index (on top of .gitignore and .aurelisignore).",
    )
    max_file_bytes: int = Field(1_048_576, ge=1, description="Files larger than this are not indexed.")
    max_line_chars: int = Field(
        1000,
        ge=80,
        description="A file with a line longer than this is treated as generated/minified and skipped.",
    )
    max_tokens: int = Field(
        128,
        ge=16,
        le=512,
        description="Word pieces embedded per chunk. all-MiniLM-L6-v2 was trained at 128; measured on stdlib "
        "docstring->function search, 256 halves throughput and ranks no better (MRR@10 within noise).",
    )
    batch_size: int = Field(
        8,
        ge=1,
        le=1024,
        description="Chunks per model forward pass. A background build gives way to the editor between passes; "
        "on CPU larger passes are not faster, and a small one (~0.2 s on one core) seldom delays an edit.",
    )
    threads: int = Field(
        0,
        ge=0,
        description="Threads for embedding; 0 = the physical cores. A background build gives way to the "
        "editor between batches, and idle threads sleep rather than spin.",
    )
    chunk_lines: int = Field(
        60, ge=5, description="A function longer than this many lines is split into overlapping windows."
    )
    window_lines: int = Field(30, ge=3, description="Lines per window of module-level code.")
    search_mode: Literal["hybrid", "dense", "lexical"] = Field(
        "hybrid",
        description="Default ranking of `aurelis.search`: dense + BM25 scores fused, or one side.",
    )
    debounce_ms: int = Field(
        750, ge=0, description="Quiet time after the last didChange before an open file is re-indexed."
    )
    store: StoreSettings = Field(default_factory=StoreSettings)
    embeddings: EmbeddingsServerSettings = Field(default_factory=EmbeddingsServerSettings)
