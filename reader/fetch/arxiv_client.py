"""Get a reading-list paper's PDF onto local disk: local folder, then cache, then arXiv."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from reader.catalog import safe_file_stem, validate_arxiv_id
from reader.errors import CatalogError, FetchError
from reader.fetch.http import (
    PermanentError,
    RateLimiter,
    TransientError,
    download_pdf,
    file_sha256,
    status_error,
    with_retries,
)
from reader.models import FetchedPaper, PaperEntry, PaperMeta
from reader.settings import Settings

_VERSIONED = re.compile(r"(?P<id>.+)v(?P<version>[1-9]\d*)")


def cache_path(paper_id: str, version: int, settings: Settings) -> Path:
    """Where the cache keeps one version of a paper: <cache>/<id>v<N>.pdf, '/' mapped to '_'."""
    return settings.pdf_cache_dir / f"{safe_file_stem(paper_id)}v{version}.pdf"


def local_pdf_for(entry: PaperEntry, settings: Settings) -> Path | None:
    """A PDF for `entry` already on disk (pdf_dir or cache), or None.

    A pinned version only matches files of that version, or an unversioned <id>.pdf in
    pdf_dir (the user put it there for this entry). Unpinned, the newest local version wins.
    """
    stem = safe_file_stem(entry.id)
    pdf_dir = settings.pdf_dir
    cache = settings.pdf_cache_dir
    candidates: list[Path] = []
    if entry.version is not None:
        name = f"{stem}v{entry.version}.pdf"
        if pdf_dir is not None:
            candidates.append(pdf_dir / name)
        candidates.append(cache / name)
        if pdf_dir is not None:
            candidates.append(pdf_dir / f"{stem}.pdf")
    else:
        if pdf_dir is not None:
            candidates.append(pdf_dir / f"{stem}.pdf")
            candidates.extend(_versions_newest_first(pdf_dir, stem))
        candidates.extend(_versions_newest_first(cache, stem))
    return next((path for path in candidates if path.is_file()), None)


def _versions_newest_first(folder: Path, stem: str) -> list[Path]:
    if not folder.is_dir():
        return []
    found: list[tuple[int, Path]] = []
    for path in folder.glob(f"{stem}v*.pdf"):
        version = _file_version(path, stem)
        if version is not None:
            found.append((version, path))
    return [path for _, path in sorted(found, reverse=True)]


def _file_version(path: Path, stem: str) -> int | None:
    match = re.fullmatch(re.escape(stem) + r"v([1-9]\d*)\.pdf", path.name)
    return int(match.group(1)) if match else None


class PaperFetcher:
    """Fetches papers politely: one rate limiter and one arXiv client per fetcher."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._limiter = RateLimiter(settings.arxiv_delay_seconds)
        self._client: Any = None
        self._session: Any = None
        self._connect_failed = False
        self._api_down: str | None = None  # why arXiv could not be reached, once it could not

    def fetch(self, entry: PaperEntry) -> FetchedPaper:
        """Return the paper's PDF on disk; raise FetchError naming the id and the reason."""
        try:
            paper_id = validate_arxiv_id(entry.id)
        except CatalogError as exc:
            raise FetchError(f"cannot fetch {entry.id!r}: {exc}") from None
        label = f"{paper_id}v{entry.version}" if entry.version else paper_id
        local = local_pdf_for(entry, self.settings)
        if local is not None:
            return self._from_local(entry, paper_id, local)
        if self.settings.offline:
            stem = safe_file_stem(paper_id)
            raise FetchError(
                f"offline and no local PDF for {paper_id}; put {stem}.pdf in --pdf-dir "
                "or run without --offline"
            )
        if self._api_down is not None:
            # Retrying an unreachable host for every paper would only multiply the wait.
            raise FetchError(
                f"cannot fetch {label}: {self._api_down} (it failed for an earlier paper; "
                "not retried this run)"
            )
        try:
            meta = self._metadata(paper_id, entry.version)
            return self._download(meta)
        except PermanentError as exc:
            if self._connect_failed:
                self._api_down = f"cannot connect to the arXiv API at {self.settings.arxiv_api_url}"
            raise FetchError(f"cannot fetch {label}: {exc.reason}") from None

    def _from_local(self, entry: PaperEntry, paper_id: str, path: Path) -> FetchedPaper:
        # No network: the title comes from the reading list, the version from the file name.
        version = _file_version(path, safe_file_stem(paper_id))
        meta = PaperMeta(
            id=paper_id,
            version=version if version is not None else entry.version,
            title=entry.title or entry.short_name or paper_id,
        )
        try:
            digest = file_sha256(path)
        except OSError as exc:
            raise FetchError(f"cannot read {path} for {paper_id}: {exc.strerror or exc}") from None
        return FetchedPaper(meta=meta, pdf_path=path, sha256=digest)

    # ------------------------------------------------------------ metadata

    def metadata(self, paper_id: str, version: int | None = None) -> PaperMeta:
        """arXiv's record of a paper (title, newest or pinned version); FetchError if none."""
        label = f"{paper_id}v{version}" if version else paper_id
        if self.settings.offline:
            raise FetchError(f"offline: cannot look up {label} on arXiv; run without --offline")
        try:
            return self._metadata(validate_arxiv_id(paper_id), version)
        except CatalogError as exc:
            raise FetchError(f"cannot look up {paper_id!r}: {exc}") from None
        except PermanentError as exc:
            raise FetchError(f"cannot look up {label} on arXiv: {exc.reason}") from None

    def _metadata(self, paper_id: str, version: int | None) -> PaperMeta:
        query = f"{paper_id}v{version}" if version else paper_id
        results = with_retries(
            lambda: self._query(query),
            limiter=self._limiter,
            retries=self.settings.arxiv_retries,
            base_delay=self.settings.arxiv_delay_seconds,
        )
        if not results:
            raise PermanentError(f"arXiv has no paper {query}; check the id in the reading list")
        result = results[0]
        short = str(result.get_short_id())
        match = _VERSIONED.fullmatch(short)
        if match is None or match["id"] != paper_id:
            raise PermanentError(f"arXiv answered {short!r} instead of {query}")
        got = int(match["version"])
        if version is not None and got != version:
            raise PermanentError(
                f"arXiv answered version v{got} but the reading list pins v{version}; "
                "fix 'version' in the reading list"
            )
        published = getattr(result, "published", None)
        return PaperMeta(
            id=paper_id,
            version=got,
            title=" ".join(str(result.title).split()) or paper_id,
            authors=tuple(str(author.name) for author in result.authors),
            published=published.date().isoformat() if published is not None else None,
            summary=" ".join(str(result.summary).split()) or None,
            pdf_url=_pdf_url(result) or f"https://arxiv.org/pdf/{paper_id}v{got}",
        )

    def _query(self, query: str) -> list[Any]:
        import arxiv
        import requests

        client, session = self._arxiv_client()
        try:
            results = list(client.results(arxiv.Search(id_list=[query], max_results=1)))
            self._connect_failed = False
            return results
        except arxiv.HTTPError as exc:
            last = session.last_response
            retry_after = last.headers.get("Retry-After") if last is not None else None
            raise status_error(exc.status, self.settings.arxiv_api_url, retry_after) from None
        except requests.Timeout:
            raise TransientError(
                f"arXiv API timed out after {self.settings.http_timeout_seconds:g}s"
            ) from None
        except requests.ConnectionError as exc:
            self._connect_failed = True
            raise TransientError(
                f"cannot connect to the arXiv API at {self.settings.arxiv_api_url} "
                f"({type(exc).__name__})"
            ) from None
        except requests.RequestException as exc:
            raise PermanentError(f"arXiv API request failed ({exc})") from None

    def _arxiv_client(self) -> tuple[Any, Any]:
        if self._client is None:
            import arxiv

            # Retries and spacing are ours (shared with PDF downloads, honouring Retry-After),
            # so the client's own are off.
            client = arxiv.Client(page_size=1, delay_seconds=0.0, num_retries=0)
            # arxiv 4.x reads its endpoint from this attribute; there is no constructor option.
            client.query_url_format = self.settings.arxiv_api_url + "?{}"
            # Its requests.Session has no timeout; ours adds one and keeps the last response
            # so a 429's Retry-After header can be read.
            self._session = _timeout_session(self.settings.http_timeout_seconds)
            client._session = self._session
            self._client = client
        return self._client, self._session

    # ------------------------------------------------------------ PDF

    def _download(self, meta: PaperMeta) -> FetchedPaper:
        assert meta.version is not None and meta.pdf_url is not None
        dest = cache_path(meta.id, meta.version, self.settings)
        if not dest.is_file():
            try:
                dest.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise PermanentError(
                    f"cannot create the cache folder {dest.parent} ({exc.strerror or exc})"
                ) from None
            url = meta.pdf_url
            timeout = self.settings.http_timeout_seconds
            digest = with_retries(
                lambda: download_pdf(url, dest, timeout),
                limiter=self._limiter,
                retries=self.settings.arxiv_retries,
                base_delay=self.settings.arxiv_delay_seconds,
            )
            return FetchedPaper(meta=meta, pdf_path=dest, sha256=digest)
        return FetchedPaper(meta=meta, pdf_path=dest, sha256=file_sha256(dest))


def _pdf_url(result: Any) -> str | None:
    url = getattr(result, "pdf_url", None)
    if not url:
        links = getattr(result, "links", ())
        url = next((x.href for x in links if x.content_type == "application/pdf"), None)
    if not url:
        return None
    # The feed still says http://arxiv.org; going straight to https saves a redirect.
    return re.sub(r"^http://(export\.)?arxiv\.org/", "https://arxiv.org/", str(url))


def _timeout_session(timeout: float) -> Any:
    import requests

    class TimeoutSession(requests.Session):
        last_response: requests.Response | None = None

        def request(self, method: Any, url: Any, *args: Any, **kwargs: Any) -> requests.Response:
            kwargs.setdefault("timeout", timeout)
            response = super().request(method, url, *args, **kwargs)
            self.last_response = response
            return response

    return TimeoutSession()
