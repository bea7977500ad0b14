"""Word lists that event particulars are read with (``monitor.particulars``).

Contains no business logic: places (countries, US states, major cities, with demonyms and
the names other European languages give them), regulators and courts, roles, currencies,
(the words that name what happened are in ``monitor.verbs``). Places are hierarchical codes: a
country ("FR"; members of the European Union under "EU": "EU-FR"), a US state ("US-VT"),
a city under its state or country ("US-IL-chicago"). Every phrase is matched case-folded
and accent-folded on word boundaries.
"""

from __future__ import annotations

# --- places ----------------------------------------------------------------------------------

_EU = "EU"
# code: names, demonyms and foreign names (English first)
COUNTRIES: dict[str, tuple[str, ...]] = {
    "US": ("united states", "u.s.", "u.s.a.", "usa", "america", "american", "americans",
           "stati uniti", "etats-unis", "estados unidos"),
    "GB": ("united kingdom", "u.k.", "uk", "britain", "great britain", "british",
           "regno unito", "royaume-uni", "reino unido"),
    "CA": ("canada", "canadian", "canadians"),
    "AU": ("australia", "australian", "australians", "australie"),
    "NZ": ("new zealand",),
    "CH": ("switzerland", "swiss", "suisse", "svizzera", "schweiz"),
    "NO": ("norway", "norwegian"),
    "IS": ("iceland", "icelandic"),
    "JP": ("japan", "japanese"),
    "CN": ("china", "chinese"),
    "IN": ("india", "indian"),
    "BR": ("brazil", "brazilian", "brasil"),
    "MX": ("mexico", "mexican"),
    "AR": ("argentina", "argentine", "argentinian"),
    "ZA": ("south africa", "south african"),
    "KR": ("south korea", "korea", "korean"),
    "SG": ("singapore", "singaporean"),
    "IL": ("israel", "israeli"),
    "TR": ("turkey", "turkish", "turkiye"),
    "UA": ("ukraine", "ukrainian"),
    "RU": ("russia", "russian"),
    "AE": ("united arab emirates", "uae", "emirati"),
    # the rest of the world: a country missing here reads as a name, so two contracts of one
    # company in two African countries looked alike. Left out: names that are also common
    # words or people's names (Chad, Jordan, Georgia, a US state too), and "Congo" (two)
    "KE": ("kenya", "kenyan", "kenyans"), "UG": ("uganda", "ugandan", "ugandans"),
    "TZ": ("tanzania", "tanzanian", "tanzanians"), "RW": ("rwanda", "rwandan"),
    "BI": ("burundi", "burundian"), "ET": ("ethiopia", "ethiopian"), "SO": ("somalia", "somali"),
    "SS": ("south sudan", "south sudanese"), "SD": ("sudan", "sudanese"),
    "ER": ("eritrea", "eritrean"), "DJ": ("djibouti",), "NG": ("nigeria", "nigerian", "nigerians"),
    "GH": ("ghana", "ghanaian", "ghanaians"), "LR": ("liberia", "liberian", "liberians"),
    "SL": ("sierra leone", "sierra leonean"), "GN": ("guinean",),
    "GW": ("guinea-bissau",), "SN": ("senegal", "senegalese"), "GM": ("gambia", "gambian"),
    "CI": ("ivory coast", "cote d'ivoire", "ivorian"), "BF": ("burkina faso", "burkinabe"),
    "ML": ("mali", "malian"), "NE": ("niger", "nigerien"), "TG": ("togo", "togolese"),
    "BJ": ("benin", "beninese"), "CM": ("cameroon", "cameroonian"),
    "CD": ("democratic republic of the congo", "democratic republic of congo", "drc"),
    "GA": ("gabon", "gabonese"), "AO": ("angola", "angolan"), "ZM": ("zambia", "zambian"),
    "ZW": ("zimbabwe", "zimbabwean"), "MW": ("malawi", "malawian"),
    "MZ": ("mozambique", "mozambican"), "NA": ("namibia", "namibian"),
    "BW": ("botswana", "botswanan"), "LS": ("lesotho",), "SZ": ("eswatini", "swaziland"),
    "MG": ("madagascar", "malagasy"), "MU": ("mauritius", "mauritian"),
    "EG": ("egypt", "egyptian"), "LY": ("libya", "libyan"), "TN": ("tunisia", "tunisian"),
    "DZ": ("algeria", "algerian"), "MA": ("morocco", "moroccan"),
    "SA": ("saudi arabia", "saudi"), "QA": ("qatar", "qatari"), "KW": ("kuwait", "kuwaiti"),
    "BH": ("bahrain", "bahraini"), "OM": ("oman", "omani"), "YE": ("yemen", "yemeni"),
    "IQ": ("iraq", "iraqi"), "IR": ("iran", "iranian"), "SY": ("syria", "syrian"),
    "LB": ("lebanon", "lebanese"), "JO": ("jordanian",), "PS": ("palestine", "palestinian"),
    "AF": ("afghanistan", "afghan"), "PK": ("pakistan", "pakistani"),
    "BD": ("bangladesh", "bangladeshi"), "LK": ("sri lanka", "sri lankan"),
    "NP": ("nepal", "nepali", "nepalese"), "BT": ("bhutan",), "MV": ("maldives",),
    "KP": ("north korea", "north korean"), "TW": ("taiwan", "taiwanese"),
    "HK": ("hong kong",), "MO": ("macau", "macao"), "MN": ("mongolia", "mongolian"),
    "KZ": ("kazakhstan", "kazakh"), "UZ": ("uzbekistan", "uzbek"),
    "KG": ("kyrgyzstan", "kyrgyz"), "TJ": ("tajikistan", "tajik"),
    "TM": ("turkmenistan", "turkmen"), "AZ": ("azerbaijan", "azerbaijani"),
    "AM": ("armenia", "armenian"), "BY": ("belarus", "belarusian"),
    "MD": ("moldova", "moldovan"), "RS": ("serbia", "serbian"), "BA": ("bosnia", "bosnian"),
    "ME": ("montenegro",), "MK": ("north macedonia", "macedonian"),
    "AL": ("albania", "albanian"), "XK": ("kosovo",), "LI": ("liechtenstein",),
    "MC": ("monaco",), "AD": ("andorra",), "SM": ("san marino",),
    "ID": ("indonesia", "indonesian"), "MY": ("malaysia", "malaysian"),
    "TH": ("thailand", "thai"), "VN": ("vietnam", "vietnamese"),
    "PH": ("philippines", "philippine", "filipino"), "KH": ("cambodia", "cambodian"),
    "LA": ("laos", "laotian"), "MM": ("myanmar", "burma", "burmese"),
    "PG": ("papua new guinea",), "FJ": ("fiji", "fijian"),
    "CL": ("chile", "chilean"), "PE": ("peru", "peruvian"), "CO": ("colombia", "colombian"),
    "VE": ("venezuela", "venezuelan"), "EC": ("ecuador", "ecuadorian"),
    "BO": ("bolivia", "bolivian"), "PY": ("paraguay", "paraguayan"),
    "UY": ("uruguay", "uruguayan"), "CR": ("costa rica", "costa rican"),
    "PA": ("panama", "panamanian"), "GT": ("guatemala", "guatemalan"),
    "HN": ("honduras", "honduran"), "SV": ("el salvador", "salvadoran"),
    "NI": ("nicaragua", "nicaraguan"), "CU": ("cuba", "cuban"),
    "DO": ("dominican republic",), "HT": ("haiti", "haitian"), "JM": ("jamaica", "jamaican"),
    "TT": ("trinidad and tobago", "trinidad"), "BS": ("bahamas",), "BB": ("barbados",),
    _EU: ("european union", "e.u.", "eu", "europe", "european", "union europeenne",
          "unione europea"),
    "EU-AT": ("austria", "austrian", "osterreich"),
    "EU-BE": ("belgium", "belgian", "belgique", "belgio"),
    "EU-BG": ("bulgaria", "bulgarian"),
    "EU-HR": ("croatia", "croatian"),
    "EU-CY": ("cyprus", "cypriot"),
    "EU-CZ": ("czech republic", "czechia", "czech"),
    "EU-DK": ("denmark", "danish"),
    "EU-EE": ("estonia", "estonian"),
    "EU-FI": ("finland", "finnish"),
    "EU-FR": ("france", "french", "francia", "frankreich", "francese", "francais", "francaise"),
    "EU-DE": ("germany", "german", "allemagne", "germania", "deutschland", "deutsche",
              "tedesco", "tedesca", "allemand", "allemande"),
    "EU-GR": ("greece", "greek", "grecia", "grece", "hellenic", "griechenland"),
    "EU-HU": ("hungary", "hungarian"),
    "EU-IE": ("ireland", "irish", "irlanda", "irlande"),
    "EU-IT": ("italy", "italian", "italia", "italie", "italien", "italienne", "italiano",
              "italiana", "italiane", "italiani"),
    "EU-LV": ("latvia", "latvian"),
    "EU-LT": ("lithuania", "lithuanian"),
    "EU-LU": ("luxembourg", "luxembourgish"),
    "EU-MT": ("malta", "maltese"),
    "EU-NL": ("netherlands", "the netherlands", "dutch", "holland", "pays-bas", "paesi bassi",
              "olanda", "olandese", "niederlande", "neerlandais", "neerlandaise"),
    "EU-PL": ("poland", "polish"),
    "EU-PT": ("portugal", "portuguese"),
    "EU-RO": ("romania", "romanian"),
    "EU-SK": ("slovakia", "slovak"),
    "EU-SI": ("slovenia", "slovenian"),
    "EU-ES": ("spain", "spanish", "espana", "spagna", "espagne"),
    "EU-SE": ("sweden", "swedish", "svezia", "suede"),
}  # fmt: skip

