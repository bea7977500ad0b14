"""The words that name what happened, for ``monitor.actions`` and ``monitor.events``.

Contains no business logic: action classes (each a list of regular expressions over folded
text: lower case, accents removed), which classes one headline may name together, what an
action is about, the headlines that comment rather than report, and who brings a case.
"""

from __future__ import annotations

from monitor.lexicon import NATIONALITY_NOUNS, US_STATES

_STATES = "|".join(names[0] for names in US_STATES.values())  # folded full names
# a word that names a company after at most two others ("breached voice-id vendor")
_ACTOR_NOUN = rf" (?:[\w'-]+ ){{0,2}}(?:{'|'.join(NATIONALITY_NOUNS)})\b"
_NOT_LAW = (
    r"(?! (?:[\w'-]+ ){0,2}(?:act|acts|law|laws|rules|gdpr|regulations?|code|principles?|"
    r"obligations?|duty|duties|order|orders)\b)"
)

# a probe someone calls for ("senator calls for inquiry into…") is not one opened
_NOT_CALLED = "".join(
    f"(?<!{call} for {article})" for call in ("call", "calls") for article in ("", "a ", "an ")
)

# action class → regular expressions over folded text (lower case, accents removed). Order is
# precedence: a headline that names several takes the first (an appeal of a fine is an
# appeal; a statement on a ruling is a response; a court approving a settlement a ruling).
ACTIONS: dict[str, tuple[str, ...]] = {
    "respond": (
        r"respond(?:s|ed|ing)?\b(?! to (?:\d+|calls?|emergenc\w*|incidents?|fires?|crash\w*))",
        r"(?<!aerial )(?<!emergency )(?<!first )(?<!first-)(?<!rapid )(?<!incident )responses?\b"
        r"(?! (?:times?|teams?|units?|systems?|vehicles?|platforms?|capabilit))",
        r"reacts?\b",
        r"statements?\b(?! (?:on|regarding|about) (?:a |the )?(?:cyber ?)?(?:security |data )?"
        r"(?:incident|breach))",
        r"(?<!court )(?<!judge )(?<!judges )(?<!tribunal )(?<!justices )(?<!panel )rejects?\b",
        r"(?<!court )(?<!judge )(?<!judges )(?<!tribunal )(?<!justices )(?<!panel )denies\b",
        r"disputes\b", r"vows?\b", r"hits back\b", r"welcomes?\b",
        r"pushes back\b(?= on| against|\s*$|[,:;])",  # not "pushes back its listing": a delay
        r"shrugs? off\b", r"brush(?:es)? off\b", r"downplays?\b", r"defies\b",
        r"criticis(?:es|ed)\b", r"criticiz(?:es|ed)\b",
        r"calls? (?:[\w'-]+ ){0,4}(?:unlawful|illegal|baseless|meritless|unfair|unjust|absurd)\b",
        r"(?:won'?t|will not|refuses? to|does not intend to) pay\b", r"replica\b",
        r"reagisce\b", r"repond\b", r"conteste\b",
    ),
    "ruling": (
        r"rul(?:ed|ing|ings)\b", r"judg(?:e?ment|ements?)\b", r"verdicts?\b",
        r"uph(?:olds?|eld)\b", r"overturn(?:s|ed)?\b", r"str(?:ikes|uck) down\b",
        r"dismiss(?:es|ed|al)\b", r"throws? out\b", r"threw out\b", r"toss(?:es|ed)\b",
        r"(?:approv(?:es|ed|ing)|sign(?:s|ed)? off on|blesses|okays?)(?: \w+){0,5} settlements?\b",
        r"approved the (?:[\w'-]+ ){0,3}(?:agreement|deal|settlement)\b",
        r"settlement (?:[\w'-]+ ){0,2}(?:is |was )?(?:now )?(?:official|final|finali[sz]ed)\b",
        r"(?:final|preliminary|court) (?:approval|nod|ok|okay|green light)\b",
        r"injunctions?\b", r"sides? with\b",
        r"(?:wins?|won|loses?|lost) (?:[\w'-]+ ){0,4}(?:appeal|challenge|bid|case|fight|lawsuit|"
        r"suit)\b", r"appeal (?:fails|rejected|dismissed|upheld)\b",
        r"sentenc(?:e|es|ed)\b", r"quash(?:es|ed)?\b", r"annul(?:s|led)\b", r"sentenza\b",
        r"annulla\b", r"jugement\b", r"annule\b", r"(?:rules|finds) (?:that|against|in favou?r)\b",
        r"can'?t (?:shake|escape|dodge|beat|duck|avoid|halt|pause|stop|block|suspend)\b",
        r"(?:refuses?|refused|declines?|declined|won'?t|will not) (?:to )?(?:dismiss|toss|"
        r"throw out|block|suspend|pause|stay|lift|halt)\b",
        r"lets (?:[\w'-]+ ){0,4}proceed\b",
        r"(?:judges?|court|justices|tribunal) (?:decides?|decided|says|said)\b",
        r"(?:judges?|court|justices|tribunal) (?:[\w'-]+ ){0,2}(?:freezes?|froze)\b",
        r"grants? (?:[\w'-]+ ){0,4}motion\b",
        r"survives? (?:[\w'-]+ ){0,2}(?:motion|bid|challenge)\b",
        r"(?:watchdog|regulator|commissioner|ombudsman|oaic|ico|cnil|dpa) (?:[\w'-]+ ){0,2}"
        r"(?:rules|finds|found|determines|determined)\b",
        r"(?:judge|court|tribunal|justices|panel) (?:[\w'-]+ ){0,2}(?:rules|finds|orders|backs|"
        r"blocks|grants|denies|allows|lets|approves|approved|signs off|okays|rejects|dismisses|"
        r"throws out|upholds|sides|halts|freezes|suspends|pauses|stops)\b",
        r"court order (?:puts|halts|freezes|blocks|suspends|stops)\b",
    ),
    "hearing": (
        r"testif(?:y|ies|ied)\b", r"hearings?\b", r"hears?\b", r"grilled\b", r"grills?\b",
        r"depositions?\b", r"oral arguments?\b",
        r"tells? (?:a |the )?(?:house |senate |congressional |parliamentary )?(?:panel|committee|"
        r"lawmakers|senators)\b", r"arguments?\b", r"appears? before\b",
        r"(?:lawmakers|senators|congressmen|mps) (?:[\w'-]+ ){0,2}(?:want|wants|demand|demands) "
        r"answers\b",
        r"(?:judges?|justices|lawmakers|senators|aldermen|committee|panel|councill?ors) "
        r"(?:[\w'-]+ ){0,2}(?:question|questions|questioned|press|pressed|skeptical)\b",
        # legislators who summon an executive, or one who is to face them, hold a hearing
        r"(?:lawmakers|legislators|senators|senate|congress|parliament|mps|committee|panel) "
        r"(?:[\w'-]+ ){0,2}summon(?:s|ed)?\b",
        r"(?:to )?face (?:[\w'-]+ ){0,2}(?:lawmakers|legislators|senators|senate|congress|"
        r"parliament|mps|committee|panel)\b",
    ),
    "appeal": (
        r"appeal(?:s|ed|ing)?\b(?! (?:court|judges?))",
        r"lodg(?:es|ed) (?:an )?(?:appeal|objection)\b",
        # a complaint against a decision appeals it (the "against" clause may lie outside
        # the headline's main clause, so it is only looked ahead to)
        r"(?:lodg|fil)(?:es|ed) (?:a |an )?complaint\b(?= (?:[\w.'-]+ ){0,4}against "
        r"(?:[\w.'-]+ ){0,3}(?:decision|ruling|fine|order|penalty)\b)",
        r"seeks? (?:[\w'-]+ ){0,2}review\b",
        r"tak(?:e|es|ing|en) (?:[\w'-]+ ){0,4}to (?:the )?(?:[\w'-]+ )?(?:\d+\w* circuit|"
        r"appeals court|court of appeals?|supreme court|appellate court|higher court|high court|"
        r"tribunal)\b",
        r"(?:legal )?challenge (?:to|against) (?:[\w$€£.,'-]+ ){0,4}(?:fine|ruling|decision|order|"
        r"penalty|ban)\b",
        r"challeng(?:es|ed) (?:[\w$€£.,'-]+ ){0,4}(?:fine|ruling|decision|order|penalty|ban|"
        r"approval)\b",
        r"tak(?:e|es|ing|en) (?:[\w$€£.,'-]+ ){0,5}(?:fine|penalty|sanction|ruling|decision|order|"
        r"ban) to\b",
        r"contest(?:s|ed)\b", r"ricorso\b", r"impugna\b", r"recours\b", r"fait appel\b",
        r"(?:will|to|plans? to|plan|intends to|would|vows? to|says it will|may) "
        r"(?:appeal|challenge|fight|contest)\b",
        r"fights? (?:[\w$€£.,'-]+ ){0,4}(?:fine|penalty|ruling|decision|order|ban)\b",
        r"application for (?:judicial |merits )?review\b",
        r"(?:sues?|asks? (?:[\w'-]+ ){0,4}(?:judges?|courts?|tribunal)) to (?:undo|overturn|cancel|"
        r"annul|quash|void|lift|set aside) (?:[\w$€£.,'-]+ ){0,4}(?:fine|penalty|sanction|decision|"
        r"order|ruling|ban)\b",
        # a company that goes to court over a regulator's decision appeals it
        r"to (?:[\w'-]+ ){0,2}court (?:over|against) (?:[\w$€£.,'-]+ ){0,4}(?:fine|penalty|"
        r"sanction|decision|order|ban)\b",
        # a company that sues its regulator contests what the regulator decided
        r"(?:sues?|sued|suing|tak(?:e|es|ing)|took) (?:the |its |[\w'-]+'s )?(?:[\w'-]+ ){0,2}"
        r"(?:regulator|watchdog)\b",
    ),
    "settle": (
        r"settl(?:e|es|ed|ing|ement|ements)\b", r"agrees? to pay\b", r"agreed to pay\b",
        r"consent (?:decree|order)\b", r"(?:deal|agreement|pact) to (?:end|resolve|settle)\b",
        r"to end (?:[\w'-]+ ){0,3}(?:suit|lawsuit|case|litigation|claims|fight|battle|dispute)\b",
        r"patteggia\w*\b", r"reach(?:es)? (?:[\w'-]+ ){0,2}(?:accord|agreement)\b",
        r"attorney general (?:[\w'-]+ ){0,3}(?:announces|secures|reaches) (?:[\w$€£.,'-]+ ){0,3}"
        r"agreement\b",
        r"resolv(?:e|es|ed|ing) (?:[\w.'-]+ ){0,3}(?:suit|lawsuit|case|litigation|claims|probe|"
        r"investigation|charges|action)\b",
        r"clos(?:es|ed|ing) (?:[\w.'-]+ ){0,3}(?:probe|investigation|case|suit|lawsuit) with\b",
        r"(?:put|puts|putting) (?:[\w.'-]+ ){1,4}to rest\b",
        r"to close (?:out )?(?:[\w.'-]+ ){0,5}(?:suit|lawsuit|case|litigation|claims|probe|"
        r"investigation)\b",
        # who pays whom: a company "to pay" a state owes it (an attorney general's
        # settlement); a customer that pays the company buys from it (a contract)
        rf"to pay (?:the )?(?:state of |people of )?(?:{_STATES})\b",
        r"ends? (?:[\w'-]+ ){0,3}(?:suit|lawsuit|case|litigation|claims|probe)\b",
        r"accordo transattivo\b", r"vergleich\b",
    ),
    "sue": (
        r"su(?:e|es|ed|ing)\b", r"suits?\b", r"lawsuits?\b", r"class[- ]actions?\b",
        r"complaints?\b", r"files? suit\b", r"filed suit\b",
        r"tak(?:e|es|ing) (?:[\w'-]+ ){0,3}to court\b", r"goes to court\b",
        r"reach(?:es|ed)? (?:[\w'-]+ ){0,2}courts?\b",
        r"challeng(?:e|es|ed) (?:[\w$€£.,'-]+ ){0,5}in court\b",
        r"indict(?:s|ed|ment)\b",
        r"hits? (?:[\w'-]+ ){0,3}with (?:[\w'-]+ ){0,3}(?:claims|suit|lawsuit|charges)\b",
        r"(?:brings?|brought|files?|filed) (?:[\w'-]+ ){0,6}(?:case|action) against\b",
        r"charg(?:es|ed) (?:[\w'-]+ ){0,3}with\b", r"accus(?:es|ed)\b",
        r"seeks? (?:[\w'-]+ ){0,3}(?:penalt(?:y|ies)|damages)\b",
        r"seeks? (?:[a-z]{0,3}[$€£][\d.,]+ ?(?:m|mn|million|bn|billion)?) from\b",
        r"(?:group|legal|representative|collective|mass) (?:claims?|actions?)\b",
        r"(?:brings?|files?|filed|launch(?:es)?) (?:[\w'-]+ ){0,3}claims?\b", r"causa\b",
        r"denuncia\b", r"amparos?\b", r"poursuit\b", r"porte plainte\b", r"verklag\w*\b",
        r"klage\b",
    ),
    "legislation": (
        r"(?<!unpaid )bills?\b", r"legislation\b",
        r"lawmakers (?:[\w'-]+ ){0,2}(?:propose|introduce|pass|approve|back)\w*\b",
        r"(?:proposed|draft) (?:[\w'-]+ ){0,2}law\b",
        r"(?:house|chamber|senate|parliament|congress|assembly|legislature|deputies|mps) "
        r"(?:[\w'-]+ ){0,2}(?:votes? to|pass(?:es|ed)?|approv(?:e|es|ed))\b",
    ),
    "fine": (
        r"fin(?:e|es|ed|ing)\b", r"penalt(?:y|ies)\b", r"penali[sz](?:e|es|ed)\b",
        r"sanction(?:s|ed)?\b", r"slap(?:s|ped)? \w+ with\b",
        r"(?:regulator|watchdog|authority|dpa|cnil|ico|garante) slaps\b",
        r"(?:orders?|ordered|must) (?:[\w'-]+ ){0,3}(?:to )?pay\b", r"multa\w*\b", r"multe\b",
        r"sanzion\w*\b", r"amendes?\b", r"sanctionn\w*\b", r"bussgeld\w*\b",
        r"geldbusse\b", r"geldstrafe\b",
    ),
    "ban": (
        r"ban(?:s|ned)?\b", r"bar(?:s|red)?\b", r"prohibit(?:s|ed|ion|ions)?\b",
        r"cease[- ]and[- ]desist\b", r"(?:deletion|erasure) orders?\b",
        r"(?:orders?|ordered|tells?|told|must|to) (?:[\w'-]+ ){0,3}(?:to )?(?:delete|stop|cease|"
        r"destroy|erase|halt|purge|wipe)\b", r"outlaws?\b",
        r"vieta\b", r"interdit\b", r"divieto\b",
    ),
    "warning": (
        r"warn(?:s|ed|ing|ings)?\b", r"reprimand(?:s|ed)?\b", r"rebuk(?:e|es|ed)\b",
        r"(?:administrative |regulatory |formal )?guidance\b", r"caution(?:s|ed)\b",
        r"admonish(?:es|ed)\b", r"avvertimento\b", r"ammonimento\b", r"avertissement\b",
    ),
    "probe": (
        rf"(?<!bureau of ){_NOT_CALLED}investigat(?:e|es|ed|ing|ion|ions)\b",
        rf"{_NOT_CALLED}prob(?:e|es|ed|ing)\b",
        rf"{_NOT_CALLED}inquir(?:y|ies)\b", r"civil investigative demands?\b",
        r"opens? (?:[\w'-]+ ){0,4}(?:case|inquiry|investigation|probe|proceedings?|process)\b",
        r"enquir(?:y|ies)\b", r"audit(?:s|ed)?\b", r"look(?:s|ing)? (?:hard )?(?:at|into)\b",
        r"examin(?:e|es|ing)\b", r"scrutin\w*\b", r"weigh(?:s|ing)\b",
        r"consider(?:s|ing)\b", r"mulls?\b", r"demands? answers\b",
        r"(?:regulator|watchdog|authority|commissioner|ombudsman) (?:[\w'-]+ ){0,2}steps? in\b",
        r"gives? (?:[\w'-]+ ){0,3}\d+ (?:days|weeks) to (?:explain|respond|answer|justify)\b",
        r"indagine\b", r"istruttoria\b",
        r"enquete\b", r"ermittl\w*\b",
    ),
    "incident": (
        r"crash(?:es|ed)?\b", r"smash(?:es|ed)? into\b", r"slams? into\b", r"flew into\b",
        r"collid(?:es|ed)\b", r"collision\b", r"accidents?\b", r"explosions?\b",
        r"hits? (?:[\w'-]+ ){0,3}(?:building|apartment|window|house|home|car|vehicle|crowd)\b",
        r"fail(?:s|ed)?\b(?! to)", r"failures?\b", r"outages?\b", r"meltdowns?\b",
        r"glitch(?:es)?\b", r"(?:goes|went) down\b",
        r"(?:took|takes|knocks?|knocked) (?:out|down|offline)\b", r"malfunction(?:s|ed)?\b",
    ),
    "breach": (
        # not a law broken ("breached the Privacy Act", "breach of GDPR"): that is a finding;
        # nor an actor's attribute ("takes over at breached voice-ID vendor"): the context
        rf"breach(?:es)?\b{_NOT_LAW}", rf"breached\b{_NOT_LAW}(?!{_ACTOR_NOUN})",
        r"hack(?:s|ers)?\b", rf"hacked\b(?!{_ACTOR_NOUN})", r"leak(?:s|ed)?\b",
        r"cyber ?attacks?\b", r"stolen\b", r"stole\b", r"swiped\b", r"expos(?:ed|es|ure)\b",
        r"unsecured\b", r"left (?:[\w'-]+ ){0,2}(?:unprotected|unsecured|open|exposed)\b",
        r"security incident\b", r"cyber ?security incident\b",
        r"open (?:cloud |storage |s3 )?bucket\b",
    ),
    "suspend": (
        r"grounds?\b(?! for)", r"grounded\b",
        r"(?<!refuses to )(?<!refused to )(?<!declined to )(?<!won't )suspend(?:s|ed)?\b",
        r"halts?\b",
        r"paus(?:es|ed)\b", r"on hold\b",
        r"no longer (?:scanned|scanning|used|using|uses|in use|deployed|offered)\b",
        r"parks? (?:[\w'-]+ ){0,3}drones?\b",
        r"temporary (?:limitation|restriction) on\b",
        # a customer dropping a vendor's product or the vendor itself
        r"(?:pulls?|pulled|removes?|removed|drops?|dropped|ditch(?:es|ed)?|scraps?|scrapped|"
        r"switch(?:es|ed)? off|turns? off) (?:[\w'-]+ ){0,5}(?:cameras?|drones?|systems?|"
        r"software|tools?|technology|tech|services?|apps?|checks?|programs?|programmes?|"
        r"scanners?|scans?|devices?|ids?|verification|authentication|logins?)\b",
        r"(?:ends?|ended|ending|cancels?|cancell?ed|terminat(?:es|ed)|scraps?|scrapped) "
        r"(?:[\w'-]+ ){0,3}"
        r"(?:contracts?|deals?|agreements?|partnerships?|relationship|pilots?|trials?)\b",
        r"cuts? ties\b", r"severs? ties\b", r"walks? away from\b",
        r"(?:ends?|ended|stops?|stopped|halts?|halted) (?:its |their )?use of\b",
        r"(?:won'?t|will not|not to|declines? to|decided not to) renew\b",
        r"loses? (?:[\w'-]+ ){0,3}(?:customers?|clients?)\b", r"swaps? out\b",
        r"(?:switch(?:es|ed)?|moves?|moved) (?:[\w'-]+ ){0,3}to (?:a )?rival\b",
    ),
    "resign": (
        r"resign(?:s|ed|ation)?\b", r"steps? down\b", r"stepped down\b", r"stepping down\b",
        r"quits?\b", r"depart(?:s|ure|ed)?\b", r"walks? out at\b",
        r"steps? (?:back|aside) (?:from|as)\b",
        r"claims? (?:its |their |a )?(?:first |second |another |latest )?(?:executive|ceo|chief|"
        r"boss|head|scalp)\b",
        r"(?<!lights )out at\b", r"ousted\b", r"out as\b",
        r"(?<![/-])(?<!entry )exits?\b(?! (?:system|systems|strategy|polls?|interviews?|visas?|"
        r"stamps?|checks?|row|routes?))",  # not an "Entry/Exit System"
        r"fired\b", r"dimess\w*\b", r"dimissioni\b", r"demission\w*\b",
        r"(?:chief|ceo|cfo|cto|coo|ciso|head|president|chair|chairman|chairwoman|director|"
        r"officer|executive|boss) (?:is|was) out\b",
        r"leaves?\b(?! \d)(?! (?:[\w'-]+ ){0,4}(?:missed|stranded|behind|waiting|without|"
        r"exposed|open|unanswered|running|intact|untouched|unchanged|in place))", r"leaving\b",
        r"leadership (?:transition|change|shake-?up)\b",
    ),
    "appoint": (
        r"appoint(?:s|ed|ment)?\b", r"named (?:as )?(?:new |interim |its )?(?:ceo|chief|"
        r"president|chair|head|co-ceo|general counsel)\b", r"names? (?:[\w'-]+ ){1,6}(?:as )?"
        r"(?:new |interim )?(?:ceo|cto|cfo|coo|chief|president|chair|head|director|"
        r"general counsel)\b",
        # hiring banks or lawyers is no appointment, nor a vendor hired for a job ("Lima
        # hires Mexico's Mirvia for 250 traffic cameras": a contract)
        r"hir(?:es?|ed)\b(?! (?:[\w'-]+ )?(?:banks|bankers|advis[eo]rs|underwriters|lawyers|"
        r"law firms?))(?! (?:[\w.'-]+ ){1,4}for \d)",
        r"brings? in (?:an? |the )?(?:[\w'-]+ ){0,2}(?:veteran|executive|exec|chief|ceo|cfo|cto|"
        r"official)\b",
        r"(?:taps?|tapped) (?:[\w'-]+ ){1,3}(?:as|to lead|to run)\b", r"promot(?:es|ed)\b",
        r"joins? as\b", r"takes? the helm\b", r"to lead\b",
        r"fill(?:s|ed)? (?:[\w'-]+ ){0,3}(?:post|role|position|job|seat|vacancy)\b",
        r"new (?:[\w'-]+ ){0,2}(?:boss|chief|ceo)\b",
        r"takes? over (?:as|at)\b", r"(?:permanent|interim) (?:ceo|chief|boss)\b",
        r"(?:for|as|to) (?:the )?top job\b",
        r"adds? (?:[\w'-]+ ){0,3}(?:chief|ceo|cfo|cto|coo|ciso|president|director|officer)\b",
        r"nomina\w*\b", r"nomme\w*\b",
    ),
    "listing": (
        r"ipos?\b", r"initial public offering\b", r"go(?:es|ing)? public\b",
        r"(?:stock market|share|public) listing\b", r"floats?\b", r"flotation\b",
        r"listing plans?\b", r"list (?:its )?shares\b",
        r"(?:delays?|postpones?|pushes back|shelves|puts off) (?:[\w'-]+ ){0,3}(?:listing|debut|"
        r"offering)\b",
        r"(?:stock market|market|trading|nasdaq|exchange|share) debut\b",
    ),
    "acquire": (
        r"acquir(?:e|es|ed|ing)\b", r"acquisitions?\b", r"bought\b",
        # a company buys; "lets you buy beer" is someone shopping
        r"(?<!\byou )(?<!\bshoppers )(?<!\bcustomers )(?<!\bpeople )buy(?:s|ing)?\b",
        r"takeover\b", r"takes? over\b(?! as\b| at\b)", r"merg(?:e|es|er|ers|ing)\b",
        r"purchas(?:e|es|ed)\b",
        r"snap(?:s|ped)? up\b", r"sold to\b",
        r"moves? for (?:[\w'-]+ ){1,3}in (?:[\w$€£.,'-]+ ){0,3}(?:deal|bid|offer)\b",
        r"(?:agrees?|agreed) (?:[\w'-]+ )?sale\b", r"to buy\b",
        r"acquisizione\b", r"rachat\b", r"rachete\b",
    ),
    "funding": (
        r"rais(?:es|ed|ing) (?:[\w'-]+ ){0,2}(?:[a-z]{0,3}[$€£]|[a-z]{0,3}\d)", r"funding\b",
        r"investors? (?:back|backs|pour|pours|put|puts)\b",
        r"series [a-f]\b",
        r"valuation\b", r"valued at\b", r"(?:investment|financing|seed) round\b",
        r"round of financing\b", r"investment\b",
        r"(?:closes|completes|lands|secures|gets) (?:[\w$€£.,'-]+ ){0,5}round\b",
        r"taps investors\b", r"from investors\b", r"placement\b", r"capital raise\b",
        # a sum a company gets, for something or from someone: not a sum it is fined or paid
        r"(?:lands?|gets?|got|nets?|bags?|secures?|pulls? in|brings? in) (?:another |more than )?"
        r"[a-z]{0,2}[$€£][\d.,]+ ?(?:m|mn|million|bn|billion)?"
        r"(?=\s*$|,| (?:from|for|as|led|in (?:new )?(?:funding|financing|investment)|"
        r"to (?!settle|resolve|end|pay)))",
        r"(?:a lot|lots) (?:more|of) (?:money|cash)\b",
    ),
    "contract": (
        r"contracts?\b", r"awards?\b", r"awarded\b", r"licen[cs]es?\b(?! plates?)",
        r"procure\w*\b", r"subscriptions?\b", r"renew(?:s|ed|al)?\b", r"re-?ups?\b",
        r"(?:wins?|won|secures?|lands?|gets?) (?:[\w$€£.,'-]+ ){0,6}(?:deal|tender|deployment|"
        r"order)\b",
        r"signs? up\b",
        r"(?:signs?(?! off)|inks?|approv\w*|oks?|okays?|extends?) (?:[\w$€£.,'-]+ ){0,5}"
        r"(?:deal|agreement)\b",
        r"hir(?:es|ed) (?:[\w.'-]+ ){1,4}for \d",
        r"(?:picks?|chooses?|selects?|adds) (?:[\w'-]+ ){0,3}(?:for|to)\b"
        r"(?! (?:the )?top job)(?! (?:its |a |the )?(?:list|register|roster|blacklist))",
        r"to deploy\b", r"selected (?:to|by|for)\b", r"signs? with\b", r"re-?upped\b",
        r"orders? \d+ (?!(?:[\w'-]+ ){0,2}(?:to|days|weeks|months|years))",
        r"to (?:install|supply|deliver|equip)\b",
        # a customer offering the vendor's product at its own outlets
        r"to offer (?:[\w'-]+ ){1,4}(?:at|in|across) (?:all |its )?(?:[\d,]+ )?"
        r"(?:stores|branches|checkouts|stations|outlets)\b",
        r"partners? with\b", r"partnership\b", r"will pay (?:[\w'-]+ ){0,3}[$€£]",
        r"pay(?:s|ing)? (?:[\w'-]+ ){0,3}[$€£]",
    ),
    "permit": (
        r"waivers?\b", r"certif(?:ies|ied|ication)\b", r"clears? (?:[\w'-]+ ){0,3}(?:for|to)\b",
        r"approv(?:es|ed|al) (?:[\w'-]+ ){0,3}to (?:fly|operate|sell|use|launch)\b",
    ),
    "patent": (r"patent(?:s|ed)?\b",),
    "layoffs": (
        r"lay(?:s)? off\b", r"laid off\b", r"layoffs\b", r"job cuts\b", r"cuts? \d+",
        r"redundanc(?:y|ies)\b",
        r"(?:trims?|cuts?|slash(?:es)?|reduces?) (?:[\w%,]+ ){0,3}(?:workforce|headcount|staff)\b",
        r"(?:cuts?|axes?|axed|slash(?:es)?|shed(?:s|ding)?) "
        r"(?:[\w,]+ ){0,2}(?:jobs|roles|staff|workers|positions|employees)\b",
    ),
    "launch": (
        r"launch(?:es|ed)?\b(?! (?:[\w'-]+ ){0,2}(?:probe|investigation|inquiry|lawsuit|suit|"
        r"appeal|challenge|review|audit|bid|campaign|claim|action|legal))", r"unveil(?:s|ed)?\b",
        r"introduc(?:es|ed)\b", r"rolls? out\b",
        r"(?<!market )(?<!trading )(?<!nasdaq )(?<!exchange )(?<!share )debuts?\b",
        r"releas(?:es|ed)\b",
    ),
    # people protesting (drivers, students, residents): an event of its own, not the act it
    # protests nor the one it leads to ("Taksimo suspends selfie checks after driver protest")
    "protest": (
        r"protest(?:s|ed|ing)?\b", r"rall(?:y|ies|ied) (?:against|outside)\b",
        r"demonstrat(?:e|es|ed|ions?) (?:against|outside)\b",
        r"(?:go|goes|went) on strike\b",
        r"stag(?:e|es|ed) (?:a )?(?:protest|walkout|strike|sit-in)\b",
    ),
}  # fmt: skip

