//! The vocabulary of the seeded world: names, streets, places and what neighbours write.
//! Placeholders in texts: `{item}`, `{day}`, `{street}`, `{place}`.

pub const FIRST_NAMES: &[&str] = &[
    "Anna", "Bram", "Daan", "Emma", "Fenna", "Gijs", "Hanna", "Iris", "Jan", "Julia", "Kees",
    "Lotte", "Luuk", "Maaike", "Milan", "Noor", "Olaf", "Pieter", "Rosa", "Sanne", "Sem", "Thijs",
    "Tess", "Vera", "Willem", "Yara", "Zoë", "Ahmed", "Fatima", "Mohamed", "Yasmina", "Mehmet",
    "Ayşe", "Priya", "Rajesh", "Joanna", "Piotr", "Marieke", "Henk", "Ria", "Gerrit", "Truus",
    "Jeroen", "Esther", "Koen", "Lieke", "Ruben", "Femke", "Joost", "Ilse", "Stijn", "Mirjam",
    "Bas", "Eva", "Hugo", "Lisa", "Finn", "Mila", "Teun", "Sophie",
];

pub const SURNAMES: &[&str] = &[
    "de Jong",
    "Jansen",
    "de Vries",
    "van den Berg",
    "van Dijk",
    "Bakker",
    "Janssen",
    "Visser",
    "Smit",
    "Meijer",
    "de Boer",
    "Mulder",
    "de Groot",
    "Bos",
    "Vos",
    "Peters",
    "Hendriks",
    "van Leeuwen",
    "Dekker",
    "Brouwer",
    "de Wit",
    "Dijkstra",
    "Smits",
    "de Graaf",
    "van der Meer",
    "van der Linden",
    "Kok",
    "Jacobs",
    "de Haan",
    "Vermeulen",
    "van den Heuvel",
    "van der Veen",
    "van den Broek",
    "de Bruijn",
    "de Bruin",
    "van der Heijden",
    "Schouten",
    "van Beek",
    "Willems",
    "van Vliet",
    "van de Ven",
    "Hoekstra",
    "Maas",
    "Verhoeven",
    "Koster",
    "van Dam",
    "Prins",
    "Blom",
    "Huisman",
    "Peeters",
    "El Amrani",
    "Yılmaz",
    "Kaya",
    "Nowak",
    "Kowalski",
    "Sardjoe",
    "Pinas",
    "Doğan",
    "Bouzid",
    "Nguyen",
];

pub const STREETS: &[&str] = &[
    "Kerkstraat",
    "Dorpsstraat",
    "Molenweg",
    "Schoolstraat",
    "Lindelaan",
    "Julianastraat",
    "Beatrixlaan",
    "Wilhelminastraat",
    "Stationsweg",
    "Nieuwstraat",
    "Kastanjelaan",
    "Eikenlaan",
    "Berkenweg",
    "Sportlaan",
    "Parkweg",
    "Tulpstraat",
    "Rozenstraat",
    "Merelstraat",
    "Vinkenlaan",
    "Zwanenhof",
    "Havenstraat",
    "Dijkweg",
    "Oranjestraat",
    "Marktplein",
    "Prinses Irenestraat",
    "Rembrandtlaan",
    "Vermeerstraat",
    "Van Goghstraat",
    "Mozartlaan",
    "Bachstraat",
    "Esdoornhof",
    "Populierenlaan",
    "Wilgenweg",
    "Brink",
    "Hoogstraat",
    "Achterweg",
    "Burgemeester de Withstraat",
    "Kanaalweg",
    "Waterlelie",
    "Zonnebloemstraat",
    "Leeuweriklaan",
    "Spoorstraat",
    "Vondellaan",
    "Thorbeckestraat",
    "Prins Hendrikkade",
    "Groenestraat",
    "Veldweg",
    "Akkerweg",
];

pub const NEIGHBOURHOOD_NAMES: &[&str] = &[
    "Centrum",
    "Binnenstad",
    "Oude Kern",
    "Kerkbuurt",
    "Molenwijk",
    "Bloemenbuurt",
    "Vogelbuurt",
    "Schildersbuurt",
    "Bomenbuurt",
    "Stationsbuurt",
    "Componistenbuurt",
    "Het Hof",
    "De Akkers",
    "De Hoven",
    "De Weiden",
    "Parkwijk",
    "Sportpark",
    "Havenkwartier",
    "Dijkzicht",
    "Waterrijk",
    "Oranjewijk",
    "De Brink",
    "Het Dorp",
    "Buitenveld",
    "Noorderhout",
    "Zuiderpark",
    "Oosterhei",
    "Westerkwartier",
    "Rivierenbuurt",
    "Vruchtenbuurt",
    "Landjuweel",
    "De Velden",
    "Kloosterveen",
    "Nieuwland",
    "Oud Zuid",
    "Tuindorp",
    "De Vliet",
    "Kanaalzone",
    "Muziekwijk",
    "Sterrenwijk",
];