# US states: code suffix → names (AP abbreviations included)
US_STATES: dict[str, tuple[str, ...]] = {
    "AL": ("alabama", "ala.", "alabamian"), "AK": ("alaska", "alaskan"),
    "AZ": ("arizona", "ariz.", "arizonan"), "AR": ("arkansas", "ark.", "arkansan"),
    "CA": ("california", "calif.", "californian"), "CO": ("colorado", "colo.", "coloradan"),
    "CT": ("connecticut", "conn."), "DE": ("delaware", "del.", "delawarean"),
    "DC": ("district of columbia", "d.c."), "FL": ("florida", "fla.", "floridian"),
    "GA": ("georgia", "ga."), "HI": ("hawaii", "hawaiian"), "ID": ("idaho", "idahoan"),
    "IL": ("illinois", "ill.", "illinoisan"), "IN": ("indiana", "ind.", "indianan", "hoosier",
    "hoosiers"), "IA": ("iowa", "iowan"), "KS": ("kansas", "kan.", "kansan"),
    "KY": ("kentucky", "ky.", "kentuckian"), "LA": ("louisiana", "la.", "louisianan"),
    "ME": ("maine", "mainer", "mainers"), "MD": ("maryland", "md.", "marylander",
    "marylanders"), "MA": ("massachusetts", "mass."), "MI": ("michigan", "mich.",
    "michigander", "michiganders"), "MN": ("minnesota", "minn.", "minnesotan"),
    "MS": ("mississippi", "miss.", "mississippian"), "MO": ("missouri", "mo.", "missourian"),
    "MT": ("montana", "mont.", "montanan"), "NE": ("nebraska", "neb.", "nebraskan"),
    "NV": ("nevada", "nev.", "nevadan"), "NH": ("new hampshire", "n.h.", "new hampshirite",
    "new hampshirites"),
    "NJ": ("new jersey", "n.j.", "nj", "new jerseyan"), "NM": ("new mexico", "n.m.", "new mexican"),
    "NY": ("new york state", "n.y.", "new yorker", "new yorkers"),
    "NC": ("north carolina", "n.c.", "north carolinian"),
    "ND": ("north dakota", "n.d.", "north dakotan"), "OH": ("ohio", "ohioan"),
    "OK": ("oklahoma", "okla.", "oklahoman"), "OR": ("oregon", "ore.", "oregonian"),
    "PA": ("pennsylvania", "pa.", "pennsylvanian"), "RI": ("rhode island", "r.i.", "rhode islander",
    "rhode islanders"),
    "SC": ("south carolina", "s.c.", "south carolinian"),
    "SD": ("south dakota", "s.d.", "south dakotan"), "TN": ("tennessee", "tenn.", "tennessean"),
    "TX": ("texas", "texan"), "UT": ("utah", "utahn", "utahns"),
    "VT": ("vermont", "vt.", "vermonter", "vermonters"), "VA": ("virginia", "va.", "virginian"),
    "WA": ("washington state", "wash."), "WV": ("west virginia", "w.va.", "west virginian"),
    "WI": ("wisconsin", "wis.", "wisconsinite", "wisconsinites"),
    "WY": ("wyoming", "wyo.", "wyomingite", "wyomingites"),
}  # fmt: skip
# what headlines call a state instead of its name
US_STATE_NICKNAMES = {
    "garden state": "NJ", "lone star state": "TX", "keystone state": "PA", "bay state": "MA",
    "sunshine state": "FL", "empire state": "NY", "evergreen state": "WA",
    "old line state": "MD", "hoosier state": "IN", "buckeye state": "OH",
    "land of lincoln": "IL", "peach state": "GA", "badger state": "WI",
}  # fmt: skip

