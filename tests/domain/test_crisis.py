import re

import pytest

from bot.domain.crisis import CrisisHit, CrisisKind, detect, lexicon
from bot.domain.crisis.terms import parse as _parse

SUICIDE, SELF_HARM, DANGER = CrisisKind.SUICIDE, CrisisKind.SELF_HARM, CrisisKind.DANGER_FROM_OTHERS


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # suicide
        ("ik wil dood", SUICIDE),
        ("Ik wil gewoon dood!!!", SUICIDE),
        ("ik wil doooooood", SUICIDE),
        ("ikwil dood", SUICIDE),
        ("ik wil dood😭😭", SUICIDE),
        ("Ik wil... gewoon dood", SUICIDE),
        ("k wil dood", SUICIDE),
        ("ik wil doodgaan", SUICIDE),
        ("ik wil dood gaan", SUICIDE),
        ("nee ik wil dood", SUICIDE),
        ("het gaat niet goed, ik wil dood", SUICIDE),
        ("ik kan niet meer ik wil dood", SUICIDE),
        ("ik denk aan zelfmoord", SUICIDE),
        ("ik denk aan zelf moord", SUICIDE),
        ("zelfmood", SUICIDE),
        ("ik heb zelmoord gedachten", SUICIDE),
        ("Zelfmoordgedachten...", SUICIDE),
        ("zelfmoord-gedachten", SUICIDE),
        ("SUÏCIDE", SUICIDE),
        ("ik ben suïcidaal", SUICIDE),
        ("zelfdoding", SUICIDE),
        ("ik wil er niet meer zijn", SUICIDE),
        ("ik wil niet meer leven", SUICIDE),
        ("ik wil echt niet meer leven", SUICIDE),
        ("ik zie het niet meer zitten", SUICIDE),
        ("zie t nie meer zitte", SUICIDE),
        ("ik maak er een eind aan", SUICIDE),
        ("ik wil er een einde aan maken", SUICIDE),
        ("ik ga mezelf van kant maken", SUICIDE),
        ("ik wil van het dak springen", SUICIDE),
        ("ik ga voor de trein springen", SUICIDE),
        ("pillen slikken om dood te gaan", SUICIDE),
        ("ik neem al m'n pillen in", SUICIDE),
        ("kms", SUICIDE),
        ("i want to kill myself", SUICIDE),
        ("ik wil slapen en nooit meer wakker worden", SUICIDE),
        ("was ik maar dood", SUICIDE),
        ("het leven heeft geen zin meer", SUICIDE),
        ("iedereen is beter af zonder mij", SUICIDE),
        ("ik denk aan de dood", SUICIDE),
        ("ik heb alle pillen ingenomen", CrisisKind.ACUTE_DANGER),
        # self-harm
        ("ik snij mezelf", SELF_HARM),
        ("ik snijd mezelf weer", SELF_HARM),
        ("ik wil mezelf snijden", SELF_HARM),
        ("ik wil mezelf pijn doen", SELF_HARM),
        ("ik doe me zelf pijn", SELF_HARM),
        ("krassen", SELF_HARM),
        ("ik heb weer gekrast", SELF_HARM),
        ("ik ga mezelf iets aandoen", SELF_HARM),
        ("ik ga me iets aandoen", SELF_HARM),
        ("zelfbeschadiging", SELF_HARM),
        ("ik kan het krassen niet laten", SELF_HARM),
        # danger
        ("hij slaat me", DANGER),
        ("Help!!! hij slaat me", DANGER),
        ("mijn vriend slaat mij elke dag", DANGER),
        ("ik word bedreigd", DANGER),
        ("ik wordt bedreigd", DANGER),
        ("hij wil me vermoorden", DANGER),
        ("hij wil me dood", DANGER),
        ("ik ben niet veilig", DANGER),
        ("iemand staat met een mes voor de deur", DANGER),
        ("er staat iemand met een mes", DANGER),
        ("ik ben in gevaar", DANGER),
        ("huiselijk geweld", DANGER),
        ("ik ben bang dat hij me iets aandoet", DANGER),
        ("ik ben bang voor mijn leven", DANGER),
    ],
)
def test_crisis_language_is_spotted(text: str, kind: CrisisKind) -> None:
    hit = detect(text)
    assert hit is not None and hit.kind == kind, hit


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Hoi, hoe gaat het?",
        "ik wil NIET dood",
        "ik wil niet dood",
        "ik wil niet meer dood",
        "ik wil echt niet meer dood",
        "ik wil niet dood, ik wil hulp",
        "ik heb geen suïcidale gedachten",
        "ik denk niet aan zelfmoord",
        "geen zelfmoordgedachten meer",
        "ik heb nooit zelfmoordgedachten gehad",
        "ik denk er niet aan om mezelf iets aan te doen",
        "ik word niet bedreigd",
        "ik ben niet in gevaar",
        "zelfmoordpreventie",
        "113 zelfmoordpreventie",
        "ik heb 113 Zelfmoordpreventie gebeld",
        "ik heb de crisiskaart",
        "ik ga dood van het lachen",
        "ik schrik me dood",
        "ik lach me dood",
        "ik ben doodmoe",
        "ik ben doodziek van die rekeningen",
        "ik verveel me dood",
        "ik wil me dood lachen om die film",
        "dodelijk saai, dat formulier",
        "ik zie het niet zitten om naar de tandarts te gaan",
        "ik zie het weer zitten",
        "ik zie het wel zitten",
        "ik wil niet meer naar die cursus",
        "ik wil leven",
        "ik moet mijn pillen nog slikken",
        "ik heb alle pillen opgehaald bij de apotheek",
        "mijn moeder is dood",
        "ik ga dood van de honger",
        "hij sloeg de deur dicht",
        "ik snij de uien",
        "mijn kat is dood gegaan",
        "ik heb een kraslot gekocht",
        "ik heb 10 km's gefietst",
        "ik voel me veilig thuis",
        "de trein had vertraging",
        "dat is financiële zelfmoord",
    ],
)
def test_ordinary_talk_is_left_alone(text: str) -> None:
    assert detect(text) is None


