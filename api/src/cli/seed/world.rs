//! The seeded world: where neighbourhoods lie, who lives there, and what they post, match and
//! attend. Every place is generated from the seed and its own index alone, so places can be
//! generated one at a time (the national profile never holds all its rows at once) and the
//! same seed always gives the same ids and rows.

use buurt_domain::accounts::{
    Bio, DisplayName, Email, HouseNumber, Language, Phone, Postcode, Profile, Street, User, UserId,
};
use buurt_domain::activities::{Rsvp, RsvpStatus};
use buurt_domain::category::Category;
use buurt_domain::matching::{MAX_ACTIVE_MATCHES, Match, MatchId, MatchStatus, Party};
use buurt_domain::mediation::{Case, CaseId, CaseStatus, ConsentKind, EscalatedBy, Outcome};
use buurt_domain::membership::{Membership, MembershipStatus, Role, Verification};
use buurt_domain::neighbourhoods::{
    CbsCode, GeoPoint, MunicipalityCode, Neighbourhood, NeighbourhoodDraft, NeighbourhoodId,
    PlaceName, PostcodeArea, search_key,
};
use buurt_domain::posts::{
    ActivityDetails, Post, PostContent, PostId, PostKind, PostStatus, Urgency, Visibility,
};
use buurt_persistence::seed::{SeedAudit, SeedConsent, SeedMatch, SeedMembership, SeedRsvp};
use chrono::{DateTime, Duration, Timelike, Utc};
use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt, SeedableRng};
use uuid::Uuid;

use super::words::{self, Texts};

type Rng = Xoshiro256PlusPlus;

/// How big a world is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub municipalities: usize,
    pub neighbourhoods: usize,
    pub residents: u32,
    pub posts: u32,
    pub activities: u32,
    /// How far back posts go.
    pub history_days: i64,
}

impl Scale {
    pub const NATIONAL: Scale = Scale {
        municipalities: 340,
        neighbourhoods: 14_000,
        residents: 1_000_000,
        posts: 2_000_000,
        activities: 50_000,
        history_days: 730,
    };
}

// What an id is of: ids are derived from the seed, this tag and an index.
const NEIGHBOURHOOD: u64 = 1;
const USER: u64 = 2;
const MEMBERSHIP: u64 = 3;
const POST: u64 = 4;
const MATCH: u64 = 5;
const CASE: u64 = 6;
const AUDIT: u64 = 7;
const LAYOUT: u64 = 8;
const PEOPLE: u64 = 9;
const CONTENT: u64 = 10;

/// SplitMix64's finaliser: spreads any input over all 64 bits.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn rng(seed: u64, tag: u64, index: u64) -> Rng {
    Rng::seed_from_u64(mix(mix(seed ^ mix(tag)) ^ index))
}

/// A random-looking (version 4) UUID that only the seed, the tag and the index decide.
fn id(seed: u64, tag: u64, index: u64) -> Uuid {
    let high = mix(mix(seed ^ mix(tag)) ^ mix(index));
    let low = mix(high ^ 0x5EED_5EED_5EED_5EED);
    uuid::Builder::from_random_bytes(((u128::from(high) << 64) | u128::from(low)).to_be_bytes())
        .into_uuid()
}

/// One neighbourhood and what lives in it.
#[derive(Debug, Clone)]
pub struct Place {
    pub neighbourhood: Neighbourhood,
    pub first_resident: u32,
    pub residents: u32,
    pub posts: u32,
    pub activities: u32,
    streets: Vec<&'static str>,
    /// Residents' postcodes are one of these (PC6), or one of these (PC4) and two letters.
    postcodes: Vec<String>,
}

/// A login the seed prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Login {
    pub email: String,
    pub what: String,
}

/// Everything a place holds besides its residents.
#[derive(Debug, Default)]
pub struct Content {
    pub posts: Vec<Post>,
    pub matches: Vec<SeedMatch>,
    pub rsvps: Vec<SeedRsvp>,
    pub consents: Vec<SeedConsent>,
    pub cases: Vec<Case>,
    pub audit: Vec<SeedAudit>,
}

pub struct World {
    seed: u64,
    now: DateTime<Utc>,
    history: Duration,
    pub places: Vec<Place>,
    pub residents: u32,
}

/// Splits `total` in proportion to `weights`, exactly.
fn allocate(total: u32, weights: &[f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    let mut cumulative = 0.0;
    let mut given = 0u32;
    weights
        .iter()
        .map(|weight| {
            cumulative += weight;
            // Float arithmetic on whole counts: the last share ends exactly at `total`.
            let upto = ((f64::from(total) * cumulative / sum).round() as u32).min(total);
            let share = upto - given;
            given = upto;
            share
        })
        .collect()
}

fn pick<T: Clone>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())].clone()
}

/// A moment in `[from, to]` (`from` when the range is empty), to the second.
fn between(rng: &mut Rng, from: DateTime<Utc>, to: DateTime<Utc>) -> DateTime<Utc> {
    let span = (to - from).num_seconds();
    if span <= 0 {
        return from;
    }
    from + Duration::seconds(rng.random_range(0..=span))
}

fn fill(template: &str, rng: &mut Rng, street: &str, place: &str) -> String {
    let mut text = template.to_owned();
    for (key, value) in [
        ("{item}", pick(rng, words::ITEMS)),
        ("{day}", pick(rng, words::DAYS)),
        ("{street}", street),
        ("{place}", place),
    ] {
        if text.contains(key) {
            text = text.replace(key, value);
        }
    }
    text
}

/// Two letters of a PC6 postcode; PostNL skips SA, SD and SS, and so do we.
const LETTERS: &[u8] = b"ABCDEFGHJKLMNPRTVWXZ";

fn letter_pair(index: usize) -> String {
    let first = LETTERS[(index / LETTERS.len()) % LETTERS.len()];
    let second = LETTERS[index % LETTERS.len()];
    String::from_utf8(vec![first, second]).expect("ASCII letters")
}