# first-level divisions of other federations: code suffix → names
PROVINCES: dict[str, dict[str, tuple[str, ...]]] = {
    "CA": {
        "BC": ("british columbia", "b.c.", "british columbians"), "AB": ("alberta",),
        "SK": ("saskatchewan",), "MB": ("manitoba",), "ON": ("ontario",),
        "QC": ("quebec", "quebecers", "quebecois", "québec"), "NB": ("new brunswick",),
        "NS": ("nova scotia",), "PE": ("prince edward island",),
        "NL": ("newfoundland", "newfoundland and labrador"), "YT": ("yukon",),
        "NT": ("northwest territories",), "NU": ("nunavut",),
    },
    "AU": {
        "NSW": ("new south wales",), "QLD": ("queensland",), "SA": ("south australia",),
        "WA": ("western australia",), "TAS": ("tasmania",), "NT": ("northern territory",),
        "ACT": ("australian capital territory",),
    },
    "GB": {
        "ENG": ("england", "english"), "SCT": ("scotland", "scottish"), "WLS": ("wales", "welsh"),
        "NIR": ("northern ireland",),
    },
}  # fmt: skip

# cities (and a few places better known by their city) → the state or country they lie in;
# a city's own code is "<that code>-<city>" (``monitor.particulars``)
CITIES: dict[str, str] = {
    "new york": "US-NY", "new york city": "US-NY", "manhattan": "US-NY", "brooklyn": "US-NY",
    "albany": "US-NY", "chicago": "US-IL", "springfield, ill.": "US-IL",
    "los angeles": "US-CA", "san francisco": "US-CA", "sacramento": "US-CA",
    "san jose": "US-CA", "oakland": "US-CA", "seattle": "US-WA", "boston": "US-MA",
    "miami": "US-FL", "tallahassee": "US-FL", "austin": "US-TX", "houston": "US-TX",
    "dallas": "US-TX", "denver": "US-CO", "atlanta": "US-GA", "philadelphia": "US-PA",
    "pittsburgh": "US-PA", "detroit": "US-MI", "minneapolis": "US-MN", "portland": "US-OR",
    "phoenix": "US-AZ", "las vegas": "US-NV", "montpelier": "US-VT", "burlington": "US-VT",
    "baltimore": "US-MD", "richmond": "US-VA", "trenton": "US-NJ", "newark": "US-NJ",
    "hartford": "US-CT", "providence": "US-RI", "nashville": "US-TN", "columbus": "US-OH",
    "cleveland": "US-OH", "st. louis": "US-MO", "new orleans": "US-LA", "honolulu": "US-HI",
    "silicon valley": "US-CA", "washington, d.c.": "US-DC",
    "london": "GB-ENG", "edinburgh": "GB-SCT", "manchester": "GB-ENG", "shoreditch": "GB-ENG",
    "paris": "EU-FR", "lyon": "EU-FR",
    "rome": "EU-IT", "roma": "EU-IT", "milan": "EU-IT", "milano": "EU-IT",
    "amsterdam": "EU-NL", "the hague": "EU-NL", "den haag": "EU-NL", "rotterdam": "EU-NL",
    "athens": "EU-GR", "berlin": "EU-DE", "hamburg": "EU-DE", "munich": "EU-DE",
    "frankfurt": "EU-DE", "dublin": "EU-IE", "madrid": "EU-ES", "barcelona": "EU-ES",
    "brussels": "EU-BE", "vienna": "EU-AT", "stockholm": "EU-SE", "copenhagen": "EU-DK",
    "helsinki": "EU-FI", "warsaw": "EU-PL", "lisbon": "EU-PT", "prague": "EU-CZ",
    "toronto": "CA-ON", "ottawa": "CA-ON", "montreal": "CA-QC", "vancouver": "CA-BC",
    "calgary": "CA-AB", "edmonton": "CA-AB", "sydney": "AU-NSW", "melbourne": "AU",
    "canberra": "AU-ACT", "brisbane": "AU-QLD", "perth": "AU-WA", "adelaide": "AU-SA",
    "glasgow": "GB-SCT", "cardiff": "GB-WLS", "belfast": "GB-NIR", "tokyo": "JP", "beijing": "CN",
    "singapore": "SG", "tel aviv": "IL", "zurich": "CH", "geneva": "CH", "oslo": "NO",
    "wellington": "NZ", "auckland": "NZ", "sao paulo": "BR", "mexico city": "MX",
    # more of the cities news datelines and local papers name (a city missing here reads as a
    # name, and a shared name counts as the same actor); none that is also a common word,
    # a person's name or a city of two states or countries
    "san diego": "US-CA", "fresno": "US-CA", "long beach": "US-CA", "san antonio": "US-TX",
    "fort worth": "US-TX", "el paso": "US-TX", "charlotte": "US-NC", "raleigh": "US-NC",
    "indianapolis": "US-IN", "milwaukee": "US-WI", "omaha": "US-NE", "oklahoma city": "US-OK",
    "tulsa": "US-OK", "albuquerque": "US-NM", "santa fe": "US-NM", "tucson": "US-AZ",
    "scottsdale": "US-AZ", "salt lake city": "US-UT", "boise": "US-ID", "anchorage": "US-AK",
    "cincinnati": "US-OH", "louisville": "US-KY", "memphis": "US-TN", "baton rouge": "US-LA",
    "orlando": "US-FL", "tampa": "US-FL", "st. paul": "US-MN", "des moines": "US-IA",
    "annapolis": "US-MD", "harrisburg": "US-PA", "lansing": "US-MI", "jacksonville": "US-FL",
    "winnipeg": "CA-MB", "halifax": "CA-NS", "quebec city": "CA-QC", "saskatoon": "CA-SK",
    "mississauga": "CA-ON",
    "bengaluru": "IN", "bangalore": "IN", "mumbai": "IN", "bombay": "IN", "new delhi": "IN",
    "delhi": "IN", "pune": "IN", "hyderabad": "IN", "chennai": "IN", "kolkata": "IN",
    "ahmedabad": "IN", "gurugram": "IN", "gurgaon": "IN", "noida": "IN",
    "dubai": "AE", "abu dhabi": "AE", "seoul": "KR", "busan": "KR", "shanghai": "CN",
    "shenzhen": "CN", "osaka": "JP", "istanbul": "TR", "ankara": "TR", "kyiv": "UA",
    "kiev": "UA", "moscow": "RU", "johannesburg": "ZA", "cape town": "ZA", "reykjavik": "IS",
    "rio de janeiro": "BR", "guadalajara": "MX", "monterrey": "MX", "hobart": "AU-TAS",
    "christchurch": "NZ", "basel": "CH", "bern": "CH", "lausanne": "CH",
    "nairobi": "KE", "mombasa": "KE", "kampala": "UG", "dar es salaam": "TZ", "dodoma": "TZ",
    "zanzibar": "TZ", "kigali": "RW", "addis ababa": "ET", "lagos": "NG", "abuja": "NG",
    "accra": "GH", "monrovia": "LR", "freetown": "SL", "dakar": "SN", "abidjan": "CI",
    "kinshasa": "CD", "luanda": "AO", "lusaka": "ZM", "harare": "ZW", "lilongwe": "MW",
    "maputo": "MZ", "windhoek": "NA", "gaborone": "BW", "cairo": "EG", "tunis": "TN",
    "algiers": "DZ", "casablanca": "MA", "rabat": "MA", "riyadh": "SA", "doha": "QA",
    "beirut": "LB", "baghdad": "IQ", "tehran": "IR", "karachi": "PK", "islamabad": "PK",
    "lahore": "PK", "dhaka": "BD", "colombo": "LK", "kathmandu": "NP", "taipei": "TW",
    "jakarta": "ID", "kuala lumpur": "MY", "bangkok": "TH", "hanoi": "VN",
    "ho chi minh city": "VN", "manila": "PH", "lima": "PE", "bogota": "CO",
    "caracas": "VE", "quito": "EC", "buenos aires": "AR", "montevideo": "UY",
    "santiago": "CL", "valparaiso": "CL",
    "almaty": "KZ", "yerevan": "AM", "baku": "AZ", "minsk": "BY",
    "belgrade": "RS", "sarajevo": "BA", "tirana": "AL", "brno": "EU-CZ",
    "marseille": "EU-FR", "toulouse": "EU-FR", "nantes": "EU-FR", "bordeaux": "EU-FR",
    "lille": "EU-FR", "strasbourg": "EU-FR", "turin": "EU-IT", "torino": "EU-IT",
    "naples": "EU-IT", "napoli": "EU-IT", "florence": "EU-IT", "bologna": "EU-IT",
    "genoa": "EU-IT", "cologne": "EU-DE", "koln": "EU-DE", "stuttgart": "EU-DE",
    "dusseldorf": "EU-DE", "leipzig": "EU-DE", "dresden": "EU-DE", "hannover": "EU-DE",
    "nuremberg": "EU-DE", "seville": "EU-ES", "bilbao": "EU-ES", "antwerp": "EU-BE",
    "ghent": "EU-BE", "leuven": "EU-BE", "utrecht": "EU-NL", "eindhoven": "EU-NL",
    "porto": "EU-PT", "krakow": "EU-PL", "gdansk": "EU-PL", "wroclaw": "EU-PL",
    "poznan": "EU-PL", "gothenburg": "EU-SE", "malmo": "EU-SE", "aarhus": "EU-DK",
    "tallinn": "EU-EE", "riga": "EU-LV", "vilnius": "EU-LT", "bratislava": "EU-SK",
    "budapest": "EU-HU", "bucharest": "EU-RO", "zagreb": "EU-HR", "ljubljana": "EU-SI",
    "nicosia": "EU-CY", "valletta": "EU-MT", "cork": "EU-IE", "galway": "EU-IE",
    "limerick": "EU-IE", "salzburg": "EU-AT", "graz": "EU-AT", "innsbruck": "EU-AT",
    "leeds": "GB-ENG", "liverpool": "GB-ENG", "bristol": "GB-ENG", "sheffield": "GB-ENG",
    "nottingham": "GB-ENG", "leicester": "GB-ENG", "aberdeen": "GB-SCT", "dundee": "GB-SCT",
}  # fmt: skip

