//! What reaches the signed-in user where, and when.

use actix_web::{get, put, web};
use buurt_app::deliveries as app;
use buurt_domain::ValueError;
use buurt_domain::delivery::{Channel, DigestFrequency, NotificationSettings, QuietHours};
use buurt_domain::notifications::NotificationKind;
use buurt_openapi::delivery::{
    ChannelChoice, DigestFrequencyDto, NotificationSettingsDto, QuietHoursDto,
    UpdateNotificationSettings,
};
use buurt_openapi::problem::Problem;

use crate::auth::Authenticated;
use crate::http::error::{ApiError, FieldErrors, FieldIssue};
use crate::http::extract::Json;
use crate::state::AppState;

fn hhmm(minutes: u32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

fn parse_hhmm(raw: &str) -> Result<u32, ValueError> {
    let (hours, minutes) = raw.split_once(':').ok_or(ValueError::InvalidFormat)?;
    if hours.len() != 2 || minutes.len() != 2 {
        return Err(ValueError::InvalidFormat);
    }
    let hours: u32 = hours.parse().map_err(|_| ValueError::InvalidFormat)?;
    let minutes: u32 = minutes.parse().map_err(|_| ValueError::InvalidFormat)?;
    if hours > 23 || minutes > 59 {
        return Err(ValueError::OutOfRange);
    }
    Ok(hours * 60 + minutes)
}

fn digest_dto(digest: DigestFrequency) -> DigestFrequencyDto {
    match digest {
        DigestFrequency::Never => DigestFrequencyDto::Never,
        DigestFrequency::Weekly => DigestFrequencyDto::Weekly,
        DigestFrequency::Daily => DigestFrequencyDto::Daily,
    }
}

fn dto(settings: &NotificationSettings) -> NotificationSettingsDto {
    NotificationSettingsDto {
        quiet_hours: settings.quiet_hours.map(|quiet| QuietHoursDto {
            start: hhmm(quiet.start_minutes()),
            end: hhmm(quiet.end_minutes()),
        }),
        digest: digest_dto(settings.digest),
        channels: NotificationKind::ALL
            .into_iter()
            .map(|kind| ChannelChoice {
                kind: kind.as_str().to_owned(),
                push: settings.wants(kind, Channel::Push),
                email: settings.wants(kind, Channel::Email),
            })
            .collect(),
    }
}

/// The settings after `change`, or every field error in it.
fn apply(
    mut settings: NotificationSettings,
    change: UpdateNotificationSettings,
) -> Result<NotificationSettings, ApiError> {
    let mut errors = FieldErrors::default();
    if let Some(quiet) = change.quiet_hours {
        settings.quiet_hours = match quiet {
            None => None,
            Some(quiet) => {
                let start = errors.check("quiet_hours.start", parse_hhmm(&quiet.start));
                let end = errors.check("quiet_hours.end", parse_hhmm(&quiet.end));
                start
                    .zip(end)
                    .and_then(|(start, end)| QuietHours::from_minutes(start, end))
            }
        };
    }
    if let Some(digest) = change.digest {
        settings.digest = match digest {
            DigestFrequencyDto::Never => DigestFrequency::Never,
            DigestFrequencyDto::Weekly => DigestFrequency::Weekly,
            DigestFrequencyDto::Daily => DigestFrequency::Daily,
        };
    }
    for (index, choice) in change.channels.unwrap_or_default().into_iter().enumerate() {
        let Some(kind) = NotificationKind::parse(&choice.kind) else {
            errors.push(
                &format!("channels[{index}].kind"),
                FieldIssue::from(ValueError::NotOneOf {
                    accepted: "a known notification kind",
                }),
            );
            continue;
        };
        settings.choices.push((kind, Channel::Push, choice.push));
        settings.choices.push((kind, Channel::Email, choice.email));
    }
    errors.finish()?;
    Ok(settings)
}

/// The signed-in user's notification settings: quiet hours, the newsletter's frequency, and
/// per notification kind whether it goes out by push and by e-mail (the in-app inbox always
/// gets every notice).
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The settings (the defaults where none were chosen).",
         body = NotificationSettingsDto),
    ),
)]
#[get("/v1/me/notification-settings")]
pub async fn get_notification_settings(
    state: web::Data<AppState>,
    caller: Authenticated,
) -> Result<web::Json<NotificationSettingsDto>, ApiError> {
    let settings = state
        .run(move |cx| app::notification_settings(cx, caller.user_id))
        .await?;
    Ok(web::Json(dto(&settings)))
}

/// Changes the notification settings. Fields left out stay as they are; kinds not listed in
/// `channels` keep their channels. Quiet hours defer push until they end; they never drop it.
#[utoipa::path(
    tag = "me",
    security(("bearer" = [])),
    request_body = UpdateNotificationSettings,
    responses(
        (status = 200, description = "The settings now.", body = NotificationSettingsDto),
        (status = 422, description = "`validation_failed`: a time not `HH:MM`, an unknown \
          kind. Nothing was changed.", body = Problem, content_type = "application/problem+json"),
    ),
)]
#[put("/v1/me/notification-settings")]
pub async fn update_notification_settings(
    state: web::Data<AppState>,
    caller: Authenticated,
    body: Json<UpdateNotificationSettings>,
) -> Result<web::Json<NotificationSettingsDto>, ApiError> {
    let change = body.0;
    let user = caller.user_id;
    let settings = state
        .run(move |cx| {
            let current = app::notification_settings(cx, user)?;
            let wanted = apply(current, change)?;
            app::update_notification_settings(cx, user, wanted).map_err(ApiError::from)
        })
        .await?;
    Ok(web::Json(dto(&settings)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_are_hours_and_minutes() {
        assert_eq!(parse_hhmm("22:00"), Ok(1320));
        assert_eq!(parse_hhmm("07:05"), Ok(425));
        assert_eq!(parse_hhmm("24:00"), Err(ValueError::OutOfRange));
        assert_eq!(parse_hhmm("7:00"), Err(ValueError::InvalidFormat));
        assert_eq!(parse_hhmm("07:0x"), Err(ValueError::InvalidFormat));
        assert_eq!(hhmm(425), "07:05");
    }
}
