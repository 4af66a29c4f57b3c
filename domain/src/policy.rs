//! Who may do what to which neighbourhood, post or case: every rule of authorisation in one
//! place. Handlers build an [`Actor`] from the database and ask [`Actor::may`]; none of them
//! compares roles, authors or flags by itself.
//!
//! What a reader may *see* (public, members-only and hidden posts) is [`Reader`]'s business,
//! below: anonymous callers read too. An [`Actor`] turns into one with [`Actor::reader`].

use crate::accounts::UserId;
use crate::membership::{MembershipStatus, Role};
use crate::posts::{Post, PostKind, Visibility};

/// Who is asking, as far as one neighbourhood (or, for a municipality's figures, one
/// municipality) is concerned. Built from the database for every request: nothing here comes
/// from the token. Anonymous callers never get this far; the extractor turns them away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Actor {
    pub user_id: UserId,
    pub platform_admin: bool,
    /// The caller's membership of this neighbourhood, if any.
    pub membership: Option<(Role, MembershipStatus)>,
    /// Whether that membership is verified (invite, vouch, moderator, letter). An active but
    /// unverified member rests on a claimed postcode: they read news and activities, report
    /// what they read and nothing more.
    pub verified: bool,
    /// Whether the caller is a professional for this neighbourhood's (or this) municipality.
    pub professional: bool,
}

/// What the policy needs to know about one mediation case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseTies {
    /// The author of the request the case is about.
    pub requester: UserId,
    /// Whether the case was referred to the asking professional.
    pub referred: bool,
}

/// What can be done to or within a neighbourhood, to one of its posts or to one of its cases.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Create, edit and import neighbourhoods, grant the professional role, manage partner
    /// clients, read the partner event feed.
    AdministerPlatform,

    /// See the member list.
    ListMembers,
    /// See pending and rejected members too.
    ListAllMembers,
    /// Approve, reject, and change roles.
    ManageMembers,
    CreateInvite,
    /// Change the neighbourhood's settings (when requests go to mediation by themselves).
    ChangeSettings,

    /// Post in the neighbourhood.
    CreatePost,
    EditPost {
        author: UserId,
    },
    ClosePost {
        author: UserId,
    },
    DeletePost {
        author: UserId,
    },
    /// Report a post to the moderators.
    ReportPost,
    /// Hide and unhide posts.
    HidePost,
    /// Ask who could answer one's request or offer.
    SeeSuggestions {
        author: UserId,
    },

    /// Add a co-organiser to an activity.
    AddOrganiser {
        author: UserId,
    },
    /// See attendees, check people in, change the capacity.
    OrganiseActivity {
        author: UserId,
        /// Whether the actor was added as a co-organiser.
        co_organiser: bool,
    },

    /// Hand a request to the mediators.
    EscalateRequest {
        author: UserId,
    },
    /// See the neighbourhood's case queue: the whole of it with `ListAllCases`, otherwise only
    /// the cases referred to the actor (a professional).
    ListCases,
    ListAllCases,
    /// See a case and its status (not its notes).
    ViewCase(CaseTies),
    /// Claim, move, resolve and refer cases.
    WorkCase,
    /// Read and write a case's private notes.
    UseCaseNotes(CaseTies),
    ReadCaseAudit(CaseTies),

    ReadNeighbourhoodStats,
    /// Read the figures of every neighbourhood of the actor's municipality.
    ReadMunicipalityStats,

    /// Verify another member: a vouch from a verified member, an approval from a moderator.
    VouchForMember,
    /// Produce the verification letters of the neighbourhood's unverified members.
    ProduceLetters,

    /// Work the report queue, decide appeals, release held posts, read the moderation log.
    Moderate,

    // issue 20 (h20a)
    /// See the ranked suggestions for a request of the neighbourhood without being its author:
    /// the mediators' workbench (`referred`: the request's open case is referred to the actor).
    SuggestForCase {
        referred: bool,
    },
    /// Propose a neighbour to help with someone else's request (a brokered match).
    BrokerMatch,

    // issue 20 (h20b)
    /// Register offline residents, see and change their records, file requests and take match
    /// steps for them, issue claim codes, work the call list.
    ActForOfflineResidents,
    // issue 20 (h20d)
    /// Read and acknowledge the neighbourhood's signals, which point at people: its mediators
    /// only (professionals get counts per municipality, `ReadMunicipalityStats`).
    WorkSignals,
    // issue 20 (h20rest)
    /// Read a case's timeline (its steps, with who took them and which match they concern):
    /// its mediators, besides who may read its audit log.
    ReadCaseTimeline(CaseTies),
}