def test_the_hit_names_the_list_entry_not_the_message() -> None:
    assert detect("ik heb zelfmoordgedachten") == CrisisHit(SUICIDE, "zelfmoord*")
    assert detect("ik zie het echt niet meer zitten") == CrisisHit(SUICIDE, "zie het niet meer zitten")


def test_a_crisis_later_in_the_message_still_counts() -> None:
    text = "Ik heb 113 zelfmoordpreventie gebeld. " + "Het ging over mijn schulden. " * 100 + "Ik wil dood."
    assert len(text) > 2500
    hit = detect(text)
    assert hit is not None and hit.kind == SUICIDE


def test_more_specific_phrase_wins() -> None:
    assert detect("hij wil me dood") == CrisisHit(DANGER, "wil me dood")


def test_every_list_entry_matches_itself() -> None:
    """Guards the list: an entry cancelled by an [ignore] line or a typo in a wildcard never fires."""
    groups = lexicon().groups
    silent = []
    for pattern in lexicon().patterns.patterns:
        text = re.sub(r"@(\w+)", lambda m: groups[m[1]][0], pattern.phrase).replace("%", "30")
        if detect(text.replace("*", "")) is None:
            silent.append(pattern.phrase)
    assert silent == []


@pytest.mark.parametrize(
    "text",
    [
        "zelfmoord",  # no section
        "[suicide]\nzelf*moord",  # * inside a word
        "[danger_from_others]\nx y",  # one-letter first word
        "[unknown]\nx",
        "[spelling]\nk ik",  # no =
        "[spelling]\nab cd ef = gh",
    ],
)
def test_malformed_lists_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        _parse(text)


def test_format_features_from_a_small_list() -> None:
    lexicon = _parse("# comment\n[danger_from_others]\nbedreigd  # trailing comment\n[ignore]\nniet bedreigd\n")
    assert [p.phrase for p in lexicon.patterns.patterns] == ["bedreigd"]