pub const PLACE_PREFIXES: &[&str] = &[
    "Ooster", "Wester", "Noorder", "Zuider", "Nieuw", "Oud", "Hooge", "Lage", "Groot", "Klein",
    "Haven", "Berg", "Bruin", "Wit", "Zand", "Beek", "Linde", "Eike", "Heer", "Mid",
];

pub const PLACE_SUFFIXES: &[&str] = &[
    "wolde", "veen", "dijk", "horst", "broek", "dam", "hoven", "zijl", "beek", "meer", "berg",
    "wijk", "hout", "rade", "loo", "vaart", "sloot", "kerk", "dorp", "haar",
];

/// Municipalities named as they are; the rest of the country is made up.
pub const MUNICIPALITIES: &[&str] = &[
    "Amsterdam",
    "Rotterdam",
    "Den Haag",
    "Utrecht",
    "Eindhoven",
    "Groningen",
    "Tilburg",
    "Almere",
    "Breda",
    "Nijmegen",
    "Apeldoorn",
    "Arnhem",
    "Haarlem",
    "Enschede",
    "Amersfoort",
    "Zaanstad",
    "Zwolle",
    "Leiden",
    "Zoetermeer",
    "Leeuwarden",
    "Maastricht",
    "Dordrecht",
    "Ede",
    "Alkmaar",
    "Delft",
    "Deventer",
    "Helmond",
    "Hilversum",
    "Heerlen",
    "Oss",
    "Emmen",
    "Assen",
    "Hoorn",
    "Gouda",
    "Lelystad",
    "Venlo",
    "Roermond",
    "Middelburg",
    "Goes",
    "Sneek",
];

pub const LOCATIONS: &[&str] = &[
    "Buurthuis De Linde",
    "Speeltuin {street}",
    "Bibliotheek, leeszaal",
    "Wijkcentrum {place}",
    "Het grasveld aan de {street}",
    "Gymzaal basisschool De Regenboog",
    "Moestuin {place}",
    "Kerkzaal, {street} 2",
    "Café De Buurman",
    "Pleintje aan de {street}",
];

pub const ITEMS: &[&str] = &[
    "boormachine",
    "ladder",
    "aanhanger",
    "kinderfiets",
    "grasmaaier",
    "partytent",
    "naaimachine",
    "steigerbouwer",
    "hogedrukreiniger",
    "kinderwagen",
    "bakfiets",
    "wasmachine",
    "bank",
    "stapel verhuisdozen",
    "heggenschaar",
    "tuinset",
];

pub const DAYS: &[&str] = &[
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    "dit weekend",
    "volgende week",
    "morgenochtend",
];

/// (title, body) per kind of post; requests and offers per category.
pub type Texts = &'static [(&'static str, &'static str)];

pub const NEWS: Texts = &[
    (
        "Nieuwe bankjes aan de {street}",
        "De gemeente heeft aan de {street} drie nieuwe bankjes geplaatst. Fijn voor wie even wil uitrusten tijdens het boodschappen doen!",
    ),
    (
        "Werkzaamheden {street} vanaf {day}",
        "Vanaf {day} wordt de riolering in de {street} vervangen. De straat is dan twee weken afgesloten voor auto's; fietsers en voetgangers kunnen er langs.",
    ),
    (
        "Buurtpreventie zoekt versterking",
        "Het buurtpreventieteam van {place} zoekt nieuwe vrijwilligers. We lopen één avond per maand een rondje en houden de groepsapp bij. Interesse? Reageer hier.",
    ),
    (
        "Zwerfvuilactie was een succes",
        "Afgelopen zaterdag hebben we met twintig buren maar liefst veertig zakken zwerfvuil opgehaald. Dank aan iedereen die meedeed!",
    ),
    (
        "Speeltuin weer open",
        "De speeltuin aan de {street} is opgeknapt en weer open. Er is een nieuwe schommel en de zandbak is ververst.",
    ),
    (
        "Let op: babbeltrucs in de wijk",
        "Er zijn de afgelopen dagen mensen aan de deur geweest die zich voordoen als monteur. Vraag altijd om legitimatie en bel bij twijfel de wijkagent.",
    ),
    (
        "Wijkbudget {place}: dien je idee in",
        "Heb je een idee voor de buurt? Tot het einde van de maand kun je een plan indienen voor het wijkbudget. Denk aan groen, spelen of ontmoeten.",
    ),
    (
        "Oud papier wordt {day} opgehaald",
        "Zet je oud papier {day} voor acht uur aan de straat. De opbrengst gaat naar de voetbalclub.",
    ),
];