# a place word followed by one of these (after at most three ``NATIONALITY_ADJECTIVES``)
# names the actor's nationality ("the U.S. facial recognition company"), not where it happened
NATIONALITY_NOUNS = (
    "company", "companies", "firm", "firms", "startup", "start-up", "startups", "group",
    "giant", "maker", "provider", "vendor", "developer", "platform", "business",
    "citizen", "citizens", "national", "nationals", "founder", "co-founder", "entrepreneur",
    "investor", "investors", "owner", "parent", "buyer", "buyers", "acquirer", "suitor",
    "rival", "rivals", "fund", "lender", "bank", "insurer", "retailer", "operator",
    "supplier", "suppliers", "contractor", "contractors", "manufacturer", "manufacturers",
    "seller", "exporter", "integrator", "outfit", "govtech", "fintech",
)  # fmt: skip
NATIONALITY_ADJECTIVES = (
    "facial", "recognition", "face", "search", "biometric", "biometrics", "tech", "technology",
    "ai", "software", "surveillance", "data", "identification", "security", "internet",
    "social", "media", "start-up", "startup", "privacy", "controversial", "based",
    # what the company makes or does ("Mexican traffic camera firm")
    "traffic", "camera", "cameras", "plate", "licence", "license", "id", "identity",
    "verification", "payments", "payment", "voice", "drone", "drones", "police", "border",
    "gate", "kyc", "ekyc", "liveness", "fraud", "analytics", "fintech", "retail", "defence",
    "defense", "cybersecurity", "cyber", "video", "enforcement", "vision",
)  # fmt: skip

