"""The words that name what happened, for ``monitor.actions`` and ``monitor.events``.

Contains no business logic: action classes (each a list of regular expressions over folded
text: lower case, accents removed), which classes one headline may name together, what an
action is about, the headlines that comment rather than report, and who brings a case.
"""

from __future__ import annotations

# action class → regular expressions over folded text (lower case, accents removed). Order is
# precedence: a headline that names several takes the first (an appeal of a fine is an
# appeal; a statement on a ruling is a response; a court approving a settlement a ruling).
ACTIONS: dict[str, tuple[str, ...]] = {
    "respond": (
        r"respond(?:s|ed|ing)?\b", r"responses?\b", r"reacts?\b", r"statements?\b",
        r"(?<!court )(?<!judge )(?<!tribunal )rejects?\b", r"(?<!court )(?<!judge )denies\b",
        r"disputes\b", r"vows?\b", r"hits back\b", r"pushes back\b", r"welcomes?\b",
        r"shrugs? off\b", r"brush(?:es)? off\b", r"downplays?\b", r"defies\b",
        r"criticis(?:es|ed)\b", r"criticiz(?:es|ed)\b",
        r"calls? (?:\w+ ){0,4}(?:unlawful|illegal|baseless|meritless|unfair|unjust|absurd)\b",
        r"(?:will|to|plans? to|plan|intends to|would|vows? to|says it will|may) "
        r"(?:appeal|challenge|fight|contest)\b",
        r"(?:won'?t|will not|refuses? to|does not intend to) pay\b", r"replica\b",
        r"reagisce\b", r"repond\b", r"conteste\b",
    ),
    "ruling": (
        r"rul(?:es|ed|ing|ings)\b", r"judg(?:e?ment|ements?)\b", r"verdicts?\b",
        r"uph(?:olds?|eld)\b", r"overturn(?:s|ed)?\b", r"str(?:ikes|uck) down\b",
        r"dismiss(?:es|ed|al)\b", r"throws? out\b", r"threw out\b", r"toss(?:es|ed)\b",
        r"(?:approv(?:es|ed|ing)|sign(?:s|ed)? off on|blesses|okays?)(?: \w+){0,5} settlements?\b",
        r"approved the (?:\w+ ){0,3}(?:agreement|deal|settlement)\b",
        r"settlement (?:\w+ ){0,2}(?:is |was )?(?:now )?(?:official|final|finali[sz]ed)\b",
        r"(?:final|preliminary|court) (?:approval|nod|ok|okay|green light)\b",
        r"injunctions?\b", r"sides? with\b",
        r"(?:wins?|won|loses?|lost) (?:\w+ ){0,2}appeal\b", r"appeal (?:fails|rejected|"
        r"dismissed|upheld)\b", r"sentenc(?:e|es|ed)\b", r"quash(?:es|ed)?\b",
        r"annul(?:s|led)\b", r"sentenza\b", r"annulla\b", r"jugement\b", r"annule\b",
        r"tribunal (?:rules|finds|sides)\b", r"court (?:rules|finds|orders|backs|blocks)\b",
        r"judge (?:rules|finds|orders|blocks|grants|denies|allows|lets)\b",
        r"(?:judge|court|tribunal|justices) (?:\w+ ){0,2}(?:approves|approved|signs off|okays|"
        r"backs|rejects|denies|dismisses|throws out)\b",
    ),
    "appeal": (
        r"appeal(?:s|ed|ing)?\b(?! court)", r"lodg(?:es|ed) (?:an )?(?:appeal|objection)\b",
        r"tak(?:e|es|ing|en) (?:\w+ ){0,4}to (?:the )?(?:\d+\w* circuit|appeals court|"
        r"court of appeals?|supreme court|appellate court|higher court)\b",
        r"challeng(?:es|ed) (?:\w+ ){0,4}(?:fine|ruling|decision|order|penalty|ban|approval)\b",
        r"contest(?:s|ed)\b", r"ricorso\b", r"impugna\b",
        r"recours\b", r"fait appel\b",
    ),
    "settle": (
        r"settl(?:e|es|ed|ing|ement|ements)\b", r"agrees? to pay\b", r"agreed to pay\b",
        r"consent (?:decree|order)\b", r"(?:deal|agreement|pact) to (?:end|resolve|settle)\b",
        r"to end (?:\w+ ){0,3}(?:suit|lawsuit|case|litigation|claims)\b", r"patteggia\w*\b",
        r"accordo transattivo\b",
        r"transaction\b", r"vergleich\b",
    ),
    "sue": (
        r"su(?:e|es|ed|ing)\b", r"suits?\b", r"lawsuits?\b", r"class[- ]actions?\b",
        r"complaints?\b",
        r"files? suit\b", r"filed suit\b", r"takes? \w+ to court\b", r"indict(?:s|ed|ment)\b",
        r"charg(?:es|ed) (?:\w+ ){0,3}with\b", r"accus(?:es|ed)\b", r"causa\b", r"denuncia\b",
        r"poursuit\b", r"porte plainte\b", r"verklag\w*\b", r"klage\b",
    ),
    "fine": (
        r"fin(?:e|es|ed|ing)\b", r"penalt(?:y|ies)\b", r"penali[sz](?:es|ed)\b",
        r"sanction(?:s|ed)?\b", r"slap(?:s|ped)? \w+ with\b", r"multa\w*\b", r"multe\b",
        r"sanzion\w*\b", r"amendes?\b", r"sanctionn\w*\b", r"bussgeld\w*\b",
        r"geldbusse\b", r"geldstrafe\b",
    ),
    "ban": (
        r"ban(?:s|ned)?\b", r"barr(?:ed|s)\b", r"prohibit(?:s|ed)?\b", r"cease[- ]and[- ]desist\b",
        r"order(?:s|ed)? (?:\w+ ){0,3}(?:to )?(?:delete|stop|cease|destroy|erase|halt)\b",
        r"vieta\b", r"interdit\b", r"divieto\b",
    ),
    "probe": (
        r"investigat(?:e|es|ed|ing|ion|ions)\b", r"prob(?:e|es|ed|ing)\b", r"inquir(?:y|ies)\b",
        r"audit(?:s|ed)?\b", r"look(?:s|ing)? (?:at|into)\b", r"examin(?:es|ing)\b",
        r"scrutin\w*\b", r"weigh(?:s|ing)\b", r"consider(?:s|ing)\b", r"mulls?\b",
        r"indagine\b", r"istruttoria\b", r"enquete\b", r"ermittl\w*\b",
    ),
    "resign": (
        r"resign(?:s|ed|ation)?\b", r"steps? down\b", r"stepped down\b", r"stepping down\b",
        r"quits?\b", r"depart(?:s|ure|ed)\b", r"ousted\b", r"out as\b", r"exits?\b",
        r"fired\b", r"dimess\w*\b", r"dimissioni\b", r"demission\w*\b", r"leaves?\b",
    ),
    "appoint": (
        r"appoint(?:s|ed|ment)?\b", r"named (?:as )?(?:new |interim |its )?(?:ceo|chief|"
        r"president|chair|head|co-ceo|general counsel)\b", r"names? (?:\w+ ){1,3}(?:as )?"
        r"(?:new |interim )?(?:ceo|chief|president|chair|head)\b", r"hires?\b", r"hired\b",
        r"(?:taps?|tapped) (?:\w+ ){1,3}(?:as|to lead|to run)\b", r"promot(?:es|ed)\b",
        r"joins? as\b", r"nomina\w*\b",
        r"nomme\w*\b",
    ),
    "acquire": (
        r"acquir(?:e|es|ed|ing)\b", r"acquisitions?\b", r"buys?\b", r"bought\b", r"takeover\b",
        r"takes? over\b", r"merg(?:e|es|er|ers|ing)\b", r"purchas(?:e|es|ed)\b",
        r"acquisizione\b", r"rachat\b", r"rachete\b",
    ),
    "funding": (
        r"rais(?:es|ed|ing) (?:\w+ ){0,2}(?:[$€£]|\d)", r"funding\b", r"series [a-f]\b",
        r"valuation\b", r"valued at\b", r"(?:investment|financing|seed) round\b",
        r"round of financing\b",
        r"(?:closes|completes|lands|secures) (?:[\w$€£.,'-]+ ){0,5}round\b",
    ),
    "contract": (
        r"contracts?\b", r"awards?\b", r"awarded\b", r"licen[cs]es?\b(?! plates?)",
        r"procure\w*\b",
        r"(?:wins?|won|secures?|lands?|gets?) (?:[\w$€£.,'-]+ ){0,6}(?:deal|tender|deployment|"
        r"order)\b",
        r"(?:signs?(?! off)|inks?|approv\w*|oks?|okays?) (?:[\w$€£.,'-]+ ){0,5}"
        r"(?:deal|agreement)\b",
        r"partner(?:s|ship)\b",
    ),
    "breach": (
        r"breach(?:es|ed)?\b", r"hack(?:s|ed|ers)?\b", r"leak(?:s|ed)?\b", r"cyberattack\b",
        r"stolen\b", r"expos(?:ed|es|ure)\b", r"unsecured\b",
        r"left (?:\w+ ){0,2}(?:unprotected|unsecured|open|exposed)\b",
    ),
    "layoffs": (r"lay(?:s)? off\b", r"laid off\b", r"layoffs\b", r"job cuts\b", r"cuts? \d+",),
    "hearing": (r"testif(?:y|ies|ied)\b", r"hearings?\b", r"grilled\b", r"deposition\b"),
    "launch": (
        r"launch(?:es|ed)?\b(?! (?:\w+ )?(?:probe|investigation|inquiry|lawsuit|suit|appeal|"
        r"challenge|review|audit|bid|campaign))", r"unveil(?:s|ed)?\b", r"introduc(?:es|ed)\b",
        r"rolls? out\b",
        r"debuts?\b", r"releases?\b",
    ),
}  # fmt: skip