fn draft(
    code: String,
    name: &str,
    municipality_code: &str,
    municipality_name: &str,
    centre: (f64, f64),
    postcodes: &[String],
    adjacent: Vec<String>,
) -> NeighbourhoodDraft {
    NeighbourhoodDraft {
        code: CbsCode::parse(&code).expect("a generated CBS code"),
        name: PlaceName::parse(name).expect("a generated name"),
        municipality_code: MunicipalityCode::parse(municipality_code)
            .expect("a generated municipality code"),
        municipality_name: PlaceName::parse(municipality_name).expect("a generated name"),
        centre: GeoPoint::parse(centre.0, centre.1).expect("a point in the Netherlands"),
        postcodes: postcodes
            .iter()
            .map(|p| PostcodeArea::parse(p).expect("a generated postcode"))
            .collect(),
        adjacent: adjacent
            .iter()
            .map(|c| CbsCode::parse(c).expect("a generated CBS code"))
            .collect(),
    }
    .normalised()
}

/// One neighbourhood of the demo world, as it is.
struct DemoPlace {
    code: &'static str,
    name: &'static str,
    pc4: &'static str,
    centre: (f64, f64),
    adjacent: &'static [&'static str],
    /// Of the residents.
    share: f64,
}

impl World {
    /// A few neighbourhoods of Utrecht with about a hundred residents.
    pub fn demo(seed: u64, now: DateTime<Utc>) -> Self {
        let plan = [
            DemoPlace {
                code: "BU03440311",
                name: "Lombok",
                pc4: "3531",
                centre: (52.0915, 5.0995),
                adjacent: &["BU03440911"],
                share: 40.0,
            },
            DemoPlace {
                code: "BU03440911",
                name: "Zuilen",
                pc4: "3553",
                centre: (52.1108, 5.0962),
                adjacent: &["BU03440311", "BU03440621"],
                share: 25.0,
            },
            DemoPlace {
                code: "BU03440621",
                name: "Wittevrouwen",
                pc4: "3572",
                centre: (52.0975, 5.1330),
                adjacent: &["BU03440911", "BU03440412"],
                share: 20.0,
            },
            DemoPlace {
                code: "BU03440412",
                name: "Oudwijk",
                pc4: "3581",
                centre: (52.0876, 5.1338),
                adjacent: &["BU03440621"],
                share: 15.0,
            },
        ];
        let mut layout = rng(seed, LAYOUT, 0);
        let shapes = plan
            .iter()
            .enumerate()
            .map(|(index, place)| {
                let postcodes = vec![place.pc4.to_owned()];
                let draft = draft(
                    place.code.to_owned(),
                    place.name,
                    "GM0344",
                    "Utrecht",
                    place.centre,
                    &postcodes,
                    place.adjacent.iter().map(|c| (*c).to_owned()).collect(),
                );
                let streets = (0..4).map(|_| pick(&mut layout, words::STREETS)).collect();
                (index, draft, postcodes, streets)
            })
            .collect();
        let weights: Vec<f64> = plan.iter().map(|p| p.share).collect();
        Self::populate(
            seed,
            now,
            Scale {
                municipalities: 1,
                neighbourhoods: 4,
                residents: 100,
                posts: 160,
                activities: 12,
                history_days: 60,
            },
            shapes,
            &weights,
        )
    }

    /// A made-up country at `scale`: municipalities with their neighbourhoods in a grid.
    pub fn national(seed: u64, now: DateTime<Utc>, scale: Scale) -> Self {
        let mut layout = rng(seed, LAYOUT, 0);
        let mut codes = std::collections::BTreeSet::new();
        while codes.len() < scale.municipalities {
            codes.insert(layout.random_range(1..2000u32));
        }
        let mut names = std::collections::HashSet::new();
        let mut municipality_names = Vec::new();
        for index in 0..scale.municipalities {
            let mut name = words::MUNICIPALITIES
                .get(index)
                .map_or_else(String::new, |n| (*n).to_owned());
            while name.is_empty() || names.contains(&name) {
                name = format!(
                    "{}{}",
                    pick(&mut layout, words::PLACE_PREFIXES),
                    pick(&mut layout, words::PLACE_SUFFIXES)
                );
            }
            names.insert(name.clone());
            municipality_names.push(name);
        }
        // A few large cities and many villages.
        let weights: Vec<f64> = (0..scale.municipalities)
            .map(|_| 0.2 + layout.random::<f64>().powi(3) * 10.0)
            .collect();
        let minimum = 3;
        let sizes: Vec<u32> = allocate(
            u32::try_from(scale.neighbourhoods - minimum * scale.municipalities)
                .expect("a sane scale"),
            &weights,
        )
        .into_iter()
        .map(|size| size + u32::try_from(minimum).expect("small"))
        .collect();
        let mut shapes = Vec::with_capacity(scale.neighbourhoods);
        let mut next_pc4 = 1011u32;
        for ((code, name), size) in codes.iter().zip(&municipality_names).zip(&sizes) {
            let gm = format!("GM{code:04}");
            let lat = layout.random_range(51.0..53.3);
            let lng = layout.random_range(3.9..7.0);
            // Square-ish grid: neighbours are left, right, above and below.
            let size = *size as usize;
            let width = size.isqrt().max(1) + usize::from(size.isqrt().pow(2) < size);
            let bu = |j: usize| format!("BU{code:04}{:02}{:02}", j / 10, j % 10);
            for j in 0..size {
                let (row, column) = (j / width, j % width);
                let mut adjacent = Vec::new();
                if column > 0 {
                    adjacent.push(bu(j - 1));
                }
                if column + 1 < width && j + 1 < size {
                    adjacent.push(bu(j + 1));
                }
                if row > 0 {
                    adjacent.push(bu(j - width));
                }
                if j + width < size {
                    adjacent.push(bu(j + width));
                }
                // Four neighbourhoods share a PC4 area, each with three PC6 codes of its own.
                let pc4 = next_pc4 + u32::try_from(j / 4).expect("small");
                let postcodes: Vec<String> = (0..3)
                    .map(|k| format!("{pc4}{}", letter_pair((j % 4) * 3 + k)))
                    .collect();
                let base = words::NEIGHBOURHOOD_NAMES[j % words::NEIGHBOURHOOD_NAMES.len()];
                let round = j / words::NEIGHBOURHOOD_NAMES.len();
                let neighbourhood_name = match round {
                    0 => base.to_owned(),
                    1 => format!("{base} Noord"),
                    2 => format!("{base} Zuid"),
                    3 => format!("{base} Oost"),
                    4 => format!("{base} West"),
                    _ => format!("{base} {round}"),
                };
                let centre = (
                    (lat + row as f64 * 0.006).min(53.6),
                    (lng + column as f64 * 0.009).min(7.2),
                );
                let draft = draft(
                    bu(j),
                    &neighbourhood_name,
                    &gm,
                    name,
                    centre,
                    &postcodes,
                    adjacent,
                );
                let streets = (0..5).map(|_| pick(&mut layout, words::STREETS)).collect();
                shapes.push((shapes.len(), draft, postcodes, streets));
            }
            next_pc4 += u32::try_from(size.div_ceil(4)).expect("small");
        }
        let weights: Vec<f64> = (0..shapes.len())
            .map(|_| layout.random_range(0.5..1.5))
            .collect();
        Self::populate(seed, now, scale, shapes, &weights)
    }