# --- bodies: regulators, prosecutors, courts -------------------------------------------------

# phrase → (body kind, place code or "")
BODIES: dict[str, tuple[str, str]] = {
    "federal trade commission": ("ftc", "US"), "ftc": ("ftc", "US"),
    "securities and exchange commission": ("sec", "US"), "sec": ("sec", "US"),
    "justice department": ("doj", "US"), "department of justice": ("doj", "US"),
    "doj": ("doj", "US"), "consumer financial protection bureau": ("cfpb", "US"),
    "cfpb": ("cfpb", "US"), "federal communications commission": ("fcc", "US"),
    "fcc": ("fcc", "US"), "department of homeland security": ("dhs", "US"),
    "homeland security": ("dhs", "US"), "immigration and customs enforcement": ("ice", "US"),
    "information commissioner's office": ("dpa", "GB"),
    "information commissioners office": ("dpa", "GB"), "ico": ("dpa", "GB"),
    "information commissioner": ("dpa", ""),
    "competition and markets authority": ("competition", "GB"), "cma": ("competition", "GB"),
    "ofcom": ("telecom", "GB"), "cnil": ("dpa", "EU-FR"),
    "commission nationale de l'informatique et des libertes": ("dpa", "EU-FR"),
    "garante": ("dpa", "EU-IT"), "garante privacy": ("dpa", "EU-IT"),
    "garante per la protezione dei dati personali": ("dpa", "EU-IT"),
    "autoriteit persoonsgegevens": ("dpa", "EU-NL"), "aepd": ("dpa", "EU-ES"),
    "agencia espanola de proteccion de datos": ("dpa", "EU-ES"),
    "hellenic data protection authority": ("dpa", "EU-GR"), "hdpa": ("dpa", "EU-GR"),
    "data protection commission": ("dpa", "EU-IE"), "irish dpc": ("dpa", "EU-IE"),
    "bfdi": ("dpa", "EU-DE"), "datenschutzbehorde": ("dpa", "EU-AT"),
    "imy": ("dpa", "EU-SE"), "datatilsynet": ("dpa", ""),
    "european data protection board": ("edpb", "EU"), "edpb": ("edpb", "EU"),
    "european commission": ("commission", "EU"), "oaic": ("dpa", "AU"),
    "office of the australian information commissioner": ("dpa", "AU"),
    "privacy commissioner of canada": ("dpa", "CA"), "accc": ("competition", "AU"),
    "attorney general": ("ag", ""), "attorney general's office": ("ag", ""),
    "attorneys general": ("ag", ""), "ag": ("ag", ""),
    "supreme court": ("court:supreme", ""), "court of appeals": ("court:appeals", ""),
    "appeals court": ("court:appeals", ""), "appellate court": ("court:appeals", ""),
    "court of appeal": ("court:appeals", ""), "circuit": ("court:appeals", ""),
    "district court": ("court:trial", ""), "district judge": ("court:trial", ""),
    "federal judge": ("court:trial", ""), "federal court": ("court:trial", ""),
    "superior court": ("court:state", ""), "state court": ("court:state", ""),
    "county court": ("court:state", ""), "high court": ("court:high", ""),
    "first-tier tribunal": ("court:tribunal", "GB"), "upper tribunal": ("court:tribunal", "GB"),
    "tribunal": ("court:tribunal", ""), "court": ("court:any", ""), "courts": ("court:any", ""),
    "judge": ("court:any", ""), "judges": ("court:any", ""), "justices": ("court:any", ""),
    "court of justice": ("court:cjeu", "EU"),
    "cjeu": ("court:cjeu", "EU"), "conseil d'etat": ("court:high", "EU-FR"),
    "consiglio di stato": ("court:high", "EU-IT"), "council of state": ("court:high", ""),
    "commission d'acces a l'information": ("dpa", "CA-QC"),
    "federal aviation administration": ("aviation", "US"), "faa": ("aviation", "US"),
    "gambling commission": ("gambling", "GB"), "federal bureau of investigation": ("fbi", "US"),
    "fbi": ("fbi", "US"), "securities and exchange": ("sec", "US"),
    "nypd": ("police", "US-NY-new_york"), "lapd": ("police", "US-CA-los_angeles"),
    "chicago police department": ("police", "US-IL-chicago"),
    "office of the privacy commissioner of canada": ("dpa", "CA"),
    "hamburg commissioner for data protection": ("dpa", "EU-DE-hamburg"),
    "swedish authority for privacy protection": ("dpa", "EU-SE"),
    "administrative review tribunal": ("court:tribunal", "AU"), "tar": ("court:trial", "EU-IT"),
    # prosecutors (placed like an attorney general: "Sao Paulo prosecutors") and more of the
    # national regulators outlets name by their abbreviation
    "prosecutor": ("prosecutor", ""), "prosecutors": ("prosecutor", ""),
    "public prosecutor": ("prosecutor", ""), "public prosecutor's office": ("prosecutor", ""),
    "prosecutor's office": ("prosecutor", ""), "prosecutors' office": ("prosecutor", ""),
    "district attorney": ("prosecutor", ""), "anpd": ("dpa", "BR"), "uodo": ("dpa", "EU-PL"),
    "pipc": ("dpa", "KR"), "inai": ("dpa", "MX"), "information regulator": ("dpa", "ZA"),
    "cert-in": ("cyber", "IN"), "ndpc": ("dpa", "NG"),
    # legislatures (placed: "Nigerian lawmakers"), whose inquiries are not a regulator's
    "lawmakers": ("legislature", ""), "legislators": ("legislature", ""),
    "legislature": ("legislature", ""), "parliament": ("legislature", ""),
    "parliamentary committee": ("legislature", ""), "house of representatives": ("legislature", ""),
    "house committee": ("legislature", ""), "senate": ("legislature", ""),
    "senate committee": ("legislature", ""), "senators": ("legislature", ""),
    "senator": ("legislature", ""), "congress": ("legislature", ""),
    "congressional": ("legislature", ""), "national assembly": ("legislature", ""),
    "mps": ("legislature", ""),
}  # fmt: skip

