"""Which papers a question names: short names, title heads, acronyms, distinctive phrases."""

from __future__ import annotations

from reader.answers.paper_names import named_in, paper_name_keys
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