pub const ACTIVITIES: Texts = &[
    (
        "Buurtbarbecue",
        "Neem je eigen vlees of groente mee; wij zorgen voor de barbecue, salades en drinken. Iedereen is welkom, jong en oud.",
    ),
    (
        "Repair Café",
        "Kapotte broodrooster, lamp of fiets? Onze vrijwilligers repareren het samen met jou. Koffie staat klaar.",
    ),
    (
        "Taalcafé: Nederlands oefenen",
        "Oefen Nederlands in een ontspannen sfeer met buren. Alle niveaus zijn welkom.",
    ),
    (
        "Wandeling door {place}",
        "Een rustige wandeling van een uur door de wijk, met aan het eind koffie. Geschikt voor iedereen.",
    ),
    (
        "Kinderdisco",
        "Dansen, limonade en een verrassing voor kinderen van 4 tot 12 jaar. Ouders zijn ook welkom.",
    ),
    (
        "Moestuinochtend",
        "Samen zaaien, wieden en oogsten in de buurtmoestuin. Handschoenen zijn er; neem zelf laarzen mee.",
    ),
    (
        "Spelletjesavond",
        "Bordspellen, kaarten en sjoelen in het buurthuis. Neem gerust je eigen favoriete spel mee.",
    ),
    (
        "Opschoondag {street}",
        "We maken de {street} en omgeving schoon. Grijpers, zakken en handschoenen worden geregeld.",
    ),
];

pub const REQUESTS_GOODS: Texts = &[
    (
        "Wie heeft een {item} te leen?",
        "Ik zoek {day} een {item}. Ik breng hem netjes terug en geef er graag een taart voor terug.",
    ),
    (
        "Gezocht: {item} voor een paar dagen",
        "Voor een klusje in huis heb ik een paar dagen een {item} nodig. Wie kan helpen? Ik woon aan de {street}.",
    ),
    (
        "Kinderkleding maat 110 gezocht",
        "Onze dochter groeit hard. Heeft iemand nog winterkleding in maat 110 liggen?",
    ),
];

pub const REQUESTS_KNOWLEDGE: Texts = &[
    (
        "Hulp bij belastingaangifte",
        "Ik kom er niet uit met mijn belastingaangifte. Wie wil een uurtje met me meekijken?",
    ),
    (
        "Wie kan mijn nieuwe telefoon instellen?",
        "Ik heb een nieuwe telefoon gekregen maar weet niet hoe ik mijn foto's en WhatsApp overzet. Wie helpt mij {day}?",
    ),
    (
        "Uitleg over zonnepanelen",
        "We overwegen zonnepanelen. Heeft iemand ervaring en wil die delen bij een kop koffie?",
    ),
];

pub const REQUESTS_SKILLS: Texts = &[
    (
        "Lekkende kraan repareren",
        "Mijn keukenkraan lekt al een week. Wie is handig en wil er {day} even naar kijken?",
    ),
    (
        "Hulp bij ophangen van lampen",
        "Ik heb drie lampen gekocht maar durf ze zelf niet op te hangen. Wie helpt?",
    ),
    (
        "Fietsband plakken",
        "Mijn fiets staat al een tijdje met een lekke band. Wie kan me laten zien hoe je een band plakt?",
    ),
];

pub const REQUESTS_HELP: Texts = &[
    (
        "Hulp bij verhuizen {day}",
        "Ik verhuis binnen de wijk naar de {street}. Wie kan een paar uur helpen dozen en meubels te sjouwen?",
    ),
    (
        "Boodschappen doen tijdens herstel",
        "Na een operatie mag ik twee weken niet tillen. Wie wil één keer per week boodschappen voor me doen?",
    ),
    (
        "Hond uitlaten",
        "Door mijn drukke werkweek zoek ik iemand die {day} tussen de middag onze hond wil uitlaten.",
    ),
    (
        "Tuin winterklaar maken",
        "Mijn tuin is te veel voor me geworden. Wie helpt een ochtend met snoeien en bladeren ruimen?",
    ),
];