# classes that one headline may name together with a higher-precedence one and still be about
# one event ("fined and ordered to delete", "appeals the fine", "sued, seeks penalties");
# any other pair means a headline about several things (a round-up): no event identity.
COMPANIONS: dict[str, frozenset[str]] = {
    "respond": frozenset(ACTIONS),
    "ruling": frozenset({"appeal", "settle", "sue", "fine", "ban", "probe", "hearing"}),
    "appeal": frozenset({"ruling", "fine", "ban", "sue", "settle", "probe"}),
    "settle": frozenset({"sue", "fine", "probe", "ban", "breach", "contract"}),
    "sue": frozenset({"fine", "ban", "probe", "breach"}),
    "fine": frozenset({"ban", "probe", "breach"}),
    "ban": frozenset({"probe"}),
    "probe": frozenset({"breach"}),
    "resign": frozenset({"appoint"}),
    "appoint": frozenset({"resign"}),
    "acquire": frozenset({"funding"}),
    "funding": frozenset(),
    "contract": frozenset(),
    "breach": frozenset(),
    "layoffs": frozenset(),
    "hearing": frozenset(),
    "launch": frozenset(),
}

# the particulars that name what an action is about, for the actions that have one: the
# role someone leaves or takes, the jobs cut or records exposed, the company bought, the
# product launched. Shared, they weigh as much as the amount of a fine.
OBJECTS: dict[str, str] = {
    "resign": "roles",
    "appoint": "roles",
    "layoffs": "counts",
    "breach": "counts",
    "acquire": "names",
    "launch": "names",
}
# actions whose object is a sum: amounts that disagree anywhere in the lead tell two apart
# (for others, amounts in the lead are often background: "…after a $1.4bn settlement in 2024")
MONEY_OBJECTS = frozenset({"fine", "settle", "funding", "contract", "acquire"})