    fn populate(
        seed: u64,
        now: DateTime<Utc>,
        scale: Scale,
        shapes: Vec<(usize, NeighbourhoodDraft, Vec<String>, Vec<&'static str>)>,
        weights: &[f64],
    ) -> Self {
        // Every place gets at least a moderator, a mediator and a few residents.
        let minimum = 6u32;
        let places_count = u32::try_from(shapes.len()).expect("a sane scale");
        let residents: Vec<u32> = allocate(scale.residents - minimum * places_count, weights)
            .into_iter()
            .map(|n| n + minimum)
            .collect();
        let shares: Vec<f64> = residents.iter().map(|n| f64::from(*n)).collect();
        let posts = allocate(scale.posts, &shares);
        let activities = allocate(scale.activities, &shares);
        let mut first_resident = 0;
        let created_at = now - Duration::days(scale.history_days + 120);
        let places = shapes
            .into_iter()
            .map(|(index, draft, postcodes, streets)| {
                let place = Place {
                    neighbourhood: Neighbourhood {
                        id: NeighbourhoodId(id(seed, NEIGHBOURHOOD, index as u64)),
                        draft,
                        created_at,
                        updated_at: created_at,
                    },
                    first_resident,
                    residents: residents[index],
                    posts: posts[index],
                    activities: activities[index].min(posts[index]),
                    streets,
                    postcodes,
                };
                first_resident += residents[index];
                place
            })
            .collect();
        Self {
            seed,
            now,
            history: Duration::days(scale.history_days),
            places,
            residents: scale.residents,
        }
    }

    pub fn user_id(&self, index: u32) -> UserId {
        UserId(id(self.seed, USER, u64::from(index)))
    }

    /// The platform administrator (not a member anywhere).
    pub fn admin(&self) -> User {
        let at = self.now - self.history - Duration::days(150);
        User {
            id: self.user_id(self.residents),
            email: Email::parse("beheerder@example.nl").expect("valid"),
            email_verified: true,
            display_name: DisplayName::parse("Beheerder Buurt").expect("valid"),
            profile: Profile::default(),
            platform_admin: true,
            created_at: at,
            updated_at: at,
        }
    }

    /// The known logins: the administrator, and in the first neighbourhood a moderator, a
    /// mediator and a resident.
    pub fn logins(&self) -> Vec<Login> {
        let place = self.places[0].neighbourhood.draft.name.as_str();
        vec![
            Login {
                email: "beheerder@example.nl".into(),
                what: "platform administrator".into(),
            },
            Login {
                email: "moderator@example.nl".into(),
                what: format!("moderator of {place}"),
            },
            Login {
                email: "bemiddelaar@example.nl".into(),
                what: format!("mediator of {place}, with a case to handle"),
            },
            Login {
                email: "bewoner@example.nl".into(),
                what: format!("resident of {place}, with requests and matches"),
            },
        ]
    }

    fn role(local: u32, residents: u32) -> Role {
        match local {
            0 => Role::Moderator,
            1 => Role::Mediator,
            2 if residents >= 20 => Role::Mediator,
            _ => Role::Resident,
        }
    }

    /// The residents of place `index` and their memberships.
    pub fn people(&self, index: usize) -> (Vec<User>, Vec<SeedMembership>) {
        let place = &self.places[index];
        let mut rng = rng(self.seed, PEOPLE, index as u64);
        let mut users = Vec::with_capacity(place.residents as usize);
        let mut members = Vec::with_capacity(place.residents as usize);
        for local in 0..place.residents {
            let global = place.first_resident + local;
            let first = pick(&mut rng, words::FIRST_NAMES);
            let surname = pick(&mut rng, words::SURNAMES);
            let known = match (index, local) {
                (0, 0) => Some("moderator"),
                (0, 1) => Some("bemiddelaar"),
                (0, 3) => Some("bewoner"),
                _ => None,
            };
            let email = match known {
                Some(name) => format!("{name}@example.nl"),
                None => {
                    let ascii = |text: &str| -> String {
                        search_key(text)
                            .chars()
                            .filter(char::is_ascii_alphanumeric)
                            .collect()
                    };
                    format!("{}.{}{global}@example.nl", ascii(first), ascii(surname))
                }
            };
            let area = pick(&mut rng, &place.postcodes);
            let postcode = if area.len() == 4 {
                format!(
                    "{area}{}",
                    letter_pair(rng.random_range(0..LETTERS.len().pow(2)))
                )
            } else {
                area.to_owned()
            };
            let mut house_number = rng.random_range(1..=180u32).to_string();
            if rng.random_bool(0.1) {
                house_number.push(pick(&mut rng, &['a', 'b', 'c']));
            }
            let some = |rng: &mut Rng, p: f64| {
                Category::normalise_set(Category::ALL.into_iter().filter(|_| rng.random_bool(p)))
            };
            let skills = some(&mut rng, 0.25);
            let interests = some(&mut rng, 0.2);
            let mut languages = vec!["nl"];
            if rng.random_bool(0.3) {
                languages.push(pick(&mut rng, &["en", "ar", "tr", "pl", "de"]));
            }
            let phone = rng
                .random_bool(0.4)
                .then(|| format!("06-{:08}", rng.random_range(0..100_000_000u32)));
            let bio = rng.random_bool(0.3).then(|| pick(&mut rng, words::BIOS));
            let created_at = between(
                &mut rng,
                self.now - self.history - Duration::days(120),
                self.now - self.history - Duration::days(1),
            );
            let user = User {
                id: self.user_id(global),
                email: Email::parse(&email).expect("a generated email"),
                email_verified: true,
                display_name: DisplayName::parse(&format!("{first} {surname}"))
                    .expect("a generated name"),
                profile: Profile {
                    postcode: Some(Postcode::parse(&postcode).expect("a generated postcode")),
                    street: Some(
                        Street::parse(pick(&mut rng, &place.streets)).expect("a street name"),
                    ),
                    house_number: Some(HouseNumber::parse(&house_number).expect("a number")),
                    phone: phone.map(|p| Phone::parse(&p).expect("a generated phone number")),
                    bio: bio.map(|b| Bio::parse(b).expect("a bio")),
                    skills,
                    interests,
                    languages: languages
                        .into_iter()
                        .map(|l| Language::parse(l).expect("a language code"))
                        .collect(),
                },
                platform_admin: false,
                created_at,
                updated_at: created_at,
            };
            let joined_at = created_at + Duration::minutes(rng.random_range(1..600));
            members.push(SeedMembership {
                id: id(self.seed, MEMBERSHIP, u64::from(global)),
                membership: Membership {
                    neighbourhood_id: place.neighbourhood.id,
                    user_id: user.id,
                    role: Self::role(local, place.residents),
                    status: MembershipStatus::Active,
                    joined_at,
                    updated_at: joined_at,
                    // An established neighbourhood: its residents were let in long ago.
                    verification: Some(Verification::Existing),
                    verified_by: None,
                    via_postcode: false,
                },
            });
            users.push(user);
        }
        (users, members)
    }

    /// The posts of place `index`, with their matches, RSVPs and cases.
    pub fn content(&self, index: usize) -> Content {
        let place = &self.places[index];
        let mut maker = Maker {
            world: self,
            place,
            index: index as u64,
            rng: rng(self.seed, CONTENT, index as u64),
            active: vec![0; place.residents as usize],
            content: Content::default(),
            counter: 0,
            forced: if index == 0 {
                FORCED.to_vec()
            } else {
                Vec::new()
            },
        };
        for number in 0..place.posts {
            if number < place.activities {
                maker.activity(number);
            } else {
                maker.post();
            }
        }
        maker.content
    }
}

/// What becomes of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    // Still within its 30 days.
    Quiet,
    Proposed,
    Declined,
    Matched,
    PartlyMatched,
    Fulfilled,
    Mediation,
    /// A care request, escalated at once because its author consented to share care data.
    CareMediation,
    // Past its expiry.
    FulfilledLongAgo,
    Expired,
    ExpiredDeclined,
    ExpiredCancelled,
    ExpiredNoShow,
    Closed,
    ClosedCancelled,
    MediatedAndClosed,
}

