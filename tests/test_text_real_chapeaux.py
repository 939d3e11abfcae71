"""Real chapeau shapes name their addressee (the notes of issue 12 name the real texts);
the wording is invented."""

import pytest

from tracker.texts.parsing import parse_text


def units(text: str) -> list[tuple]:
    return [(u.number, u.parent, u.text, u.addressee) for u in parse_text(text).units]


@pytest.mark.parametrize(
    ("chapeau", "addressee"),
    [
        (
            "In the light of the above considerations, and bearing in mind its earlier work on"
            " the matter, the Assembly calls on member States to:",
            "member States",
        ),
        (
            "Given the seriousness of the situation and the persistent refusal of the"
            " authorities to co-operate with the Assembly and its rapporteurs, the Assembly"
            " urges Otherland to:",
            "Otherland",
        ),
        (
            "The Assembly condemns the attack and calls on the international community to:",
            "the international community",
        ),
        ("The Assembly reiterates its call on member States to:", "member States"),
        (
            "The Assembly decides to follow the matter and instructs its Committee on Legal"
            " Affairs and Human Rights to:",
            "its Committee on Legal Affairs and Human Rights",
        ),
        ("The Assembly calls on Examplestan and Otherland to:", "Examplestan and Otherland"),
        (
            "The Assembly calls upon member and observer States, and the international community"
            " as a whole, to:",
            "member and observer States, and the international community as a whole",
        ),
        (
            "The Assembly urges the authorities, and in particular the ruling party, to:",
            "the authorities",
        ),
    ],
)
def test_real_chapeau_shapes_name_their_addressee(chapeau, addressee):
    text = f"Resolution 2888 (2030)\nA title\nParliamentary Assembly\n1. {chapeau}\n1.1. act.\n"
    assert units(text) == [
        ("1", None, chapeau, addressee),
        ("1.1", "1", "act.", addressee),
    ]


def test_a_unit_with_two_calls_names_the_first_unless_it_introduces_sub_units():
    text = (
        "Resolution 2888 (2030)\nA title\nParliamentary Assembly\n"
        "1. The Assembly calls on the authorities to release A and invites the Secretary General"
        " to report.\n2. The Assembly notes the reforms and encourages the authorities to pursue"
        " them.\n"
    )
    assert [u[3] for u in units(text)] == ["the authorities", "the authorities"]


def test_a_chapeau_after_a_sentence_naming_others_lets_sub_units_name_theirs():
    text = (
        "Resolution 2888 (2030)\nA title\nParliamentary Assembly\n"
        "1. The Assembly urges States which have been found to practise ill-treatment, in"
        " particular Examplestan and Otherland, to act. In particular, it urges:\n"
        "1.1. Examplestan to ensure that perpetrators are held to account;\n"
        "1.2. the authorities of Otherland to release the detainees.\n"
        "2. The Assembly calls on States Parties to the Convention to:\n2.1. co-operate.\n"
    )
    states = "States which have been found to practise ill-treatment"
    assert [(u[0], u[3]) for u in units(text)] == [
        ("1", states),
        ("1.1", "Examplestan"),
        ("1.2", "the authorities of Otherland"),
        ("2", "States Parties to the Convention"),
        ("2.1", "States Parties to the Convention"),
    ]
