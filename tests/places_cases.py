"""A labelled set for place resolution, written for wiretrace: other regions, many ambiguous names.

Each case is a short news-like text and the places it names: (mention as written, expected
place name, lat, lon). Coordinates are the real location of the place the text means; a
resolution counts as correct within ``TOLERANCE_KM`` of them. Names shared by many places
(Springfield, Alexandria, San Jose, Tripoli, Mykolaivka...) appear with context that
decides between them, as in real reporting.
"""

from __future__ import annotations

TOLERANCE_KM = 25.0

CASES: list[tuple[str, list[tuple[str, str, float, float]]]] = [
    (
        "Lawmakers returned to Springfield, the Illinois capital, on Tuesday as the budget deadline neared.",
        [("Springfield", "Springfield", 39.80, -89.64)],
    ),
    (
        "A fire destroyed a warehouse in Springfield, Massachusetts, officials in Hampden County said.",
        [("Springfield", "Springfield", 42.10, -72.59), ("Massachusetts", "Massachusetts", 42.3, -71.8)],
    ),
    (
        "Police in Springfield, Missouri, arrested two men after a shooting near the Ozarks campus.",
        [("Springfield", "Springfield", 37.21, -93.29)],
    ),
    (
        "Protesters gathered in Alexandria, Egypt's second-largest city, after bread prices rose again.",
        [("Alexandria", "Alexandria", 31.20, 29.92)],
    ),
    (
        "The trial opened in a federal court in Alexandria, Virginia, just across the river from Washington.",
        [("Alexandria", "Alexandria", 38.80, -77.05)],
    ),
    (
        "Flooding closed roads around Alexandria in central Louisiana, and schools in Pineville shut.",
        [("Alexandria", "Alexandria", 31.31, -92.45), ("Pineville", "Pineville", 31.32, -92.43)],
    ),
    (
        "Tech workers in San Jose, California, staged a walkout over layoffs at two chipmakers.",
        [("San Jose", "San Jose", 37.34, -121.89)],
    ),
    (
        "Costa Rica's president spoke in San José on Monday about the new port deal with Panama.",
        [("San José", "San José", 9.93, -84.08), ("Costa Rica", "Costa Rica", 9.9, -84.1)],
    ),
    (
        "A tornado struck Paris, Texas, damaging dozens of homes in Lamar County overnight.",
        [("Paris", "Paris", 33.66, -95.56)],
    ),
    (
        "The summit in Paris brought French and German leaders together to discuss the budget rules.",
        [("Paris", "Paris", 48.85, 2.35)],
    ),
    (
        "Lebanese troops deployed in Tripoli after clashes between neighbourhoods of Lebanon's second city.",
        [("Tripoli", "Tripoli", 34.44, 35.85)],
    ),
    (
        "Rival militias exchanged fire in Tripoli, the Libyan capital, and flights at Mitiga were suspended.",
        [("Tripoli", "Tripoli", 32.89, 13.19)],
    ),
    (
        "Heavy rain flooded Hyderabad in Pakistan's Sindh province, and Karachi declared an emergency.",
        [("Hyderabad", "Hyderabad", 25.39, 68.37), ("Karachi", "Karachi", 24.86, 67.01)],
    ),
    (
        "Farmers blocked roads outside Córdoba, Argentina's second-largest city, over export taxes.",
        [("Córdoba", "Córdoba", -31.41, -64.18)],
    ),
    (
        "Power cuts hit Valencia, Venezuela's third city, and Maracaibo for a second day.",
        [("Valencia", "Valencia", 10.16, -68.00), ("Maracaibo", "Maracaibo", 10.63, -71.64)],
    ),
    (
        "Bushfires burned east of Perth as Western Australia declared a catastrophic fire danger.",
        [("Perth", "Perth", -31.95, 115.86)],
    ),
    (
        "Civil rights museums in Birmingham, Alabama, reopened after the storm.",
        [("Birmingham", "Birmingham", 33.52, -86.80)],
    ),
    (
        "Snow fell across Portland, Maine, and ferries to the islands were cancelled.",
        [("Portland", "Portland", 43.66, -70.26)],
    ),
    (
        "Gang violence in Kingston, Jamaica, forced the government to declare a state of emergency.",
        [("Kingston", "Kingston", 18.00, -76.79), ("Jamaica", "Jamaica", 18.1, -77.3)],
    ),
    (
        "Tens of thousands marched in Tbilisi, the capital of Georgia, against the foreign agents law.",
        [("Tbilisi", "Tbilisi", 41.69, 44.83)],
    ),
    (
        "Ukrainian officials said Russian troops shelled Mykolaivka, a town near Sloviansk, overnight.",
        [("Mykolaivka", "Mykolaivka", 48.85, 37.58), ("Sloviansk", "Sloviansk", 48.85, 37.60)],
    ),
    (
        "Russian media said artillery hit Nikolayevka near Slavyansk and Kramatorsk.",
        [
            ("Nikolayevka", "Mykolaivka", 48.85, 37.58),
            ("Slavyansk", "Sloviansk", 48.85, 37.60),
            ("Kramatorsk", "Kramatorsk", 48.72, 37.56),
        ],
    ),
    (
        "Shelling was reported in Gorlovka and Avdeevka, while fighting continued near Ugledar.",
        [
            ("Gorlovka", "Horlivka", 48.30, 38.05),
            ("Avdeevka", "Avdiivka", 48.14, 37.74),
            ("Ugledar", "Vuhledar", 47.78, 37.25),
        ],
    ),
    (
        "Drones struck fuel depots in Nikolaev and Chernigov, regional governors said.",
        [("Nikolaev", "Mykolaiv", 46.97, 31.99), ("Chernigov", "Chernihiv", 51.50, 31.30)],
    ),
    (
        "Residents of Zhitomir and Lugansk described a night of explosions.",
        [("Zhitomir", "Zhytomyr", 50.25, 28.66), ("Lugansk", "Luhansk", 48.57, 39.33)],
    ),
    (
        "The brigade pulled back from Konstantinovka towards Chasov Yar, the report said.",
        [("Konstantinovka", "Kostiantynivka", 48.53, 37.71), ("Chasov Yar", "Chasiv Yar", 48.59, 37.84)],
    ),
    (
        "Trains from Dnepropetrovsk to Selidovo and Kurakhovo were cancelled.",
        [
            ("Dnepropetrovsk", "Dnipro", 48.45, 34.98),
            ("Selidovo", "Selydove", 48.15, 37.30),
            ("Kurakhovo", "Kurakhove", 47.98, 37.28),
        ],
    ),
    (
        "Attacks on Gulyaipole and Orekhov intensified, a spokesman for the southern command said.",
        [("Gulyaipole", "Huliaipole", 47.66, 36.26), ("Orekhov", "Orikhiv", 47.57, 35.78)],
    ),
    (
        "The governor of the Belgorod region said drones were shot down over Kursk and Bryansk.",
        [("Kursk", "Kursk", 51.73, 36.19), ("Bryansk", "Bryansk", 53.25, 34.37)],
    ),
    (
        "Air raid sirens sounded in Oryol and Sudzha early on Sunday.",
        [("Oryol", "Orel", 52.97, 36.07), ("Sudzha", "Sudzha", 51.19, 35.27)],
    ),
    (
        "Strikes hit Khan Younis and Deir al-Balah as families fled north from Rafah in the Gaza Strip.",
        [
            ("Khan Younis", "Khan Yunis", 31.34, 34.30),
            ("Deir al-Balah", "Dayr al Balah", 31.42, 34.35),
            ("Rafah", "Rafah", 31.29, 34.25),
        ],
    ),
    (
        "Israeli forces raided Jenin and Nablus in the occupied West Bank, Palestinian officials said.",
        [("Jenin", "Jenin", 32.46, 35.30), ("Nablus", "Nablus", 32.22, 35.26)],
    ),
    (
        "Rebels advanced from Idlib towards Aleppo, while fighting flared near Deir ez-Zor and Raqqa.",
        [
            ("Idlib", "Idlib", 35.93, 36.63),
            ("Aleppo", "Aleppo", 36.20, 37.16),
            ("Deir ez-Zor", "Deir ez-Zor", 35.34, 40.14),
            ("Raqqa", "Ar Raqqah", 35.95, 39.01),
        ],
    ),
    (
        "Iraqi troops deployed between Mosul and Kirkuk after the referendum.",
        [("Mosul", "Mosul", 36.34, 43.13), ("Kirkuk", "Kirkuk", 35.47, 44.39)],
    ),
    (
        "Flooding in Benghazi and Misrata added to the misery in eastern Libya.",
        [("Benghazi", "Benghazi", 32.12, 20.07), ("Misrata", "Misratah", 32.38, 15.09)],
    ),
    (
        "Houthi officials in Sanaa said airstrikes hit Hodeidah and Taiz.",
        [
            ("Sanaa", "Sanaa", 15.35, 44.21),
            ("Hodeidah", "Al Hudaydah", 14.80, 42.95),
            ("Taiz", "Ta'izz", 13.58, 44.02),
        ],
    ),
    (
        "Aid agencies said the siege of El Fasher in Sudan's Darfur region had cut off food.",
        [("El Fasher", "El Fasher", 13.63, 25.35), ("Sudan", "Sudan", 15.0, 30.0)],
    ),
    (
        "M23 rebels entered Goma, the largest city in eastern Congo, as residents fled to Rwanda.",
        [("Goma", "Goma", -1.68, 29.23), ("Rwanda", "Rwanda", -1.9, 29.9)],
    ),
    (
        "Militants attacked a convoy near Maiduguri in northeastern Nigeria.",
        [("Maiduguri", "Maiduguri", 11.85, 13.16), ("Nigeria", "Nigeria", 9.0, 8.0)],
    ),
    (
        "Myanmar's army lost control of Lashio, and fighting spread to Myitkyina.",
        [("Lashio", "Lashio", 22.93, 97.75), ("Myitkyina", "Myitkyina", 25.38, 97.40)],
    ),
    (
        "A bomb exploded at a railway station in Quetta, and police in Peshawar raised alert levels.",
        [("Quetta", "Quetta", 30.19, 67.01), ("Peshawar", "Peshawar", 34.01, 71.58)],
    ),
    (
        "Taliban officials in Kandahar announced new rules for aid workers.",
        [("Kandahar", "Kandahar", 31.61, 65.71)],
    ),
    (
        "Tankers slowed in the Strait of Hormuz, and insurers raised rates for the Red Sea.",
        [("Strait of Hormuz", "Strait of Hormuz", 26.57, 56.25), ("Red Sea", "Red Sea", 20.0, 38.5)],
    ),
    (
        "Water levels on the Euphrates fell to a record low, Syrian farmers said.",
        [("Euphrates", "Euphrates", 34.5, 40.9)],
    ),
    (
        "Ferries across the Danube were suspended between Romania and Bulgaria.",
        [("Danube", "Danube", 44.8, 21.0)],
    ),
    (
        "Voters in Atlanta, Georgia, waited in long lines on election day.",
        [("Atlanta", "Atlanta", 33.75, -84.39)],
    ),
    (
        "Officials in Victoria, British Columbia, said the ferry service would resume.",
        [("Victoria", "Victoria", 48.43, -123.37)],
    ),
    (
        "Heavy fighting was reported around Pokrovsk and Myrnohrad, and the road to Dobropillia was cut.",
        [
            ("Pokrovsk", "Pokrovsk", 48.28, 37.18),
            ("Myrnohrad", "Myrnohrad", 48.30, 37.26),
            ("Dobropillia", "Dobropillya", 48.47, 37.08),
        ],
    ),
    (
        "The mayor of Sumy said a missile hit the centre; in Poltava, sirens sounded for three hours.",
        [("Sumy", "Sumy", 50.91, 34.80), ("Poltava", "Poltava", 49.59, 34.55)],
    ),
    (
        "Power was cut in Odessa and Kherson after strikes on substations.",
        [("Odessa", "Odesa", 46.48, 30.73), ("Kherson", "Kherson", 46.64, 32.61)],
    ),
]