# a data protection authority named generically: "the Dutch privacy watchdog"
DPA_WORDS = (
    "data protection authority", "data protection watchdog", "data protection regulator",
    "data protection agency", "data-protection authority", "privacy regulator",
    "privacy watchdog", "privacy authority", "privacy agency", "data watchdog",
    "privacy commissioner", "data regulator", "data protection office", "dpa",
    "supervisory authority", "data protection supervisor", "data protection board",
    "autorita garante", "autorite de protection des donnees", "datenschutzbehorde",
)  # fmt: skip

# --- roles -----------------------------------------------------------------------------------

ROLES: dict[str, str] = {
    "ceo": "ceo", "chief executive": "ceo", "chief executive officer": "ceo",
    "co-ceo": "ceo", "pdg": "ceo", "amministratore delegato": "ceo", "chief exec": "ceo",
    "cto": "cto", "chief technology officer": "cto", "cfo": "cfo",
    "chief financial officer": "cfo", "coo": "coo", "chief operating officer": "coo",
    "operating chief": "coo", "technology chief": "cto", "finance chief": "cfo",
    "legal chief": "counsel", "head of": "ceo", "president": "president", "chairman": "chair",
    "chairwoman": "chair", "chair": "chair",
    "founder": "founder", "co-founder": "founder", "cofounder": "founder",
    "general counsel": "counsel", "chief legal officer": "counsel", "ciso": "ciso",
    "chief information security officer": "ciso", "chief privacy officer": "cpo",
    "board member": "board", "director": "board", "head of policy": "policy",
}  # fmt: skip