# classes that one headline may name together with a higher-precedence one and still be about
# one event ("fined and ordered to delete", "appeals the fine", "sued, seeks penalties");
# any other pair means a headline about several things (a round-up): no event identity.
COMPANIONS: dict[str, frozenset[str]] = {
    "respond": frozenset(ACTIONS),
    "ruling": frozenset({"appeal", "settle", "sue", "fine", "ban", "probe", "hearing", "breach",
                         "permit", "legislation", "suspend", "contract"}),
    "hearing": frozenset({"appeal", "settle", "sue", "incident", "breach", "probe", "ruling"}),
    "appeal": frozenset({"ruling", "fine", "ban", "sue", "settle", "probe"}),
    "settle": frozenset({"sue", "fine", "probe", "ban", "breach", "contract"}),
    "sue": frozenset({"fine", "ban", "probe", "breach", "incident", "contract"}),
    "legislation": frozenset({"ban", "probe"}),
    "fine": frozenset({"ban", "probe", "breach", "warning"}),
    "ban": frozenset({"probe", "suspend", "warning"}),
    "warning": frozenset({"probe", "breach"}),
    "probe": frozenset({"breach", "incident"}),
    "incident": frozenset({"probe", "suspend"}),
    "breach": frozenset({"probe"}),
    "suspend": frozenset({"incident", "breach", "probe", "contract"}),
    "resign": frozenset({"appoint", "listing"}),
    "appoint": frozenset({"resign", "listing", "acquire"}),
    "listing": frozenset(),
    "acquire": frozenset({"funding", "contract"}),
    "funding": frozenset({"contract", "permit"}),
    "contract": frozenset({"acquire"}),
    "permit": frozenset({"funding"}),
    "patent": frozenset(),
    "layoffs": frozenset({"acquire"}),
    "launch": frozenset(),
    "protest": frozenset(),
}  # fmt: skip

