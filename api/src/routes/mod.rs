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

/// Registers every documented handler. The OpenAPI document is generated from exactly this.
pub fn configure(config: &mut ServiceConfig<'_>) {
    config
        .service(health::live)
        .service(health::ready)
        .service(health::metrics)
        .service(auth::register)
        .service(auth::login)
        .service(auth::refresh)
        .service(auth::logout)
        .service(account_mail::request_password_reset)
        .service(account_mail::confirm_password_reset)
        .service(account_mail::verify_email)
        .service(account_mail::resend_verification)
        .service(account_mail::change_email)
        .service(account_mail::unsubscribe)
        .service(account_mail::unsubscribe_page)
        .service(notification_settings::get_notification_settings)
        .service(notification_settings::update_notification_settings)
        .service(me::get_me)
        .service(me::update_me)
        .service(devices::register_device)
        .service(devices::list_devices)
        .service(devices::remove_device)
        .service(privacy::delete_me)
        .service(privacy::export_me)
        .service(privacy::erase_user)
        .service(suspensions::suspend_user)
        .service(suspensions::reinstate_user)
        .service(memberships::my_memberships)
        .service(blocks::block_user)
        .service(blocks::unblock_user)
        .service(blocks::list_blocks)
        .service(neighbourhoods::list_neighbourhoods)
        .service(neighbourhoods::create_neighbourhood)
        .service(neighbourhoods::get_neighbourhood)
        .service(neighbourhoods::update_neighbourhood)
        .service(neighbourhoods::get_public_page)
        .service(digest::get_digest)
        .service(neighbourhoods::import_neighbourhoods)
        .service(memberships::join_neighbourhood)
        .service(memberships::leave_neighbourhood)
        .service(memberships::list_members)
        .service(memberships::update_member)
        .service(memberships::create_invite)
        .service(verification::verify_member)
        .service(verification::redeem_letter)
        .service(verification::produce_letters)
        .service(verification::letter_batch)
        .service(memberships::grant_professional)
        .service(memberships::revoke_professional)
        .service(grants::list_role_grants)
        .service(posts::create_post)
        .service(posts::list_posts)
        .service(posts::list_my_posts)
        .service(posts::get_post)
        .service(posts::update_post)
        .service(posts::delete_post)
        .service(posts::close_post)
        .service(posts::hide_post)
        .service(posts::unhide_post)
        .service(moderation::report_post)
        .service(moderation::report_message)
        .service(moderation::report_member)
        .service(moderation::list_reports)
        .service(moderation::resolve_report)
        .service(moderation::my_reports)
        .service(moderation::my_decisions)
        .service(moderation::appeal)
        .service(moderation::decide_appeal)
        .service(moderation::moderation_log)
        .service(moderation::held_posts)
        .service(images::create_upload)
        .service(images::get_image)
        .service(activities::create_rsvp)
        .service(activities::cancel_rsvp)
        .service(activities::list_attendees)
        .service(activities::check_in)
        .service(activities::add_organiser)
        .service(activities::set_capacity)
        .service(activities::activity_calendar)
        .service(activities::neighbourhood_calendar)
        .service(matching::list_suggestions)
        .service(matching::create_match)
        .service(matching::list_request_matches)
        .service(matching::get_match)
        .service(matching::accept_match)
        .service(matching::decline_match)
        .service(matching::cancel_match)
        .service(matching::complete_match)
        .service(matching::no_show_match)
        .service(matching::list_messages)
        .service(matching::create_message)
        .service(matching::my_matches)
        .service(arrangements::record_session)
        .service(arrangements::list_sessions)
        .service(arrangements::end_arrangement)
        .service(mediation::escalate)
        .service(mediation::list_cases)
        .service(stats::neighbourhood_stats)
        .service(partners::create_client)
        .service(partners::list_clients)
        .service(partners::rotate_client_secret)
        .service(partners::disable_client)
        .service(partners::enable_client)
        .service(partners::issue_token)
        .service(partners::list_events)
        .service(partners::create_webhook)
        .service(partners::list_webhooks)
        .service(partners::delete_webhook)
        .service(partners::resume_webhook)
        .service(partners::list_deliveries)
        .service(partners::get_referral)
        .service(stats::municipality_stats)
        .service(mediation::get_case)
        .service(mediation::claim_case)
        .service(mediation::set_case_status)
        .service(mediation::list_notes)
        .service(mediation::create_note)
        .service(mediation::create_referral)
        .service(mediation::case_audit)
        .service(mediation::case_timeline)
        .service(mediation::set_consent)
        .service(mediation::list_consents)
        .service(mediation::set_settings)
        .service(notifications::list_notifications)
        .service(notifications::mark_all_notifications_read)
        .service(notifications::mark_notification_read)
        // issue 20 (h20b)
        .service(offline::create_offline_resident)
        .service(offline::list_offline_residents)
        .service(offline::get_offline_resident)
        .service(offline::update_offline_resident)
        .service(offline::create_claim_code)
        .service(offline::claim_offline_record)
        .service(offline::get_call_list)
        .service(offline::mark_call_done);
    // issue 20 (h20d)
    config
        .service(signals::get_escalation_rules)
        .service(signals::set_escalation_rules)
        .service(signals::list_signals)
        .service(signals::acknowledge_signal)
        .service(signals::municipality_signals);
}