pub const REQUESTS_CARE: Texts = &[
    (
        "Even een praatje",
        "Sinds mijn man is overleden ben ik veel alleen. Ik zou het fijn vinden als iemand af en toe langskomt voor koffie.",
    ),
    (
        "Vervoer naar het ziekenhuis",
        "Ik moet {day} naar het ziekenhuis voor een controle en heb geen vervoer. Wie kan mij brengen?",
    ),
    (
        "Hulp bij post en formulieren",
        "De brieven van instanties worden me te veel. Wie wil een keer helpen om ze op orde te krijgen?",
    ),
];

pub const OFFERS_GOODS: Texts = &[
    (
        "{item} te leen",
        "Onze {item} staat meestal ongebruikt in de schuur. Buren mogen hem lenen; stuur een berichtje.",
    ),
    (
        "Gratis af te halen: kinderboeken",
        "Een doos kinderboeken voor 4 tot 8 jaar, in goede staat. Op te halen aan de {street}.",
    ),
    (
        "Groente uit eigen tuin",
        "We hebben meer courgettes en tomaten dan we op kunnen. Kom gerust langs om wat op te halen.",
    ),
];

pub const OFFERS_KNOWLEDGE: Texts = &[
    (
        "Hulp met computer en telefoon",
        "Ik ben gepensioneerd ICT'er en help graag buren met hun computer, tablet of telefoon.",
    ),
    (
        "Bijles wiskunde",
        "Student wiskunde biedt bijles aan middelbare scholieren in de buurt, gewoon aan de keukentafel.",
    ),
    (
        "Meekijken met je cv",
        "Als recruiter kijk ik graag met je mee naar je cv en sollicitatiebrief.",
    ),
];

pub const OFFERS_SKILLS: Texts = &[
    (
        "Klusjesman voor kleine reparaties",
        "Handig met gereedschap: kapotte scharnieren, plankjes ophangen, kranen vervangen. Vraag het maar.",
    ),
    (
        "Naaiwerk en reparaties",
        "Ik zoom broeken in en repareer kapotte kleding. Breng het langs aan de {street}.",
    ),
    (
        "Fietsenmaker aan huis",
        "Ik repareer graag fietsen van buren: banden, remmen, verlichting.",
    ),
];

pub const OFFERS_HELP: Texts = &[
    (
        "Boodschappen meenemen",
        "Ik doe elke {day} boodschappen en neem graag iets mee voor buren die slecht ter been zijn.",
    ),
    (
        "Oppassen op huisdieren",
        "Met vakantie? Ik pas graag op je kat of konijn en geef de planten water.",
    ),
    (
        "Helpende hand bij verhuizingen",
        "Sterk en in het bezit van een bus: ik help graag een dagdeel bij een verhuizing in de wijk.",
    ),
];

pub const OFFERS_CARE: Texts = &[
    (
        "Wandelmaatje",
        "Ik wandel graag en loop op rustig tempo mee met buren die niet alleen op pad willen.",
    ),
    (
        "Koffie en een luisterend oor",
        "Gepensioneerd verpleegkundige. Ik kom graag langs voor een kop koffie en een praatje.",
    ),
];

pub const MATCH_MESSAGES: &[&str] = &[
    "Ik kan je helpen, ik woon om de hoek.",
    "Dat lukt me {day} wel. Schikt dat?",
    "Ik heb er ervaring mee, stuur me maar een berichtje.",
    "Graag! Laat maar weten wanneer het uitkomt.",
];

pub const THANKS: &[&str] = &[
    "Heel erg bedankt voor je hulp!",
    "Super fijn, dankjewel buurman!",
    "Wat een geweldige hulp, bedankt!",
];

pub const BIOS: &[&str] = &[
    "Gepensioneerd timmerman, help graag met klussen.",
    "Moeder van twee, werk parttime in de zorg.",
    "Student, net verhuisd naar de wijk.",
    "Houd van tuinieren en koken voor anderen.",
    "Fietsenmaker in ruste. Vraag maar!",
    "Werk in de ICT en help graag met computers.",
];