# things that happen, named first, before the reactions to them: "drone crashes, FAA
# investigating" reports the crash, "FAA investigating drone crash" the investigation
OCCURRENCES = frozenset({"incident", "breach"})

# two classes one event is often told with from its two sides: a regulator's fine is also
# its order ("fines and bans"), an enforcement settlement is also a penalty ("to pay $2.2m to
# settle FTC charges"), a city buying drones is also a contract, a regulator's "ruling" is
# its decision (a court's ruling never is: see ``monitor.events``)
COMPATIBLE: frozenset[frozenset[str]] = frozenset(
    {
        frozenset({"fine", "ban"}),
        frozenset({"fine", "settle"}),
        frozenset({"contract", "acquire"}),
        frozenset({"ban", "suspend"}),
        frozenset({"settle", "ban"}),
        frozenset({"warning", "ban"}),
    }
)
# a ruling without a court named: a regulator's decision, compatible with these
REGULATOR_DECISIONS = frozenset({"fine", "ban"})
# acts a company does once in a while: two reports of one within days are one event unless
# something disagrees (another role, amount, place, actor)
ONE_OFF = frozenset({"resign", "appoint", "listing", "acquire", "layoffs", "funding", "patent"})
# acts one-off for a company unless a court does them: its executives questioned by
# lawmakers once in a few days (a court hears many of its cases in a week)
ONE_OFF_OUT_OF_COURT = frozenset({"hearing"})
# acts of a regulator or a court, and appeals against them, done once per company and
# country in a few days: two reports of one in the same country within days are one event
# unless something disagrees (an amount, a place within it, a body, what it is about). Not
# a lawsuit, a contract, a settlement: a company has many plaintiffs, customers, partners
# in one country ("wins Dutch police contract" is not "signs deal with Dutch border agency")
ONE_PER_COUNTRY = frozenset({"fine", "ban", "warning", "probe", "ruling", "appeal"})
# acts a body does: two reports of one name the same kind of body when both name one
BODY_ACTS = frozenset({"probe", "fine", "ban", "warning"})

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
    "patent": "names",
}
# actions whose object is a sum: amounts that disagree anywhere in the lead tell two apart
# (for others, amounts in the lead are often background: "…after a $1.4bn settlement in 2024")
MONEY_OBJECTS = frozenset({"fine", "settle", "funding", "contract", "acquire"})

