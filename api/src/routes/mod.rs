//! The handlers, one module per resource, and the table of every route they serve.

pub mod account_mail;
pub mod activities;
pub mod arrangements;
pub mod auth;
pub mod blocks;
pub mod devices;
pub mod digest;
pub mod fallback;
pub mod grants;
pub mod health;
pub mod images;
pub mod matching;
pub mod me;
pub mod mediation;
pub mod memberships;
pub mod moderation;
pub mod neighbourhoods;
pub mod notification_settings;
pub mod notifications;
pub mod offline;
pub mod pages;
pub mod partners;
pub mod posts;
pub mod privacy;
pub mod signals;
pub mod stats;
pub mod suspensions;
pub mod verification;

use actix_web::HttpResponse;
use utoipa_actix_web::service_config::ServiceConfig;

/// 201 for something made now, 200 for the same thing asked for again.
pub fn created_or_ok(created: bool, body: impl serde::Serialize) -> HttpResponse {
    if created {
        HttpResponse::Created().json(body)
    } else {
        HttpResponse::Ok().json(body)
    }
}

/// Every operation of the API, in one list for both uses: `configure` registers them with
/// their documentation (the spec, built once at start-up), `configure_handlers` only as
/// handlers (each HTTP worker's app: building the documentation per worker cost ~16 MiB of
/// each worker's memory, issue 22).
macro_rules! every_operation {
    ($config:expr) => {
        every_operation!(@each $config;
            health::live,
            health::ready,
            health::metrics,
            auth::register,
            auth::login,
            auth::refresh,
            auth::logout,
            account_mail::request_password_reset,
            account_mail::confirm_password_reset,
            account_mail::verify_email,
            account_mail::resend_verification,
            account_mail::change_email,
            account_mail::unsubscribe,
            account_mail::unsubscribe_page,
            notification_settings::get_notification_settings,
            notification_settings::update_notification_settings,
            me::get_me,
            me::update_me,
            devices::register_device,
            devices::list_devices,
            devices::remove_device,
            privacy::delete_me,
            privacy::export_me,
            privacy::erase_user,
            suspensions::suspend_user,
            suspensions::reinstate_user,
            memberships::my_memberships,
            blocks::block_user,
            blocks::unblock_user,
            blocks::list_blocks,
            neighbourhoods::list_neighbourhoods,
            neighbourhoods::create_neighbourhood,
            neighbourhoods::get_neighbourhood,
            neighbourhoods::update_neighbourhood,
            neighbourhoods::get_public_page,
            digest::get_digest,
            neighbourhoods::import_neighbourhoods,
            memberships::join_neighbourhood,
            memberships::leave_neighbourhood,
            memberships::list_members,
            memberships::update_member,
            memberships::create_invite,
            verification::verify_member,
            verification::redeem_letter,
            verification::produce_letters,
            verification::letter_batch,
            memberships::grant_professional,
            memberships::revoke_professional,
            grants::list_role_grants,
            posts::create_post,
            posts::list_posts,
            posts::list_my_posts,
            posts::get_post,
            posts::update_post,
            posts::delete_post,
            posts::close_post,
            posts::hide_post,
            posts::unhide_post,
            moderation::report_post,
            moderation::report_message,
            moderation::report_member,
            moderation::list_reports,
            moderation::resolve_report,
            moderation::my_reports,
            moderation::my_decisions,
            moderation::appeal,
            moderation::decide_appeal,
            moderation::moderation_log,
            moderation::held_posts,
            images::create_upload,
            images::get_image,
            activities::create_rsvp,
            activities::cancel_rsvp,
            activities::list_attendees,
            activities::check_in,
            activities::add_organiser,
            activities::set_capacity,
            activities::activity_calendar,
            activities::neighbourhood_calendar,
            matching::list_suggestions,
            matching::create_match,
            matching::list_request_matches,
            matching::get_match,
            matching::accept_match,
            matching::decline_match,
            matching::cancel_match,
            matching::complete_match,
            matching::no_show_match,
            matching::list_messages,
            matching::create_message,
            matching::my_matches,
            arrangements::record_session,
            arrangements::list_sessions,
            arrangements::end_arrangement,
            mediation::escalate,
            mediation::list_cases,
            stats::neighbourhood_stats,
            partners::create_client,
            partners::list_clients,
            partners::rotate_client_secret,
            partners::disable_client,
            partners::enable_client,
            partners::issue_token,
            partners::list_events,
            partners::create_webhook,
            partners::list_webhooks,
            partners::delete_webhook,
            partners::resume_webhook,
            partners::list_deliveries,
            partners::get_referral,
            stats::municipality_stats,
            mediation::get_case,
            mediation::claim_case,
            mediation::set_case_status,
            mediation::list_notes,
            mediation::create_note,
            mediation::create_referral,
            mediation::case_audit,
            mediation::case_timeline,
            mediation::set_consent,
            mediation::list_consents,
            mediation::set_settings,
            notifications::list_notifications,
            notifications::mark_all_notifications_read,
            notifications::mark_notification_read,
            offline::create_offline_resident,
            offline::list_offline_residents,
            offline::get_offline_resident,
            offline::update_offline_resident,
            offline::create_claim_code,
            offline::claim_offline_record,
            offline::get_call_list,
            offline::mark_call_done,
            signals::get_escalation_rules,
            signals::set_escalation_rules,
            signals::list_signals,
            signals::acknowledge_signal,
            signals::municipality_signals
        )
    };
    (@each $config:expr; $($service:path),* $(,)?) => {
        $config$(.service($service))*
    };
}

/// Registers every operation with its documentation. The OpenAPI document is generated from
/// exactly this.
pub fn configure(config: &mut ServiceConfig<'_>) {
    every_operation!(config);
}

/// Registers every operation's handler, without documentation.
pub fn configure_handlers(config: &mut actix_web::web::ServiceConfig) {
    every_operation!(config);
}
