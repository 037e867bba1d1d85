"""Which papers a question names: short names, title heads, acronyms, distinctive phrases."""

from __future__ import annotations

from reader.answers.paper_names import named_in, paper_name_keys, self_names
from reader.models import PaperEntry

BLIP = PaperEntry(
    "2201.12086",
    title="BLIP: Bootstrapping Language-Image Pre-training for Unified Vision-Language",
)
BLIP2 = PaperEntry(
    "2301.12597",
    title="BLIP-2: Bootstrapping Language-Image Pre-training with Frozen Image Encoders",
    short_name="BLIP-2",
)
LDM = PaperEntry(
    "2112.10752",
    title="High-Resolution Image Synthesis with Latent Diffusion Models",
    short_name="Latent Diffusion",
)
CLIP = PaperEntry("2103.00020", title="Learning Transferable Visual Models", short_name="CLIP")


def test_a_longer_name_wins_over_the_name_inside_it() -> None:
    keys = paper_name_keys([BLIP, BLIP2])
    assert named_in("What does the Q-Former do in BLIP-2?", keys).paper_ids == {"2301.12597"}
    assert named_in("What is CapFilt in BLIP?", keys).paper_ids == {"2201.12086"}
    both = named_in("How does BLIP-2 differ from BLIP?", keys).paper_ids
    assert both == {"2201.12086", "2301.12597"}


def test_short_name_head_and_title_phrase_name_a_paper() -> None:
    keys = paper_name_keys([CLIP, LDM, BLIP])
    assert named_in("How does CLIP do zero-shot classification?", keys).paper_ids == {"2103.00020"}
    assert named_in("why latent diffusion models?", keys).paper_ids == {"2112.10752"}
    assert "clip" in named_in("How does CLIP work?", keys).stems


def test_a_weak_paper_needs_more_than_a_two_word_title_phrase() -> None:
    question = "What does ViT do on higher resolution images?"
    assert named_in("in high resolution image synthesis", paper_name_keys([LDM])).paper_ids
    weak = paper_name_keys([LDM], weak={LDM.id})
    assert not named_in("on resolution images", weak).paper_ids
    assert not named_in(question, weak).paper_ids
    assert named_in("in high resolution image synthesis", weak).paper_ids == {LDM.id}


def test_a_paper_is_named_by_the_acronym_it_gives_itself_and_its_long_form() -> None:
    vit_title = "An Image is Worth 16x16 Words: Transformers for Image Recognition at Scale"
    opening = (
        "While the Transformer is the standard in natural language processing (NLP), we apply "
        "a Vision Transformer (ViT) directly to sequences of image patches. ViT attains "
        "excellent results, trained with stochastic gradient descent (SGD)."
    )
    assert set(self_names(vit_title, opening)) == {"ViT", "Vision Transformer"}


def test_a_shared_acronym_names_the_paper_whose_title_backs_it_and_versions_win() -> None:
    moco = PaperEntry("1911.05722", title="Momentum Contrast for Unsupervised Visual Learning")
    v2 = PaperEntry("2003.04297", title="Improved Baselines with Momentum Contrastive Learning")
    openings = {
        moco.id: "We present Momentum Contrast (MoCo) for unsupervised learning. MoCo works.",
        v2.id: "Momentum Contrast (MoCo) works well. We build MoCo v2 on top of it.",
    }
    keys = paper_name_keys([moco, v2], openings=openings)
    assert named_in("How does MoCo keep its queue?", keys).paper_ids == {moco.id}
    assert named_in("Which temperature does MoCo v2 use?", keys).paper_ids == {v2.id}


def test_the_first_named_paper_is_the_one_asked_about() -> None:
    adam = PaperEntry("1412.6980", title="Adam: A Method for Stochastic Optimization")
    transformer = PaperEntry("1706.03762", title="Attention Is All You Need")
    keys = paper_name_keys([adam, transformer])
    match = named_in("Which β2 does Attention Is All You Need set for its Adam optimizer?", keys)
    assert match.paper_ids == {adam.id, transformer.id}
    assert match.first == {transformer.id}


def test_a_paper_that_names_itself_only_later_is_named_from_its_body() -> None:
    title = "Deep Residual Learning for Image Recognition"
    opening = "Deeper neural networks are more difficult to train, with SGD (SGD) or not."
    body = "Next we evaluate 18-layer and 34-layer residual nets (ResNets). We compare VGG v2."
    # Versions only from the opening.
    assert self_names(title, opening, body) == {"ResNets": 1, "residual nets": 1}
    assert self_names(title, opening) == {}