# headlines that comment, explain, ask or collect rather than report one event
COMMENTARY = (
    r"^(?:how|why|what|who|when|where|should|could|can|is|are|does|do|will)\b",
    r"[:|—–-] (?:how|why|what|who|when|where)\b",
    r"\?\s*$",
    r"\b(?:explainer|explained|analysis|opinion|op-ed|commentary|editorial|column|podcast|"
    r"interview|q&a|faq|week in review|weekly|roundup|round-up|recap|newsletter|"
    r"digest|briefing|what we know|what to know|things to know|takeaways|timeline|lessons|"
    r"deep dive|in depth|a look at|looks back|one year after|a year after|anniversary|"
    r"the latest|live updates|everything you need)\b",
)


# actions about an earlier decision: what they are about (the fine appealed, the settlement
# approved) is one of their particulars
ABOUT = frozenset({"respond", "appeal", "ruling"})

# who brings a case: private plaintiffs, or a public body (``BODIES`` of these kinds)
PUBLIC_FILING = r"(?:\w+ ){0,4}(?:sues|sued|suing|files|filed|filing|brings|brought|takes)\b"
PRIVATE_PARTIES = (
    r"class[- ]actions?",
    r"proposed class",
    r"class suits?",
    r"(?:residents|drivers|consumers|"
    r"users|customers|activists|parents|workers|employees|shareholders|investors|plaintiffs|"
    r"groups?|advocates) (?:\w+ ){0,2}(?:sue|sues|file|filed|bring|brought)\b",
)
PUBLIC_BODIES = frozenset({"ag", "ftc", "doj", "sec", "cfpb", "fcc", "dpa", "competition"})