impl Fate {
    fn live(self) -> bool {
        use Fate::*;
        matches!(
            self,
            Quiet
                | Proposed
                | Declined
                | Matched
                | PartlyMatched
                | Fulfilled
                | Mediation
                | CareMediation
        )
    }
}

const LIVE_FATES: &[(Fate, u32)] = &[
    (Fate::Quiet, 25),
    (Fate::Proposed, 25),
    (Fate::Declined, 8),
    (Fate::Matched, 20),
    (Fate::PartlyMatched, 5),
    (Fate::Fulfilled, 12),
    (Fate::Mediation, 5),
];

const PAST_FATES: &[(Fate, u32)] = &[
    (Fate::FulfilledLongAgo, 36),
    (Fate::Expired, 20),
    (Fate::ExpiredDeclined, 8),
    (Fate::ExpiredCancelled, 6),
    (Fate::ExpiredNoShow, 4),
    (Fate::Closed, 16),
    (Fate::ClosedCancelled, 6),
    (Fate::MediatedAndClosed, 4),
];

/// The first requests of the first neighbourhood, by its known resident: every match status
/// and a case are there to try, whatever the seed.
const FORCED: &[Fate] = &[
    Fate::CareMediation,
    Fate::ExpiredCancelled,
    Fate::ExpiredNoShow,
    Fate::PartlyMatched,
    Fate::Fulfilled,
    Fate::Declined,
    Fate::Proposed,
    Fate::Matched,
];

/// The known resident of the first neighbourhood (see `World::people`).
const KNOWN_RESIDENT: u32 = 3;
/// The known mediator.
const KNOWN_MEDIATOR: u32 = 1;

const REQUEST_DAYS: i64 = 30;
const OFFER_DAYS: i64 = 60;

fn weighted<T: Copy>(rng: &mut Rng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut roll = rng.random_range(0..total);
    for (choice, weight) in choices {
        if roll < *weight {
            return *choice;
        }
        roll -= weight;
    }
    choices[choices.len() - 1].0
}

struct Maker<'w> {
    world: &'w World,
    place: &'w Place,
    index: u64,
    rng: Rng,
    /// Live (proposed or accepted) matches per local resident as helper.
    active: Vec<u8>,
    content: Content,
    counter: u64,
    forced: Vec<Fate>,
}