# roles one person may hold together with another: never a sign of two different events
SHARED_ROLES = frozenset({"founder", "board"})

# --- money -----------------------------------------------------------------------------------

CURRENCY_SIGNS: dict[str, str] = {
    "us$": "USD", "u.s.$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR",
    "a$": "AUD", "au$": "AUD", "c$": "CAD", "ca$": "CAD", "nz$": "NZD", "hk$": "HKD",
    "chf": "CHF", "usd": "USD", "eur": "EUR", "gbp": "GBP", "jpy": "JPY", "cad": "CAD",
    "aud": "AUD", "sek": "SEK", "nok": "NOK", "dkk": "DKK", "pln": "PLN", "inr": "INR",
    "krw": "KRW", "₩": "KRW", "cny": "CNY", "rmb": "CNY", "brl": "BRL", "r$": "BRL",
    "mxn": "MXN", "zar": "ZAR", "sgd": "SGD", "s$": "SGD", "₺": "TRY", "rs": "INR",
    "rs.": "INR", "₦": "NGN", "ngn": "NGN", "czk": "CZK",
}  # fmt: skip
# currencies written with a bare "$" at home (which reads as US dollars elsewhere)
DOLLARS = frozenset({"USD", "CAD", "AUD", "NZD", "HKD", "SGD"})