# Written after the rules were tuned on CASES and scored once before any change: the honest
# estimate of accuracy on unseen text (see docs/decisions.md).
HELDOUT: list[tuple[str, list[tuple[str, str, float, float]]]] = [
    (
        "Riots spread from Manchester to Liverpool as police appealed for calm across England.",
        [("Manchester", "Manchester", 53.48, -2.24), ("Liverpool", "Liverpool", 53.41, -2.98)],
    ),
    (
        "The storm hit Wilmington, North Carolina, before moving toward Norfolk, Virginia.",
        [("Wilmington", "Wilmington", 34.23, -77.94), ("Norfolk", "Norfolk", 36.85, -76.29)],
    ),
    (
        "In Santiago, Chile's capital, students marched to the presidential palace.",
        [("Santiago", "Santiago", -33.45, -70.65)],
    ),
    (
        "Pilgrims reached Santiago de Compostela in Galicia after a month on the road.",
        [("Santiago de Compostela", "Santiago de Compostela", 42.88, -8.54)],
    ),
    (
        "Flooding in Hamilton, New Zealand, closed schools for a week.",
        [("Hamilton", "Hamilton", -37.78, 175.28)],
    ),
    (
        "Police in Hamilton, Ontario, charged two men after the robbery.",
        [("Hamilton", "Hamilton", 43.25, -79.87)],
    ),
    (
        "Fighting flared near Kobani and Manbij in northern Syria.",
        [("Kobani", "Kobanî", 36.89, 38.35), ("Manbij", "Manbij", 36.53, 37.95)],
    ),
    (
        "The Taliban seized Kunduz and advanced on Mazar-i-Sharif.",
        [("Kunduz", "Kunduz", 36.73, 68.86), ("Mazar-i-Sharif", "Mazar-e Sharif", 36.71, 67.11)],
    ),
    (
        "A quake struck near Malatya and Adiyaman in southeastern Turkey.",
        [("Malatya", "Malatya", 38.35, 38.31), ("Adiyaman", "Adıyaman", 37.76, 38.28)],
    ),
    (
        "Cholera cases rose in Beira and Quelimane, Mozambique health officials said.",
        [("Beira", "Beira", -19.84, 34.84), ("Quelimane", "Quelimane", -17.88, 36.89)],
    ),
    (
        "Shelling hit Bilhorod-Dnistrovskyi and Izmail in the Odesa region.",
        [
            ("Bilhorod-Dnistrovskyi", "Bilhorod-Dnistrovskyi", 46.19, 30.35),
            ("Izmail", "Izmail", 45.35, 28.84),
        ],
    ),
    (
        "Drones struck Krasnodar and Novorossiysk overnight, the regional governor said.",
        [("Krasnodar", "Krasnodar", 45.04, 38.98), ("Novorossiysk", "Novorossiysk", 44.72, 37.77)],
    ),
    (
        "Missiles hit Nikopol and Marganets across the river from the nuclear plant.",
        [("Nikopol", "Nikopol", 47.57, 34.40), ("Marganets", "Marhanets", 47.64, 34.63)],
    ),
    (
        "Residents fled Kherson for Nikolaev and Krivoy Rog.",
        [
            ("Kherson", "Kherson", 46.64, 32.61),
            ("Nikolaev", "Mykolaiv", 46.97, 31.99),
            ("Krivoy Rog", "Kryvyi Rih", 47.91, 33.39),
        ],
    ),
    (
        "Troops regrouped near Izyum and Balakleya after the counteroffensive.",
        [("Izyum", "Izium", 49.21, 37.26), ("Balakleya", "Balakliia", 49.46, 36.86)],
    ),
    (
        "Protests in Yerevan followed the exodus from Stepanakert.",
        [("Yerevan", "Yerevan", 40.18, 44.51), ("Stepanakert", "Stepanakert", 39.82, 46.75)],
    ),
    (
        "Gunmen attacked a church in Owo in Nigeria's Ondo state.",
        [("Owo", "Owo", 7.20, 5.59)],
    ),
    (
        "The ferry sank off Zanzibar on its way from Dar es Salaam.",
        [("Zanzibar", "Zanzibar", -6.16, 39.20), ("Dar es Salaam", "Dar es Salaam", -6.82, 39.27)],
    ),
    (
        "Heavy snow fell in Buffalo, New York, and Erie, Pennsylvania.",
        [("Buffalo", "Buffalo", 42.89, -78.88), ("Erie", "Erie", 42.13, -80.09)],
    ),
    (
        "Wildfires forced evacuations near Athens and on the Greek island of Rhodes.",
        [("Athens", "Athens", 37.98, 23.73), ("Rhodes", "Rhodes", 36.43, 28.22)],
    ),
    (
        "The prime minister met farmers in Lucknow and Kanpur.",
        [("Lucknow", "Lucknow", 26.85, 80.95), ("Kanpur", "Kanpur", 26.46, 80.33)],
    ),
    (
        "Clashes in Mandalay and Sagaing followed the coup.",
        [("Mandalay", "Mandalay", 21.97, 96.08), ("Sagaing", "Sagaing", 21.88, 95.98)],
    ),
    (
        "Kabul and Jalalabad saw long queues at banks.",
        [("Kabul", "Kabul", 34.53, 69.17), ("Jalalabad", "Jalalabad", 34.43, 70.45)],
    ),
    (
        "Militants struck near Dera Ismail Khan and Bannu in Pakistan.",
        [("Dera Ismail Khan", "Dera Ismail Khan", 31.83, 70.90), ("Bannu", "Bannu", 32.99, 70.60)],
    ),
    (
        "Rescuers reached Derna after the dams burst, and aid arrived from Tobruk.",
        [("Derna", "Darnah", 32.77, 22.64), ("Tobruk", "Tobruk", 32.08, 23.96)],
    ),
]