impl Maker<'_> {
    fn next_id(&mut self, tag: u64) -> Uuid {
        self.counter += 1;
        id(self.world.seed, tag, (self.index << 32) | self.counter)
    }

    fn resident(&self, local: u32) -> UserId {
        self.world.user_id(self.place.first_resident + local)
    }

    fn now(&self) -> DateTime<Utc> {
        self.world.now
    }

    fn text(&mut self, texts: Texts) -> (String, String) {
        let (title, body) = pick(&mut self.rng, texts);
        let street = pick(&mut self.rng, &self.place.streets);
        let name = self.place.neighbourhood.draft.name.as_str();
        let title = fill(title, &mut self.rng, street, name);
        let body = fill(body, &mut self.rng, street, name);
        // Titles start with a capital even when they start with a placeholder.
        let mut chars = title.chars();
        let title = chars
            .next()
            .map(|c| c.to_uppercase().chain(chars).collect())
            .unwrap_or_default();
        (title, body)
    }

    fn created_in_history(&mut self) -> DateTime<Utc> {
        let now = self.now();
        between(
            &mut self.rng,
            now - self.world.history,
            now - Duration::minutes(5),
        )
    }

    fn base_post(
        &mut self,
        kind: PostKind,
        author: u32,
        texts: Texts,
        created_at: DateTime<Utc>,
    ) -> Post {
        let (title, body) = self.text(texts);
        let visibility = if self.rng.random_bool(0.15) {
            Visibility::Members
        } else {
            Visibility::Public
        };
        Post {
            id: PostId(self.next_id(POST)),
            neighbourhood_id: self.place.neighbourhood.id,
            author_id: self.resident(author),
            content: PostContent {
                kind,
                title,
                body,
                category: None,
                visibility,
                urgency: None,
                expires_at: None,
                remote_ok: false,
                helpers_needed: 1,
                activity: None,
                recurrence: None,
            },
            status: PostStatus::Open,
            hidden: false,
            created_at,
            updated_at: created_at,
        }
    }

    fn author(&mut self) -> u32 {
        self.rng.random_range(0..self.place.residents)
    }

    fn post(&mut self) {
        if let Some(fate) = self.forced.first().copied() {
            self.forced.remove(0);
            return self.request(Some(fate));
        }
        match weighted(
            &mut self.rng,
            &[
                (PostKind::News, 26),
                (PostKind::Request, 35),
                (PostKind::Offer, 39),
            ],
        ) {
            PostKind::Request => self.request(None),
            PostKind::Offer => self.offer(),
            _ => self.news(),
        }
    }

    fn news(&mut self) {
        let author = self.author();
        let created_at = self.created_in_history();
        let mut post = self.base_post(PostKind::News, author, words::NEWS, created_at);
        if self.rng.random_bool(0.05) {
            post.status = PostStatus::Closed;
            post.updated_at = between(&mut self.rng, created_at, self.world.now);
        }
        self.content.posts.push(post);
    }

    fn category(&mut self) -> Category {
        weighted(
            &mut self.rng,
            &[
                (Category::Goods, 25),
                (Category::Knowledge, 15),
                (Category::Skills, 20),
                (Category::Help, 30),
                (Category::Care, 10),
            ],
        )
    }

    fn exchanged(&mut self, post: &mut Post, category: Category, days: i64) {
        let content = &mut post.content;
        content.category = Some(category);
        if category == Category::Care {
            content.visibility = Visibility::Members;
        }
        content.remote_ok = category == Category::Knowledge && self.rng.random_bool(0.4);
        content.expires_at = Some(post.created_at + Duration::days(days));
    }

    fn offer(&mut self) {
        let author = self.author();
        let created_at = self.created_in_history();
        let category = self.category();
        let texts = match category {
            Category::Goods => words::OFFERS_GOODS,
            Category::Knowledge => words::OFFERS_KNOWLEDGE,
            Category::Skills => words::OFFERS_SKILLS,
            Category::Help => words::OFFERS_HELP,
            Category::Care => words::OFFERS_CARE,
        };
        let mut post = self.base_post(PostKind::Offer, author, texts, created_at);
        self.exchanged(&mut post, category, OFFER_DAYS);
        let expires_at = post.content.expires_at.expect("set above");
        if expires_at <= self.now() {
            if self.rng.random_bool(0.7) {
                post.status = PostStatus::Expired;
                post.updated_at = expires_at;
            } else {
                post.status = PostStatus::Closed;
                post.updated_at = between(&mut self.rng, created_at, expires_at);
            }
        } else if self.rng.random_bool(0.08) {
            post.status = PostStatus::Closed;
            post.updated_at = between(&mut self.rng, created_at, self.world.now);
        }
        self.content.posts.push(post);
    }

    /// A helper for a request by `author`, not among `taken`; a live match only with someone
    /// who has room for it.
    fn helper(&mut self, author: u32, taken: &[u32], live: bool) -> Option<u32> {
        for _ in 0..12 {
            let candidate = self.rng.random_range(0..self.place.residents);
            let busy = live && u32::from(self.active[candidate as usize]) >= MAX_ACTIVE_MATCHES;
            if candidate != author && !taken.contains(&candidate) && !busy {
                if live {
                    self.active[candidate as usize] += 1;
                }
                return Some(candidate);
            }
        }
        None
    }

    fn add_match(
        &mut self,
        request: &Post,
        helper: u32,
        status: MatchStatus,
        slot: Option<u32>,
        from: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> DateTime<Utc> {
        let created_at = between(&mut self.rng, from, until);
        let updated_at = if status == MatchStatus::Proposed {
            created_at
        } else {
            between(&mut self.rng, created_at, until)
        };
        let proposed_by = if self.rng.random_bool(0.8) {
            Party::Helper
        } else {
            Party::Requester
        };
        let message = self.rng.random_bool(0.7).then(|| {
            let street = pick(&mut self.rng, &self.place.streets);
            let text = pick(&mut self.rng, words::MATCH_MESSAGES);
            fill(text, &mut self.rng, street, "")
        });
        let thanks = (status == MatchStatus::Completed && self.rng.random_bool(0.6))
            .then(|| pick(&mut self.rng, words::THANKS).to_owned());
        let id = MatchId(self.next_id(MATCH));
        self.content.matches.push(SeedMatch {
            r#match: Match {
                id,
                request_id: request.id,
                requester_id: request.author_id,
                helper_id: self.resident(helper),
                offer_id: None,
                proposed_by,
                status,
                message,
                thanks,
                created_at,
                updated_at,
            },
            accepted_slot: slot,
            slot_limit: request.content.helpers_needed,
        });
        updated_at
    }

    fn request(&mut self, forced: Option<Fate>) {
        let now = self.now();
        let (author, created_at) = match forced {
            Some(fate) if fate.live() => (
                KNOWN_RESIDENT,
                now - Duration::hours(self.rng.random_range(2..72)),
            ),
            Some(_) => (
                KNOWN_RESIDENT,
                now - Duration::days(REQUEST_DAYS) - Duration::hours(self.rng.random_range(1..240)),
            ),
            None => (self.author(), self.created_in_history()),
        };
        let category = match forced {
            Some(Fate::CareMediation) => Category::Care,
            _ => self.category(),
        };
        let texts = match category {
            Category::Goods => words::REQUESTS_GOODS,
            Category::Knowledge => words::REQUESTS_KNOWLEDGE,
            Category::Skills => words::REQUESTS_SKILLS,
            Category::Help => words::REQUESTS_HELP,
            Category::Care => words::REQUESTS_CARE,
        };
        let mut post = self.base_post(PostKind::Request, author, texts, created_at);
        self.exchanged(&mut post, category, REQUEST_DAYS);
        post.content.urgency = Some(weighted(
            &mut self.rng,
            &[
                (Urgency::Low, 25),
                (Urgency::Normal, 55),
                (Urgency::High, 20),
            ],
        ));
        let expires_at = post.content.expires_at.expect("set above");
        let live = expires_at > now;
        let fate = forced
            .unwrap_or_else(|| weighted(&mut self.rng, if live { LIVE_FATES } else { PAST_FATES }));
        let until = expires_at.min(now);
        let mut taken = Vec::new();
        let mut helper = |maker: &mut Self, live: bool| {
            let found = maker.helper(author, &taken, live);
            taken.extend(found);
            found
        };
        use MatchStatus::*;
        let mut last = created_at;
        match fate {
            Fate::Quiet => {}
            Fate::Proposed => {
                for _ in 0..self.rng.random_range(1..=2) {
                    if let Some(h) = helper(self, true) {
                        last =
                            last.max(self.add_match(&post, h, Proposed, None, created_at, until));
                    }
                }
            }
            Fate::Declined => {
                if let Some(h) = helper(self, false) {
                    last = self.add_match(&post, h, Declined, None, created_at, until);
                }
                if self.rng.random_bool(0.5)
                    && let Some(h) = helper(self, true)
                {
                    last = last.max(self.add_match(&post, h, Proposed, None, created_at, until));
                }
            }
            Fate::Matched => {
                if let Some(h) = helper(self, true) {
                    last = self.add_match(&post, h, Accepted, Some(1), created_at, until);
                    post.status = PostStatus::Matched;
                }
            }
            Fate::PartlyMatched => {
                post.content.helpers_needed = self.rng.random_range(2..=3);
                if let Some(h) = helper(self, true) {
                    last = self.add_match(&post, h, Accepted, Some(1), created_at, until);
                }
                if let Some(h) = helper(self, true) {
                    last = last.max(self.add_match(&post, h, Proposed, None, created_at, until));
                }
            }
            Fate::Fulfilled | Fate::FulfilledLongAgo => {
                let wanted = if fate == Fate::FulfilledLongAgo && self.rng.random_bool(0.1) {
                    2
                } else {
                    1
                };
                post.content.helpers_needed = wanted;
                if self.rng.random_bool(0.3)
                    && let Some(h) = helper(self, false)
                {
                    self.add_match(&post, h, Declined, None, created_at, until);
                }
                let mut filled = 0;
                for _ in 0..wanted {
                    if let Some(h) = helper(self, false) {
                        filled += 1;
                        let done =
                            self.add_match(&post, h, Completed, Some(filled), created_at, until);
                        last = last.max(done);
                    }
                }
                if filled == 0 {
                    if !live {
                        post.status = PostStatus::Expired;
                        last = expires_at;
                    }
                } else {
                    post.status = PostStatus::Fulfilled;
                    if filled < wanted {
                        // Fewer helpers came than were asked for: the request asked for fewer.
                        post.content.helpers_needed = filled;
                        for made in self.content.matches.iter_mut().rev().take(3) {
                            if made.r#match.request_id == post.id {
                                made.slot_limit = filled;
                            }
                        }
                    }
                }
            }
            Fate::Mediation | Fate::CareMediation | Fate::MediatedAndClosed => {
                last = self.case(&mut post, fate, until);
            }
            Fate::Expired => last = expires_at,
            Fate::ExpiredDeclined | Fate::ExpiredCancelled | Fate::ExpiredNoShow => {
                let status = match fate {
                    Fate::ExpiredDeclined => Declined,
                    Fate::ExpiredCancelled => Cancelled,
                    _ => NoShow,
                };
                if let Some(h) = helper(self, false) {
                    self.add_match(&post, h, status, None, created_at, until);
                }
                last = expires_at;
            }
            Fate::Closed | Fate::ClosedCancelled => {
                if fate == Fate::ClosedCancelled
                    && let Some(h) = helper(self, false)
                {
                    last = self.add_match(&post, h, Cancelled, None, created_at, until);
                }
                last = between(&mut self.rng, last, until);
            }
        }
        post.status = match fate {
            Fate::Expired
            | Fate::ExpiredDeclined
            | Fate::ExpiredCancelled
            | Fate::ExpiredNoShow => PostStatus::Expired,
            Fate::Closed | Fate::ClosedCancelled | Fate::MediatedAndClosed => PostStatus::Closed,
            Fate::Mediation | Fate::CareMediation => PostStatus::InMediation,
            _ => post.status,
        };
        post.updated_at = last;
        self.content.posts.push(post);
    }

    /// A case for `post`: open while the request is in mediation, resolved (and the request
    /// closed) otherwise. Returns when the request last changed.
    fn case(&mut self, post: &mut Post, fate: Fate, until: DateTime<Utc>) -> DateTime<Utc> {
        let mediator = self.resident(KNOWN_MEDIATOR);
        let requester = post.author_id;
        let escalated_by = match fate {
            Fate::CareMediation => EscalatedBy::CareConsent,
            _ => weighted(
                &mut self.rng,
                &[
                    (EscalatedBy::Job, 5),
                    (EscalatedBy::Requester, 3),
                    (EscalatedBy::Mediator, 2),
                ],
            ),
        };
        let created_at = match escalated_by {
            EscalatedBy::CareConsent => post.created_at,
            EscalatedBy::Job => (post.created_at + Duration::days(3)).min(until),
            _ => between(&mut self.rng, post.created_at, until),
        };
        if escalated_by == EscalatedBy::CareConsent {
            self.content.consents.push(SeedConsent {
                user_id: requester,
                kind: ConsentKind::CareData,
                given_at: post.created_at - Duration::days(2),
            });
        }
        let id = CaseId(self.next_id(CASE));
        let escalated_by_whom = match escalated_by {
            EscalatedBy::Job => None,
            EscalatedBy::Mediator => Some(mediator),
            _ => Some(requester),
        };
        let mut audit = vec![(
            escalated_by_whom,
            format!("escalate:{}", escalated_by.as_str()),
            created_at,
        )];
        let (status, outcome) = match fate {
            Fate::MediatedAndClosed => (
                CaseStatus::Resolved,
                Some(weighted(
                    &mut self.rng,
                    &[
                        (Outcome::SolvedOffline, 5),
                        (Outcome::ReferredWijkteam, 2),
                        (Outcome::NotSolvable, 1),
                    ],
                )),
            ),
            Fate::CareMediation => (CaseStatus::Claimed, None),
            _ => (
                weighted(
                    &mut self.rng,
                    &[
                        (CaseStatus::New, 2),
                        (CaseStatus::Claimed, 1),
                        (CaseStatus::InProgress, 1),
                    ],
                ),
                None,
            ),
        };
        let mut at = created_at;
        let claimed = status != CaseStatus::New;
        if claimed {
            at = between(&mut self.rng, at, until);
            audit.push((Some(mediator), "claim".into(), at));
        }
        if matches!(status, CaseStatus::InProgress | CaseStatus::Resolved) {
            at = between(&mut self.rng, at, until);
            audit.push((Some(mediator), "start".into(), at));
        }
        if let Some(outcome) = outcome {
            at = between(&mut self.rng, at, until);
            audit.push((Some(mediator), format!("resolve:{}", outcome.as_str()), at));
        }
        for (actor, action, at) in audit {
            let audit_id = self.next_id(AUDIT);
            self.content.audit.push(SeedAudit {
                id: audit_id,
                case_id: id,
                actor_id: actor,
                action,
                at,
            });
        }
        self.content.cases.push(Case {
            id,
            request_id: post.id,
            neighbourhood_id: post.neighbourhood_id,
            requester_id: requester,
            status,
            outcome,
            summary: outcome
                .map(|_| "Besproken met de bewoner; afgehandeld buiten het platform.".into()),
            reason: (escalated_by == EscalatedBy::Requester)
                .then(|| "Niemand heeft gereageerd en het is dringend.".into()),
            escalated_by,
            claimed_by: claimed.then_some(mediator),
            follow_up_at: (status == CaseStatus::InProgress).then(|| at + Duration::days(7)),
            created_at,
            updated_at: at,
        });
        at
    }

    fn activity(&mut self, number: u32) {
        let now = self.now();
        let author = self.author();
        // The first neighbourhood's first two activities: one to come with a waitlist, one
        // past with check-ins.
        let forced = (self.index == 0).then_some(number).filter(|n| *n < 2);
        let created_at = match forced {
            Some(0) => now - Duration::days(3),
            Some(_) => now - Duration::days(20),
            _ => self.created_in_history(),
        };
        let mut post = self.base_post(PostKind::Activity, author, words::ACTIVITIES, created_at);
        let day = created_at + Duration::days(self.rng.random_range(2..=30));
        let hour = self.rng.random_range(10..=20);
        let starts_at = day
            .with_hour(hour)
            .and_then(|t| t.with_minute(0))
            .and_then(|t| t.with_second(0))
            .unwrap_or(day);
        let starts_at = match forced {
            Some(0) => now + Duration::days(5) + Duration::hours(19),
            Some(_) => now - Duration::days(6) + Duration::hours(14),
            _ => starts_at,
        };
        let ends_at = starts_at + Duration::hours(self.rng.random_range(1..=3));
        let capacity = match forced {
            Some(0) => Some(8),
            Some(_) => None,
            _ => self
                .rng
                .random_bool(0.65)
                .then(|| self.rng.random_range(6..=40)),
        };
        let street = pick(&mut self.rng, &self.place.streets);
        let location = fill(
            pick(&mut self.rng, words::LOCATIONS),
            &mut self.rng,
            street,
            self.place.neighbourhood.draft.name.as_str(),
        );
        post.content.activity = Some(ActivityDetails {
            starts_at,
            ends_at,
            location,
            capacity,
        });
        let others = self.place.residents - 1;
        let wanted = match (forced, capacity) {
            (Some(0), _) => 11,
            (Some(_), _) => 10,
            (None, Some(capacity)) => self.rng.random_range(0..=capacity + 4),
            (None, None) => self.rng.random_range(0..=20),
        }
        .min(others);
        // Who answers: distinct residents other than the organiser, in the order they did.
        let mut pool: Vec<u32> = (0..self.place.residents).filter(|r| *r != author).collect();
        let answers_until = starts_at.min(now);
        let mut times: Vec<DateTime<Utc>> = (0..wanted)
            .map(|_| between(&mut self.rng, created_at, answers_until))
            .collect();
        times.sort_unstable();
        let mut going = 0u32;
        for (position, answered_at) in times.into_iter().enumerate() {
            let pick_index = self.rng.random_range(position..pool.len());
            pool.swap(position, pick_index);
            let user = pool[position];
            let cancelled = forced.is_none() && self.rng.random_bool(0.06);
            let status = if cancelled {
                RsvpStatus::Cancelled
            } else if capacity.is_none_or(|c| going < c) {
                going += 1;
                RsvpStatus::Going
            } else {
                RsvpStatus::Waitlisted
            };
            let checked_in_at =
                (status == RsvpStatus::Going && ends_at <= now && self.rng.random_bool(0.7))
                    .then(|| starts_at + Duration::minutes(self.rng.random_range(0..20)));
            let updated_at = match (status, checked_in_at) {
                (_, Some(at)) => at,
                (RsvpStatus::Cancelled, _) => between(&mut self.rng, answered_at, answers_until),
                _ => answered_at,
            };
            self.content.rsvps.push(SeedRsvp {
                post_id: post.id,
                rsvp: Rsvp {
                    user_id: self.resident(user),
                    status,
                    position: i64::try_from(position).expect("small") + 1,
                    checked_in_at,
                    created_at: answered_at,
                    updated_at,
                    waitlisted_at: (status == RsvpStatus::Waitlisted).then_some(answered_at),
                },
            });
        }
        self.content.posts.push(post);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use buurt_domain::posts::{ActivityInput, PostInput};

    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-11-29T00:00:00Z".parse().unwrap()
    }

    fn small() -> World {
        World::national(7, now(), small_scale())
    }

    fn everything(world: &World) -> (Vec<User>, Content) {
        let mut users = vec![world.admin()];
        let mut all = Content::default();
        for index in 0..world.places.len() {
            users.extend(world.people(index).0);
            let content = world.content(index);
            all.posts.extend(content.posts);
            all.matches.extend(content.matches);
            all.rsvps.extend(content.rsvps);
            all.cases.extend(content.cases);
            all.consents.extend(content.consents);
            all.audit.extend(content.audit);
        }
        (users, all)
    }

    #[test]
    fn same_seed_same_world() {
        let first = format!("{:?}", everything(&small()));
        assert_eq!(first, format!("{:?}", everything(&small())));
        let other = World::national(8, now(), small_scale());
        assert_ne!(first, format!("{:?}", everything(&other)));
    }

    fn small_scale() -> Scale {
        Scale {
            municipalities: 5,
            neighbourhoods: 40,
            residents: 1_500,
            posts: 4_000,
            activities: 80,
            history_days: 730,
        }
    }

    #[test]
    fn scale_is_kept() {
        let world = small();
        assert_eq!(world.places.len(), 40);
        let (users, content) = everything(&world);
        assert_eq!(users.len(), 1_501);
        assert_eq!(content.posts.len(), 4_000);
        let activities = content
            .posts
            .iter()
            .filter(|p| p.content.kind == PostKind::Activity)
            .count();
        assert_eq!(activities, 80);
        let codes: HashSet<_> = world
            .places
            .iter()
            .map(|p| p.neighbourhood.draft.code.clone())
            .collect();
        assert_eq!(codes.len(), 40);
        for place in &world.places {
            for code in &place.neighbourhood.draft.adjacent {
                assert!(codes.contains(code), "{code:?} is a seeded neighbourhood");
            }
        }
        let emails: HashSet<_> = users.iter().map(|u| u.email.clone()).collect();
        assert_eq!(emails.len(), users.len());
    }

    fn check_invariants(world: &World) {
        let (users, content) = everything(world);
        let ids: HashSet<_> = users.iter().map(|u| u.id).collect();
        assert_eq!(ids.len(), users.len());
        let mut posts = HashMap::new();
        for post in &content.posts {
            let c = &post.content;
            let activity = c.activity.as_ref().map(|a| ActivityInput {
                starts_at: a.starts_at,
                ends_at: a.ends_at,
                location: &a.location,
                capacity: a.capacity,
            });
            let validated = PostContent::validate(
                PostInput {
                    kind: Some(c.kind),
                    title: &c.title,
                    body: &c.body,
                    category: c.category,
                    visibility: Some(c.visibility),
                    urgency: c.urgency,
                    expires_at: c.expires_at,
                    remote_ok: Some(c.remote_ok),
                    helpers_needed: Some(c.helpers_needed),
                    activity,
                    recurrence: c.recurrence.map(|r| r.every),
                    recurrence_ends_on: c.recurrence.and_then(|r| r.ends_on),
                },
                post.created_at,
            )
            .unwrap_or_else(|errors| panic!("{post:?}: {errors:?}"));
            assert_eq!(&validated, c);
            assert!(post.created_at <= world.now && post.updated_at <= world.now);
            assert!(post.created_at <= post.updated_at, "{post:?}");
            assert!(ids.contains(&post.author_id));
            assert!(posts.insert(post.id, post).is_none(), "unique post ids");
        }
        let mut live_pairs = HashSet::new();
        let mut slots = HashSet::new();
        let mut active = HashMap::<UserId, u32>::new();
        let mut accepted = HashMap::<PostId, u32>::new();
        let mut completed = HashMap::<PostId, u32>::new();
        for seeded in &content.matches {
            let m = &seeded.r#match;
            let request = posts[&m.request_id];
            assert_eq!(request.content.kind, PostKind::Request);
            assert_eq!(m.requester_id, request.author_id);
            assert_ne!(m.requester_id, m.helper_id);
            let holds_place = matches!(m.status, MatchStatus::Accepted | MatchStatus::Completed);
            assert_eq!(holds_place, seeded.accepted_slot.is_some(), "{seeded:?}");
            if let Some(slot) = seeded.accepted_slot {
                assert!(slot <= seeded.slot_limit);
                assert!(slots.insert((m.request_id, slot)));
            }
            if m.status.is_active() {
                assert!(live_pairs.insert((m.request_id, m.helper_id)));
                *active.entry(m.helper_id).or_default() += 1;
            }
            match m.status {
                MatchStatus::Accepted => *accepted.entry(m.request_id).or_default() += 1,
                MatchStatus::Completed => *completed.entry(m.request_id).or_default() += 1,
                _ => {}
            }
            assert!(m.created_at >= request.created_at && m.updated_at <= world.now);
        }
        assert!(active.values().all(|n| *n <= MAX_ACTIVE_MATCHES));
        for post in posts.values() {
            let taken = accepted.get(&post.id).copied().unwrap_or(0);
            match post.status {
                PostStatus::Matched => assert_eq!(taken, post.content.helpers_needed),
                PostStatus::Open if post.content.kind == PostKind::Request => {
                    assert!(taken < post.content.helpers_needed);
                    assert!(post.content.expires_at.unwrap() > world.now);
                }
                PostStatus::Fulfilled => assert!(completed.contains_key(&post.id)),
                _ => assert_eq!(taken, 0, "{post:?}"),
            }
        }
        let open_cases: HashSet<_> = content
            .cases
            .iter()
            .filter(|c| c.status != CaseStatus::Resolved)
            .map(|c| c.request_id)
            .collect();
        for post in posts.values() {
            assert_eq!(
                post.status == PostStatus::InMediation,
                open_cases.contains(&post.id)
            );
        }
        let mut by_activity = HashMap::<PostId, Vec<&Rsvp>>::new();
        for seeded in &content.rsvps {
            by_activity
                .entry(seeded.post_id)
                .or_default()
                .push(&seeded.rsvp);
        }
        for (activity, rsvps) in by_activity {
            let capacity = posts[&activity].content.activity.as_ref().unwrap().capacity;
            let count = |status| rsvps.iter().filter(|r| r.status == status).count();
            let going = u32::try_from(count(RsvpStatus::Going)).unwrap();
            assert!(capacity.is_none_or(|c| going <= c));
            if count(RsvpStatus::Waitlisted) > 0 {
                assert_eq!(Some(going), capacity);
            }
            let positions: HashSet<_> = rsvps.iter().map(|r| r.position).collect();
            assert_eq!(positions.len(), rsvps.len());
            let people: HashSet<_> = rsvps.iter().map(|r| r.user_id).collect();
            assert_eq!(people.len(), rsvps.len());
        }
    }

    #[test]
    fn national_rows_keep_the_api_invariants() {
        check_invariants(&small());
    }

    #[test]
    fn demo_has_everything_to_try() {
        let world = World::demo(42, now());
        check_invariants(&world);
        let (users, content) = everything(&world);
        assert_eq!(users.len(), 101);
        for status in MatchStatus::ALL {
            assert!(
                content.matches.iter().any(|m| m.r#match.status == status),
                "a {status:?} match"
            );
        }
        for kind in PostKind::ALL {
            assert!(content.posts.iter().any(|p| p.content.kind == *kind));
        }
        assert!(
            content
                .cases
                .iter()
                .any(|c| c.status != CaseStatus::Resolved)
        );
        assert!(!content.consents.is_empty());
        for status in [RsvpStatus::Going, RsvpStatus::Waitlisted] {
            assert!(content.rsvps.iter().any(|r| r.rsvp.status == status));
        }
        assert!(content.rsvps.iter().any(|r| r.rsvp.checked_in_at.is_some()));
    }
}
