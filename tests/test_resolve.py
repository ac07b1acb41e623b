from kg.builder.resolve import alias_remap, build_entities, short_name_remap
from kg.model import Mention


def m(doc, text, cls, key, label, source="ner", is_name=True, same_as=()):
    return Mention(doc, 0, len(text), text, cls, key, label, same_as, source, is_name)


def test_surname_joins_the_only_full_name_in_the_corpus():
    ms = [
        m(
            "a",
            "Kassym-Jomart Tokayev",
            "Person",
            "person:kassym-jomart-tokayev",
            "Kassym-Jomart Tokayev",
        ),
        m("b", "Tokayev", "Person", "person:tokayev", "Tokayev"),
    ]
    assert short_name_remap(ms) == {"person:tokayev": "person:kassym-jomart-tokayev"}


def test_people_sharing_a_surname_stay_apart():
    ms = [
        m("a", "John Smith", "Person", "person:john-smith", "John Smith"),
        m("b", "Mary Smith", "Person", "person:mary-smith", "Mary Smith"),
        m("c", "Smith", "Person", "person:smith", "Smith"),
    ]
    assert short_name_remap(ms) == {}
    entities = build_entities(ms, {})
    assert set(entities) == {"person:john-smith", "person:mary-smith", "person:smith"}


def test_acronym_known_in_one_document_joins_across_documents():
    ms = [
        m(
            "a",
            "National Security Committee",
            "Organization",
            "organization:national-security-committee",
            "National Security Committee",
        ),
        m(
            "a",
            "KNB",
            "Organization",
            "organization:national-security-committee",
            "National Security Committee",
            source="acronym",
        ),
        m("b", "KNB", "Organization", "organization:knb", "KNB"),
    ]
    remap = alias_remap(ms)
    assert remap == {"organization:knb": "organization:national-security-committee"}
    entities = build_entities(ms, remap)
    assert list(entities) == ["organization:national-security-committee"]
    assert entities["organization:national-security-committee"].documents == {"a", "b"}


def test_entity_gets_gazetteer_label_aliases_and_demonyms():
    wd = ("http://www.wikidata.org/entity/Q232",)
    ms = [
        m(
            "a",
            "Kazakhstan",
            "Country",
            "country:kazakhstan",
            "Kazakhstan",
            "gazetteer",
            same_as=wd,
        ),
        m("a", "Kazakh", "Country", "country:kazakhstan", "Kazakhstan", "demonym", False, wd),
        m(
            "b",
            "Republic of Kazakhstan",
            "Country",
            "country:kazakhstan",
            "Kazakhstan",
            "gazetteer",
            same_as=wd,
        ),
    ]
    ent = build_entities(ms, {})["country:kazakhstan"]
    assert ent.label == "Kazakhstan" and ent.cls == "Country"
    assert ent.alt_labels == {"Kazakh", "Republic of Kazakhstan"}
    assert ent.same_as == set(wd) and ent.documents == {"a", "b"}


def test_class_vote_prefers_names_over_references():
    ms = [
        m("a", "Obuz", "Person", "x:obuz", "Obuz"),
        m("a", "Obuz", "Location", "x:obuz", "Obuz"),
        m("b", "Obuz", "Location", "x:obuz", "Obuz"),
        m("b", "it", "Organization", "x:obuz", "Obuz", "coref", False),
    ]
    assert build_entities(ms, {})["x:obuz"].cls == "Location"