impl Actor {
    fn active_role(&self) -> Option<Role> {
        match self.membership {
            Some((role, MembershipStatus::Active)) => Some(role),
            _ => None,
        }
    }

    /// The one place that decides who may do what.
    pub fn may(&self, action: Action) -> bool {
        use Action::*;
        let admin = self.platform_admin;
        let professional = self.professional;
        let role = self.active_role();
        let member = role.is_some();
        let verified_member = member && self.verified;
        let mediator = role == Some(Role::Mediator);
        let moderator = role == Some(Role::Moderator);
        let is = |user: UserId| self.user_id == user;
        match action {
            AdministerPlatform => admin,

            // The member list, and care requests (so also posting), are for verified
            // members only; reporting what one can read is for everyone who reads it.
            ListMembers | CreatePost => admin || verified_member,
            ReportPost => admin || member,
            ListAllMembers | ManageMembers | ChangeSettings | HidePost => admin || moderator,
            CreateInvite => admin || mediator || moderator,

            // Authors keep their posts even after leaving the neighbourhood; moderators hide
            // posts, they do not rewrite or remove them.
            EditPost { author }
            | ClosePost { author }
            | DeletePost { author }
            | AddOrganiser { author } => admin || is(author),
            SeeSuggestions { author } => is(author),
            OrganiseActivity {
                author,
                co_organiser,
            } => admin || is(author) || co_organiser,

            // Casework is the mediators' own: administrators oversee it but do not work cases
            // or read their notes. A professional sees a case only once it is referred to them,
            // which takes the requester's care-data consent and ends when it is withdrawn
            // (`referred`); of everything else only the aggregate figures.
            EscalateRequest { author } => is(author) || mediator,
            ListCases => admin || mediator || professional,
            ListAllCases => admin || mediator,
            ViewCase(case) => admin || mediator || case.referred || is(case.requester),
            WorkCase => mediator,
            UseCaseNotes(case) => mediator || case.referred,
            ReadCaseAudit(case) => admin || case.referred,

            ReadNeighbourhoodStats => admin || professional || mediator || moderator,
            ReadMunicipalityStats => admin || professional,

            VouchForMember => admin || moderator || verified_member,
            ProduceLetters => admin || moderator,
            Moderate => admin || moderator,

            // The workbench is casework: the mediators', and a referred professional's for
            // seeing who could help; brokering a match is the mediators' alone.
            SuggestForCase { referred } => mediator || referred,
            BrokerMatch => mediator,
            // Intake on behalf is casework: the mediators' own, like working a case.
            ActForOfflineResidents => mediator,
            // Like casework, but without even the administrators' oversight: a signal is a
            // hunch about a person, for the people who know the neighbourhood.
            WorkSignals => mediator,
            ReadCaseTimeline(case) => admin || mediator || case.referred,
        }
    }

    /// Whether the caller asked to join and waits for a moderator: refusals then say so
    /// (`membership_pending`) rather than a bare `forbidden`.
    pub fn pending(&self) -> bool {
        matches!(self.membership, Some((_, MembershipStatus::Pending)))
    }

    /// This actor as a reader of the neighbourhood's posts.
    pub fn reader(&self) -> Reader {
        let role = self.active_role();
        Reader {
            user_id: Some(self.user_id),
            platform_admin: self.platform_admin,
            active_member: role.is_some() && self.verified,
            unverified_member: role.is_some() && !self.verified,
            moderator: role == Some(Role::Moderator),
        }
    }
}

/// Who reads, as far as one post is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reader {
    pub user_id: Option<UserId>,
    pub platform_admin: bool,
    /// An active, verified member: reads every members-only post.
    pub active_member: bool,
    /// An active member whose membership is not verified: reads members-only news and
    /// activities, never members-only requests and offers (care data).
    pub unverified_member: bool,
    pub moderator: bool,
}

impl Reader {
    pub const ANONYMOUS: Reader = Reader {
        user_id: None,
        platform_admin: false,
        active_member: false,
        unverified_member: false,
        moderator: false,
    };

    /// Whether this reader may see the post at all.
    pub fn may_see(&self, post: &Post) -> bool {
        let author = self.user_id == Some(post.author_id);
        let staff = self.platform_admin || self.moderator;
        if post.hidden && !(author || staff) {
            return false;
        }
        match post.content.visibility {
            Visibility::Public => true,
            Visibility::Members => {
                author
                    || staff
                    || self.active_member
                    || (self.unverified_member && Self::news_or_activity(post.content.kind))
            }
        }
    }

    /// The kinds of members-only post an unverified member reads.
    fn news_or_activity(kind: PostKind) -> bool {
        matches!(kind, PostKind::News | PostKind::Activity)
    }