# A second blind round, written after the HELDOUT fixes: 0.96 (27/28) when first scored; the miss
# ("Columbia, South Carolina") led to reading a region or country named right after a name.
HELDOUT_2: list[tuple[str, list[tuple[str, str, float, float]]]] = [
    (
        "Floodwaters rose in Porto Alegre as the Guaiba overflowed, and Canoas was evacuated.",
        [("Porto Alegre", "Porto Alegre", -30.03, -51.23), ("Canoas", "Canoas", -29.92, -51.18)],
    ),
    (
        "Police in Cologne and Duisburg raided mosques linked to the group.",
        [("Cologne", "Köln", 50.94, 6.96), ("Duisburg", "Duisburg", 51.43, 6.76)],
    ),
    (
        "The cyclone made landfall near Chittagong, and Cox's Bazar camps were flooded.",
        [("Chittagong", "Chattogram", 22.34, 91.83)],
    ),
    (
        "Israeli strikes hit Tyre and Nabatieh in southern Lebanon.",
        [("Tyre", "Tyre", 33.27, 35.20), ("Nabatieh", "Nabatîyé", 33.38, 35.48)],
    ),
    (
        "Russian forces pressed on Toretsk and Niu-York, the Ukrainian General Staff said.",
        [("Toretsk", "Toretsk", 48.40, 37.85)],
    ),
    (
        "A bus crashed near Puebla on the highway from Veracruz.",
        [("Puebla", "Puebla", 19.04, -98.20), ("Veracruz", "Veracruz", 19.18, -96.14)],
    ),
    (
        "Drone debris fell on Ryazan and Tula, regional officials said.",
        [("Ryazan", "Ryazan", 54.63, 39.74), ("Tula", "Tula", 54.20, 37.62)],
    ),
    (
        "Farmers protested in Lviv and Ternopil against grain imports.",
        [("Lviv", "Lviv", 49.84, 24.02), ("Ternopil", "Ternopil", 49.55, 25.59)],
    ),
    (
        "Troops entered Gao after the militants withdrew toward Menaka in Mali.",
        [("Gao", "Gao", 16.27, -0.04), ("Menaka", "Ménaka", 15.92, 2.40)],
    ),
    (
        "Heavy fighting was reported in Wad Madani and Omdurman, Sudanese activists said.",
        [("Wad Madani", "Wad Medani", 14.40, 33.52), ("Omdurman", "Omdurman", 15.64, 32.48)],
    ),
    (
        "Voters in Columbus, Ohio, and Columbia, South Carolina, went to the polls.",
        [("Columbus", "Columbus", 39.96, -83.00), ("Columbia", "Columbia", 34.00, -81.03)],
    ),
    (
        "The ship was seized off Fujairah, near the Strait of Hormuz.",
        [("Fujairah", "Fujairah", 25.12, 56.33)],
    ),
    (
        "Flooding hit Shostka and Konotop in the Sumy region.",
        [("Shostka", "Shostka", 51.87, 33.48), ("Konotop", "Konotop", 51.24, 33.20)],
    ),
    (
        "Protesters in Batumi and Kutaisi demanded new elections in Georgia.",
        [("Batumi", "Batumi", 41.64, 41.64), ("Kutaisi", "Kutaisi", 42.27, 42.70)],
    ),
    (
        "Artillery struck Kramatorsk and Druzhkovka, and residents of Konstantinovka sheltered.",
        [
            ("Kramatorsk", "Kramatorsk", 48.72, 37.56),
            ("Druzhkovka", "Druzhkivka", 48.63, 37.55),
            ("Konstantinovka", "Kostiantynivka", 48.53, 37.71),
        ],
    ),
]