CURRENCY_WORDS: dict[str, str] = {
    "dollars": "USD", "dollar": "USD", "us dollars": "USD", "euros": "EUR", "euro": "EUR",
    "di euro": "EUR", "d'euros": "EUR", "d'euro": "EUR", "de euros": "EUR", "pounds": "GBP",
    "pound": "GBP", "pounds sterling": "GBP", "sterling": "GBP", "yen": "JPY",
    "swiss francs": "CHF", "francs": "CHF", "€": "EUR", "m€": "EUR", "euro.": "EUR",
    "won": "KRW", "yuan": "CNY", "rupees": "INR", "crowns": "SEK", "kronor": "SEK",
    "krona": "SEK", "kroner": "NOK", "reais": "BRL", "pesos": "MXN", "rand": "ZAR",
    "eur": "EUR", "usd": "USD", "gbp": "GBP",
    # more of the currencies local outlets give sums in (a contract "worth 3.1 billion naira"
    # is money, so it disagrees with one of 3.2 billion naira)
    "naira": "NGN", "peso": "MXN", "zloty": "PLN", "zlotys": "PLN", "zlotych": "PLN",
    "koruna": "CZK", "korunas": "CZK", "czech crowns": "CZK", "shekels": "ILS",
    "dirhams": "AED", "rupiah": "IDR", "ringgit": "MYR", "baht": "THB", "shillings": "KES",
    "cedis": "GHS", "riyals": "SAR", "lira": "TRY", "liras": "TRY",
}  # fmt: skip
MULTIPLIERS: dict[str, float] = {
    "k": 1e3, "thousand": 1e3, "mila": 1e3, "m": 1e6, "mn": 1e6, "mln": 1e6, "mio": 1e6,
    "mio.": 1e6, "million": 1e6, "millions": 1e6, "milione": 1e6, "milioni": 1e6,
    "millionen": 1e6, "millones": 1e6, "millon": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9,
    "billions": 1e9, "miliardo": 1e9, "miliardi": 1e9, "milliard": 1e9, "milliards": 1e9,
    "milliarden": 1e9, "mrd": 1e9, "mrd.": 1e9, "trillion": 1e12,
    "lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,  # Indian English
}  # fmt: skip
NUMBER_WORDS: dict[str, float] = {
    "a million": 1e6, "one million": 1e6, "a billion": 1e9, "one billion": 1e9,
    "half a million": 5e5, "a quarter": 25.0, "a third": 33.3, "half": 50.0,
}  # fmt: skip
PERCENT_WORDS = ("%", "percent", "per cent", "pour cent", "per cento", "prozent", "por ciento")
MONTHS = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.",
    "sept.", "sep.", "oct.", "nov.", "dec.", "gennaio", "febbraio", "marzo", "aprile",
    "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre", "novembre", "dicembre",
    "janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet", "aout", "septembre",
    "octobre", "decembre",
)  # fmt: skip

# words that start a sentence or a title-case headline without naming anything
COMMON_WORDS = frozenset(
    """
    a an the and or but if of in on at to for from by with without over under after before
    about into onto out up down off as is are was were be been being has have had do does did
    will would can could should may might must shall not no nor so than then there here this
    that these those it its it's he she they them his her their our we you i me my us your who
    whom whose which what when where why how all any each every both few more most other some
    such only own same too very just also new says said say tells told report reports reported
    according amid despite while during against between through across per via again still yet
    now today yesterday tomorrow week month year monday tuesday wednesday thursday friday
    saturday sunday update updated breaking exclusive live watch read more photos video first
    last next one two three four five six seven eight nine ten company firm startup start-up
    group court judge state states city county government federal regulator regulators watchdog
    authority agency police lawsuit suit case deal settlement fine fines fined penalty ruling
    appeal data privacy facial recognition face faces technology tech ai app apps users people
    residents photos images database databases children kids law laws rules rule act order
    orders chief executive officer founder co-founder president chair board director lawmakers
    officials official spokesperson spokesman spokeswoman lawyer lawyers attorney attorneys
    plaintiffs defendants claims claim million billion percent dollars euros pounds le la les
    il lo gli un una des du de et en sur pour par dans der die das und mit von für fur al del
    della dei delle per con su da reuters ap afp bloomberg ansa efe upi gdpr bipa ccpa
    inc corp llc ltd plc council oks ok
    bank banks lender digital international commercial national global holdings systems
    technologies solutions services capital partners ventures labs network networks financial
    finance health insurance industries enterprises software analytics metro department ministry
    """.split()  # noqa: SIM905
)