# headlines that comment, explain, ask or collect rather than report one event
COMMENTARY = (
    r"^(?:how|why|what|who|when|where|should|could|can|is|are|was|were|does|do|did|will)\b",
    r"\bwhat (?:you|to|they) (?:can |should |need to )?(?:do|know)\b",  # a service piece
    r"^(?:stop|don'?t|let'?s|enough|it'?s time|time to|we need|we must)\b",  # opinion
    r"\b(?:should|ought to)\b",
    r"[:|—–-] (?:how|why|what|who|when|where)\b",
    r"^(?:[\w'-]+ ){0,2}week\s*:",
    r"\bthe week in\b",  # "Surveillance week: …"
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
PUBLIC_FILING = r"(?:[\w'-]+ ){0,4}(?:sues|sued|suing|files|filed|filing|brings|brought|takes)\b"
PRIVATE_PARTIES = (
    r"class[- ]actions?",
    r"proposed class",
    r"class suits?",
    r"(?:residents|drivers|consumers|"
    r"users|customers|activists|parents|workers|employees|shareholders|investors|plaintiffs|"
    r"groups?|advocates) (?:[\w'-]+ ){0,2}(?:sue|sues|file|filed|bring|brought)\b",
)
PUBLIC_BODIES = frozenset({"ag", "ftc", "doj", "sec", "cfpb", "fcc", "dpa", "competition"})
