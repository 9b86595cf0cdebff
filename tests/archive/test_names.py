import pytest

from archive.names import Name, structured_name


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Nicole Gaouette", Name(family="Gaouette", given="Nicole")),
        ("Seunghee Ha", Name(family="Ha", given="Seunghee")),
        ("Hyung-jin Kim", Name(family="Kim", given="Hyung-jin")),
        ("Sue Mi Terry", Name(family="Terry", given="Sue Mi")),
        ("Kim Jong Un", Name(family="Kim", given="Jong Un")),
        ("Kim Jong-un", Name(family="Kim", given="Jong-un")),
        ("Moon Jae-in", Name(family="Moon", given="Jae-in")),
        ("Ri Sol Ju", Name(family="Ri", given="Sol Ju")),
        ("김정은", Name(family="김", given="정은")),
        ("남궁민수", Name(family="남궁", given="민수")),
        ("Gaouette, Nicole", Name(family="Gaouette", given="Nicole")),
        ("Ludwig van Beethoven", Name(family="van Beethoven", given="Ludwig")),
        (
            "Martin Luther King Jr.",
            Name(family="King", given="Martin Luther", suffix="Jr."),
        ),
        ("Lee Child", Name(family="Child", given="Lee")),
        ("Reuters", Name(literal="Reuters")),
        ("KCNA", Name(literal="KCNA")),
        ("Daily NK", Name(literal="Daily NK")),
        ("Yonhap News Agency", Name(literal="Yonhap News Agency")),
        (
            "Liberty in North Korea (LiNK)",
            Name(literal="Liberty in North Korea (LiNK)"),
        ),
        ("38 North", Name(literal="38 North")),
    ],
)
def test_names_are_read_as_a_cataloguer_would(written, expected):
    assert structured_name(written) == expected


def test_a_name_the_source_also_bears_is_the_organisation():
    assert structured_name("Choe Sang", organisations=frozenset({"choe sang"})) == (
        Name(literal="Choe Sang")
    )


def test_inverted_forms():
    assert Name(family="Kim", given="Jong Un").inverted() == "Kim, Jong Un"
    assert Name(literal="KCNA").inverted() == "KCNA"
