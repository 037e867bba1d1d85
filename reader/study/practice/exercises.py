"""The exercises: what to implement, its signature, the definition and where the paper gives it."""

from __future__ import annotations

from dataclasses import dataclass

from reader.errors import ReaderError


class ExerciseNotFoundError(ReaderError):
    """An exercise name is not one of `reader practice list`."""

    exit_code = 2


@dataclass(frozen=True)
class Exercise:
    """One exercise: the learner writes `symbol`; the checker compares it to a reference."""

    name: str  # the CLI name, e.g. "multi-head-attention"
    title: str
    symbol: str  # the function or class the learner's file must define
    signature: str  # as the starter file prints it
    definition: str  # what to compute, in the paper's terms (the starter's docstring)
    paper_id: str
    paper_title: str
    section_number: str  # as the paper prints it, e.g. "3.2.1"
    section_title: str
    stage: int  # the reading-list stage the exercise belongs to

    @property
    def file_name(self) -> str:
        return self.name.replace("-", "_") + ".py"

    @property
    def paper_url(self) -> str:
        return f"https://arxiv.org/abs/{self.paper_id}"


_TRANSFORMER = ("1706.03762", "Attention Is All You Need")

EXERCISES: tuple[Exercise, ...] = (
    Exercise(
        name="attention",
        title="Scaled dot-product attention",
        symbol="scaled_dot_product_attention",
        signature="def scaled_dot_product_attention(q, k, v, mask=None):",
        definition=(
            "Attention(Q, K, V) = softmax(Q K^T / sqrt(d_k)) V.\n"
            "q: (..., Lq, d_k), k: (..., Lk, d_k), v: (..., Lk, d_v); mask: bool, broadcastable\n"
            "to (..., Lq, Lk), True = may attend (False positions get no weight).\n"
            "Returns (..., Lq, d_v)."
        ),
        paper_id=_TRANSFORMER[0],
        paper_title=_TRANSFORMER[1],
        section_number="3.2.1",
        section_title="Scaled Dot-Product Attention",
        stage=1,
    ),
    Exercise(
        name="multi-head-attention",
        title="Multi-head attention",
        symbol="MultiHeadAttention",
        signature=(
            "class MultiHeadAttention(nn.Module):\n"
            "    def __init__(self, d_model, num_heads):\n"
            "    def forward(self, query, key, value, mask=None):"
        ),
        definition=(
            "MultiHead(Q, K, V) = Concat(head_1, ..., head_h) W^O,\n"
            "head_i = Attention(Q W_i^Q, K W_i^K, V W_i^V), d_k = d_v = d_model / h.\n"
            "Four nn.Linear(d_model, d_model) attributes: w_q, w_k, w_v, w_o (the checker copies\n"
            "their weights into a reference). Batch-first tensors: query (B, Lq, d_model),\n"
            "key and value (B, Lk, d_model); mask: bool (B, Lq, Lk), True = may attend.\n"
            "forward returns (B, Lq, d_model)."
        ),
        paper_id=_TRANSFORMER[0],
        paper_title=_TRANSFORMER[1],
        section_number="3.2.2",
        section_title="Multi-Head Attention",
        stage=1,
    ),
    Exercise(
        name="positional-encoding",
        title="Sinusoidal positional encoding",
        symbol="positional_encoding",
        signature="def positional_encoding(max_len, d_model):",
        definition=(
            "PE(pos, 2i) = sin(pos / 10000^(2i / d_model)),\n"
            "PE(pos, 2i+1) = cos(pos / 10000^(2i / d_model)).\n"
            "Returns a float tensor (max_len, d_model); an odd d_model is allowed (its last\n"
            "column is a sine)."
        ),
        paper_id=_TRANSFORMER[0],
        paper_title=_TRANSFORMER[1],
        section_number="3.5",
        section_title="Positional Encoding",
        stage=1,
    ),
    Exercise(
        name="layer-norm",
        title="Layer normalization",
        symbol="layer_norm",
        signature="def layer_norm(x, weight, bias, eps=1e-5):",
        definition=(
            "Normalise over the last dimension: mu and sigma^2 are the mean and the (biased)\n"
            "variance of x over its last dimension; y = (x - mu) / sqrt(sigma^2 + eps) * weight\n"
            "+ bias, with weight and bias of shape (x.shape[-1],)."
        ),
        paper_id="1607.06450",
        paper_title="Layer Normalization",
        section_number="3",
        section_title="Layer normalization",
        stage=1,
    ),
    Exercise(
        name="gelu",
        title="GELU, the exact form",
        symbol="gelu",
        signature="def gelu(x):",
        definition=(
            "GELU(x) = x * Phi(x), Phi the cumulative distribution function of the standard\n"
            "normal distribution: x * 0.5 * (1 + erf(x / sqrt(2))). The exact form, not the\n"
            "tanh approximation."
        ),
        paper_id="1606.08415",
        paper_title="Gaussian Error Linear Units (GELUs)",
        section_number="2",
        section_title="GELU Formulation",
        stage=1,
    ),
    Exercise(
        name="clip-loss",
        title="CLIP's symmetric contrastive loss",
        symbol="clip_loss",
        signature="def clip_loss(image_features, text_features, temperature):",
        definition=(
            "image_features (N, D) and text_features (N, D), row i of each a matched pair.\n"
            "L2-normalise both, logits = image @ text^T / temperature (N, N), labels = 0..N-1;\n"
            "loss = (cross_entropy(logits, labels) + cross_entropy(logits^T, labels)) / 2,\n"
            "a scalar. temperature is a float or a 0-d tensor."
        ),
        paper_id="2103.00020",
        paper_title="Learning Transferable Visual Models From Natural Language Supervision",
        section_number="2.3",
        section_title="Selecting an Efficient Pre-Training Method",
        stage=2,
    ),
)


def exercise(name: str) -> Exercise:
    """The exercise called `name`, or a one-line error listing the names."""
    for ex in EXERCISES:
        if ex.name == name:
            return ex
    names = ", ".join(ex.name for ex in EXERCISES)
    raise ExerciseNotFoundError(f"no exercise {name!r}; choose one of: {names}")