    /// Members-only news and activities (but not requests and offers) are in this reader's
    /// feed: an unverified member's.
    pub fn sees_members_news_only(&self) -> bool {
        self.unverified_member && !self.sees_members_posts()
    }

    /// Members-only posts are in this reader's feed.
    pub fn sees_members_posts(&self) -> bool {
        self.platform_admin || self.moderator || self.active_member
    }

    /// Hidden posts of others are in this reader's feed.
    pub fn sees_hidden_posts(&self) -> bool {
        self.platform_admin || self.moderator
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    const ME: UserId = UserId(Uuid::from_u128(1));
    /// The author of the post, organiser of the activity and requester of the case.
    const AUTHOR: UserId = UserId(Uuid::from_u128(2));

    /// Every action, as `ME` would ask it about AUTHOR's post, activity and case.
    fn actions(co_organiser: bool, referred: bool) -> Vec<Action> {
        use Action::*;
        let author = AUTHOR;
        let case = CaseTies {
            requester: AUTHOR,
            referred,
        };
        vec![
            AdministerPlatform,
            ListMembers,
            ListAllMembers,
            ManageMembers,
            CreateInvite,
            ChangeSettings,
            CreatePost,
            EditPost { author },
            ClosePost { author },
            DeletePost { author },
            ReportPost,
            HidePost,
            SeeSuggestions { author },
            AddOrganiser { author },
            OrganiseActivity {
                author,
                co_organiser,
            },
            EscalateRequest { author },
            ListCases,
            ListAllCases,
            ViewCase(case),
            WorkCase,
            UseCaseNotes(case),
            ReadCaseAudit(case),
            ReadNeighbourhoodStats,
            ReadMunicipalityStats,
            VouchForMember,
            ProduceLetters,
            SuggestForCase { referred },
            BrokerMatch,
        ]
    }

    fn actor(membership: Option<(Role, MembershipStatus)>) -> Actor {
        Actor {
            user_id: ME,
            platform_admin: false,
            membership,
            verified: membership.is_some(),
            professional: false,
        }
    }

    #[test]
    fn the_policy_by_role() {
        use MembershipStatus::*;
        use Role::*;
        let resident = actor(Some((Resident, Active)));
        let professional = Actor {
            professional: true,
            ..actor(None)
        };
        let author = Actor {
            user_id: AUTHOR,
            ..resident
        };
        // Columns, in the order of `actions`:
        //   platform | members, invites, settings | posts | activities | cases | stats | verify | workbench
        //   A        | L A M I S                  | C E C D R H S | A O | E L Q V W N A | N M | V L    | S B
        #[rustfmt::skip]
        let table: &[(&str, Actor, bool, bool, &str)] = &[
            // (who, actor, co-organiser, referred, expected)
            ("non-member",           actor(None),                      false, false, "- ----- ------- -- ------- -- -- --"),
            // A role elsewhere is no role here: the actor of this neighbourhood has none.
            ("moderator elsewhere",  actor(None),                      false, false, "- ----- ------- -- ------- -- -- --"),
            ("pending resident",     actor(Some((Resident, Pending))), false, false, "- ----- ------- -- ------- -- -- --"),
            ("pending moderator",    actor(Some((Moderator, Pending))),false, false, "- ----- ------- -- ------- -- -- --"),
            ("rejected moderator",   actor(Some((Moderator, Rejected))),false,false, "- ----- ------- -- ------- -- -- --"),
            // A postcode claim alone: reads and reports, nothing more.
            ("unverified resident",  Actor { verified: false, ..resident },
                                                                       false, false, "- ----- ----y-- -- ------- -- -- --"),
            ("resident",             resident,                         false, false, "- y---- y---y-- -- ------- -- y- --"),
            ("mediator",             actor(Some((Mediator, Active))),  false, false, "- y--y- y---y-- -- yyyyyy- y- y- yy"),
            ("moderator",            actor(Some((Moderator, Active))), false, false, "- yyyyy y---yy- -- ------- y- yy --"),
            ("professional here",    professional,                     false, false, "- ----- ------- -- -y----- yy -- --"),
            ("professional elsewhere", actor(None),                    false, false, "- ----- ------- -- ------- -- -- --"),
            ("referred professional", professional,                    false, true,  "- ----- ------- -- -y-y-yy yy -- y-"),
            // A referral outlives the professional's grant for the municipality.
            ("referred, grant revoked", actor(None),                   false, true,  "- ----- ------- -- ---y-yy -- -- y-"),
            ("admin",                Actor { platform_admin: true, ..actor(None) },
                                                                       false, false, "y yyyyy yyyyyy- yy -yyy--y yy yy --"),
            ("author",               author,                           false, false, "- y---- yyyyy-y yy y--y--- -- y- --"),
            ("author who left",      Actor { user_id: AUTHOR, ..actor(None) },
                                                                       false, false, "- ----- -yyy--y yy y--y--- -- -- --"),
            ("co-organiser",         resident,                         true,  false, "- y---- y---y-- -y ------- -- y- --"),
        ];
        for (who, actor, co_organiser, referred, expected) in table {
            let expected: Vec<bool> = expected
                .chars()
                .filter(|c| !c.is_whitespace())
                .map(|c| c == 'y')
                .collect();
            let actions = actions(*co_organiser, *referred);
            assert_eq!(
                actions.len(),
                expected.len(),
                "{who}: one answer per action"
            );
            for (action, allowed) in actions.into_iter().zip(expected) {
                assert_eq!(actor.may(action), allowed, "{who} {action:?}");
            }
        }
    }

    #[test]
    fn only_mediators_act_for_offline_residents() {
        use MembershipStatus::*;
        use Role::*;
        let allowed = |actor: Actor| actor.may(Action::ActForOfflineResidents);
        assert!(allowed(actor(Some((Mediator, Active)))));
        assert!(!allowed(actor(Some((Mediator, Pending)))));
        assert!(!allowed(actor(Some((Resident, Active)))));
        assert!(!allowed(actor(Some((Moderator, Active)))));
        assert!(!allowed(actor(None)));
        assert!(!allowed(Actor {
            professional: true,
            ..actor(None)
        }));
        assert!(!allowed(Actor {
            platform_admin: true,
            ..actor(None)
        }));
    }

    #[test]
    fn signals_are_for_the_mediators_here_only() {
        use MembershipStatus::*;
        use Role::*;
        let allowed = actor(Some((Mediator, Active)));
        assert!(allowed.may(Action::WorkSignals));
        let professional = Actor {
            professional: true,
            ..actor(None)
        };
        let admin = Actor {
            platform_admin: true,
            ..actor(None)
        };
        for refused in [
            actor(None),
            actor(Some((Resident, Active))),
            actor(Some((Moderator, Active))),
            actor(Some((Mediator, Pending))),
            actor(Some((Mediator, Rejected))),
            professional,
            admin,
        ] {
            assert!(!refused.may(Action::WorkSignals), "{refused:?}");
        }
    }

    #[test]
    fn who_sees_what() {
        use crate::neighbourhoods::NeighbourhoodId;
        use crate::posts::{PostContent, PostId, PostInput, PostKind, PostStatus};
        use chrono::Utc;
        let input = PostInput {
            kind: Some(PostKind::News),
            title: "Straatfeest",
            body: "Zaterdag.",
            ..PostInput::default()
        };
        let mut post = Post {
            id: PostId::new(),
            neighbourhood_id: NeighbourhoodId::new(),
            author_id: AUTHOR,
            content: PostContent::validate(input, Utc::now()).unwrap(),
            status: PostStatus::Open,
            hidden: false,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        };
        let member = Reader {
            user_id: Some(ME),
            active_member: true,
            ..Reader::ANONYMOUS
        };
        let moderator = Reader {
            moderator: true,
            ..member
        };
        let the_author = Reader {
            user_id: Some(AUTHOR),
            ..Reader::ANONYMOUS
        };
        assert!(Reader::ANONYMOUS.may_see(&post));
        post.content.visibility = Visibility::Members;
        assert!(!Reader::ANONYMOUS.may_see(&post));
        assert!(member.may_see(&post));
        let unverified = Reader {
            user_id: Some(ME),
            unverified_member: true,
            ..Reader::ANONYMOUS
        };
        assert!(unverified.may_see(&post), "members-only news");
        post.content.kind = PostKind::Request;
        assert!(!unverified.may_see(&post), "no members-only care requests");
        assert!(member.may_see(&post));
        post.content.kind = PostKind::News;
        post.hidden = true;
        assert!(!member.may_see(&post));
        assert!(moderator.may_see(&post));
        assert!(the_author.may_see(&post));
    }

    #[test]
    fn readers_follow_the_membership() {
        let moderator = actor(Some((Role::Moderator, MembershipStatus::Active))).reader();
        assert!(moderator.active_member && moderator.moderator);
        assert_eq!(moderator.user_id, Some(ME));
        let pending = actor(Some((Role::Resident, MembershipStatus::Pending))).reader();
        assert!(!pending.active_member && !pending.moderator && !pending.unverified_member);
        let unverified = Actor {
            verified: false,
            ..actor(Some((Role::Resident, MembershipStatus::Active)))
        }
        .reader();
        assert!(!unverified.active_member && unverified.unverified_member);
        assert!(unverified.sees_members_news_only());
    }
}
