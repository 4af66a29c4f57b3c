// The tables, shared by both backends: only portable column types are used here.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        password_hash -> Text,
        display_name -> Text,
        postcode -> Nullable<Text>,
        street -> Nullable<Text>,
        house_number -> Nullable<Text>,
        phone -> Nullable<Text>,
        bio -> Nullable<Text>,
        skills -> Text,
        interests -> Text,
        languages -> Text,
        platform_admin -> Bool,
        email_verified -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        postcode_changed_at -> Nullable<Timestamp>,
        token_generation -> BigInt,
        suspended_at -> Nullable<Timestamp>,
        erased_at -> Nullable<Timestamp>,
        offline -> Bool,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        scope -> Text,
        subject -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    neighbourhoods (id) {
        id -> Text,
        code -> Text,
        name -> Text,
        search_name -> Text,
        municipality_code -> Text,
        municipality_name -> Text,
        lat -> Double,
        lng -> Double,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        escalate_after_days -> Integer,
        first_posts_reviewed -> Bool,
    }
}

diesel::table! {
    neighbourhood_postcodes (neighbourhood_id, postcode) {
        neighbourhood_id -> Text,
        postcode -> Text,
    }
}

diesel::table! {
    neighbourhood_adjacency (neighbourhood_id, adjacent_code) {
        neighbourhood_id -> Text,
        adjacent_code -> Text,
    }
}

diesel::table! {
    memberships (id) {
        id -> Text,
        neighbourhood_id -> Text,
        user_id -> Text,
        role -> Text,
        status -> Text,
        joined_at -> Timestamp,
        updated_at -> Timestamp,
        verification -> Nullable<Text>,
        via_postcode -> Bool,
        verified_by -> Nullable<Text>,
    }
}

diesel::table! {
    membership_joins (id) {
        id -> Text,
        user_id -> Text,
        neighbourhood_id -> Text,
        joined_at -> Timestamp,
    }
}

diesel::table! {
    verification_letters (id) {
        id -> Text,
        batch_id -> Text,
        neighbourhood_id -> Text,
        user_id -> Text,
        code -> Text,
        recipient -> Text,
        street -> Text,
        house_number -> Text,
        postcode -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        redeemed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    invites (id) {
        id -> Text,
        neighbourhood_id -> Text,
        code -> Text,
        max_uses -> Integer,
        uses -> Integer,
        expires_at -> Timestamp,
        created_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    professional_grants (user_id, municipality_code) {
        user_id -> Text,
        municipality_code -> Text,
        granted_at -> Timestamp,
    }
}

diesel::table! {
    posts (id) {
        id -> Text,
        neighbourhood_id -> Text,
        author_id -> Text,
        kind -> Text,
        status -> Text,
        title -> Text,
        body -> Text,
        category -> Nullable<Text>,
        visibility -> Text,
        urgency -> Nullable<Text>,
        remote_ok -> Bool,
        helpers_needed -> Integer,
        expires_at -> Nullable<Timestamp>,
        expiry_warned_at -> Nullable<Timestamp>,
        starts_at -> Nullable<Timestamp>,
        ends_at -> Nullable<Timestamp>,
        location -> Nullable<Text>,
        capacity -> Nullable<Integer>,
        hidden -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        recurrence -> Nullable<Text>,
        recurrence_ends_on -> Nullable<Text>,
    }
}

diesel::table! {
    idempotency_keys (scope, key) {
        scope -> Text,
        key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        post_id -> Nullable<Text>,
        created_at -> Timestamp,
        read_at -> Nullable<Timestamp>,
        match_id -> Nullable<Text>,
    }
}

diesel::table! {
    rsvps (post_id, user_id) {
        post_id -> Text,
        user_id -> Text,
        status -> Text,
        position -> BigInt,
        checked_in_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        waitlisted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    activity_organisers (post_id, user_id) {
        post_id -> Text,
        user_id -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    matches (id) {
        id -> Text,
        request_id -> Text,
        requester_id -> Text,
        helper_id -> Text,
        offer_id -> Nullable<Text>,
        proposed_by -> Text,
        status -> Text,
        message -> Nullable<Text>,
        thanks -> Nullable<Text>,
        accepted_slot -> Nullable<Integer>,
        slot_limit -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    match_messages (id) {
        id -> Text,
        match_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        // issue 20 (h20rest)
        sent_by -> Nullable<Text>,
    }
}

diesel::table! {
    consents (user_id, kind) {
        user_id -> Text,
        kind -> Text,
        given_at -> Timestamp,
        withdrawn_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    consent_events (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        change -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    account_erasures (id) {
        id -> Text,
        tombstone_id -> Text,
        actor_id -> Nullable<Text>,
        by_admin -> Bool,
        created_at -> Timestamp,
    }
}

diesel::table! {
    cases (id) {
        id -> Text,
        request_id -> Text,
        neighbourhood_id -> Text,
        requester_id -> Text,
        status -> Text,
        outcome -> Nullable<Text>,
        summary -> Nullable<Text>,
        reason -> Nullable<Text>,
        escalated_by -> Text,
        claimed_by -> Nullable<Text>,
        follow_up_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_notes (id) {
        id -> Text,
        case_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
        working -> Bool,
    }
}

diesel::table! {
    case_referrals (case_id, professional_id) {
        case_id -> Text,
        professional_id -> Text,
        referred_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    case_audit (id) {
        id -> Text,
        case_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        created_at -> Timestamp,
        // issue 20 (h20rest)
        match_id -> Nullable<Text>,
    }
}

diesel::table! {
    role_grants (id) {
        id -> Text,
        actor_id -> Nullable<Text>,
        target_id -> Text,
        role -> Text,
        neighbourhood_id -> Nullable<Text>,
        municipality_code -> Nullable<Text>,
        change -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    user_blocks (blocker_id, blocked_id) {
        blocker_id -> Text,
        blocked_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    devices (id) {
        id -> Text,
        user_id -> Text,
        login_id -> Nullable<Text>,
        platform -> Text,
        token -> Text,
        app_version -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(devices -> users (user_id));
diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(rsvps -> users (user_id));
// issue 20 (r2series)
diesel::joinable!(occurrence_rsvps -> users (user_id));
diesel::joinable!(posts -> neighbourhoods (neighbourhood_id));
diesel::joinable!(neighbourhood_postcodes -> neighbourhoods (neighbourhood_id));
diesel::joinable!(neighbourhood_adjacency -> neighbourhoods (neighbourhood_id));
diesel::joinable!(memberships -> neighbourhoods (neighbourhood_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(invites -> neighbourhoods (neighbourhood_id));
diesel::table! {
    stat_events (key) {
        key -> Text,
        neighbourhood_id -> Text,
        kind -> Text,
        actor_id -> Nullable<Text>,
        seconds -> Nullable<BigInt>,
        occurred_at -> Timestamp,
        day -> Text,
        week -> Text,
        month -> Text,
    }
}

diesel::table! {
    clients (id) {
        id -> Text,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        municipalities -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        seq -> Nullable<BigInt>,
        kind -> Text,
        neighbourhood_id -> Text,
        municipality_code -> Text,
        subject_id -> Text,
        post_id -> Nullable<Text>,
        occurred_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        client_id -> Text,
        url -> Text,
        secret -> Text,
        kinds -> Text,
        status -> Text,
        consecutive_failures -> Integer,
        cursor -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event_seq -> BigInt,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        last_status -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    images (id) {
        id -> Text,
        uploader_id -> Text,
        width -> Integer,
        height -> Integer,
        post_id -> Nullable<Text>,
        position -> Nullable<Integer>,
        avatar_of -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    settings,
    reports,
    moderation_decisions,
    posting_suspensions,
    post_reviews,
    write_events,
    moderation_log,
    users,
    refresh_tokens,
    login_failures,
    neighbourhoods,
    neighbourhood_postcodes,
    neighbourhood_adjacency,
    memberships,
    membership_joins,
    verification_letters,
    invites,
    professional_grants,
    posts,
    idempotency_keys,
    notifications,
    rsvps,
    activity_organisers,
    matches,
    match_messages,
    consents,
    cases,
    case_notes,
    case_referrals,
    case_audit,
    stat_events,
    clients,
    events,
    webhooks,
    webhook_deliveries,
    user_blocks,
    role_grants,
    devices,
    consent_events,
    account_erasures,
    images,
    deliveries,
    notification_settings,
    notification_preferences,
    account_tokens,
    digest_sends,
    // issue 20 (h20a)
    brokered_matches,
    escalation_rules,
    signals,
    signal_audit,
    // issue 20 (h20c)
    arrangements,
    arrangement_sessions,
    arrangement_lapses,
    occurrence_rsvps,
);

// issue 20 (h20d)
diesel::table! {
    escalation_rules (neighbourhood_id, category) {
        neighbourhood_id -> Text,
        category -> Text,
        escalates -> Bool,
        after_days -> Nullable<Integer>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    signals (id) {
        id -> Text,
        neighbourhood_id -> Text,
        kind -> Text,
        subject -> Text,
        evidence -> Text,
        person_id -> Nullable<Text>,
        case_id -> Nullable<Text>,
        arrangement_id -> Nullable<Text>,
        count -> Nullable<BigInt>,
        quarter -> Nullable<Text>,
        share_percent -> Nullable<BigInt>,
        previous_share_percent -> Nullable<BigInt>,
        follow_up_at -> Nullable<Timestamp>,
        raised_at -> Timestamp,
        updated_at -> Timestamp,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<Text>,
        acknowledgement_note -> Nullable<Text>,
    }
}

diesel::table! {
    signal_audit (id) {
        id -> Text,
        signal_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    reports (id) {
        id -> Text,
        neighbourhood_id -> Text,
        reporter_id -> Text,
        target_kind -> Text,
        target_id -> Text,
        member_id -> Text,
        post_id -> Nullable<Text>,
        match_id -> Nullable<Text>,
        reason -> Text,
        details -> Nullable<Text>,
        created_at -> Timestamp,
        decision_id -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    moderation_decisions (id) {
        id -> Text,
        neighbourhood_id -> Text,
        target_kind -> Text,
        target_id -> Text,
        member_id -> Text,
        action -> Text,
        reason -> Text,
        suspended_until -> Nullable<Timestamp>,
        decided_by -> Nullable<Text>,
        decided_at -> Timestamp,
        appeal_text -> Nullable<Text>,
        appealed_at -> Nullable<Timestamp>,
        appeal_outcome -> Nullable<Text>,
        appeal_reason -> Nullable<Text>,
        appeal_decided_by -> Nullable<Text>,
        appeal_decided_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    posting_suspensions (neighbourhood_id, user_id) {
        neighbourhood_id -> Text,
        user_id -> Text,
        until -> Timestamp,
        decision_id -> Text,
    }
}

diesel::table! {
    post_reviews (post_id) {
        post_id -> Text,
        neighbourhood_id -> Text,
        author_id -> Text,
        held_at -> Timestamp,
        reviewed_at -> Nullable<Timestamp>,
        reviewed_by -> Nullable<Text>,
    }
}

diesel::table! {
    write_events (id) {
        id -> Text,
        user_id -> Text,
        kind -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    moderation_log (id) {
        id -> Text,
        neighbourhood_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        target_kind -> Text,
        target_id -> Text,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    deliveries (id) {
        id -> Text,
        user_id -> Text,
        channel -> Text,
        kind -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        created_at -> Timestamp,
        settled_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
    }
}

diesel::table! {
    notification_settings (user_id) {
        user_id -> Text,
        quiet_start -> Nullable<Integer>,
        quiet_end -> Nullable<Integer>,
        digest -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notification_preferences (user_id, kind, channel) {
        user_id -> Text,
        kind -> Text,
        channel -> Text,
        enabled -> Bool,
    }
}

diesel::table! {
    account_tokens (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        purpose -> Text,
        email -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    digest_sends (user_id, period, neighbourhood_id) {
        user_id -> Text,
        period -> Text,
        neighbourhood_id -> Text,
        created_at -> Timestamp,
    }
}

// issue 20 (h20a): matches a mediator brokered.
diesel::table! {
    brokered_matches (match_id) {
        match_id -> Text,
        case_id -> Text,
        brokered_by -> Nullable<Text>,
        helper_accepted_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

// issue 20 (h20b): offline residents, their claim codes, filings, audit and the call list.
diesel::table! {
    offline_residents (user_id) {
        user_id -> Text,
        neighbourhood_id -> Text,
        postal_address -> Nullable<Text>,
        consent_method -> Text,
        consent_given_at -> Timestamp,
        registered_by -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    offline_claim_codes (code_hash) {
        code_hash -> Text,
        resident_id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    offline_filings (post_id) {
        post_id -> Text,
        filed_by -> Text,
        filed_at -> Timestamp,
    }
}

diesel::table! {
    offline_audit (id) {
        id -> Text,
        resident_id -> Text,
        actor_id -> Nullable<Text>,
        action -> Text,
        subject_id -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    call_list_items (id) {
        id -> Text,
        neighbourhood_id -> Text,
        resident_id -> Text,
        kind -> Text,
        post_id -> Nullable<Text>,
        match_id -> Nullable<Text>,
        created_at -> Timestamp,
        done_at -> Nullable<Timestamp>,
        done_by -> Nullable<Text>,
    }
}

// issue 20 (h20rest): the intake record of a claimed offline resident.
diesel::table! {
    offline_claims (resident_id) {
        resident_id -> Text,
        account_id -> Text,
        neighbourhood_id -> Text,
        registered_by -> Text,
        registered_at -> Timestamp,
        consent_method -> Text,
        consent_given_at -> Timestamp,
        claimed_at -> Timestamp,
    }
}

diesel::joinable!(offline_residents -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(offline_residents, users);
diesel::allow_tables_to_appear_in_same_query!(call_list_items, users);
diesel::allow_tables_to_appear_in_same_query!(offline_claims, users);

// issue 20 (h20c): lasting help
diesel::table! {
    arrangements (match_id) {
        match_id -> Text,
        request_id -> Text,
        recurrence -> Text,
        starts_on -> Text,
        ends_on -> Nullable<Text>,
        ended_at -> Nullable<Timestamp>,
        ended_by -> Nullable<Text>,
        end_reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    arrangement_sessions (match_id, on_date) {
        match_id -> Text,
        on_date -> Text,
        status -> Text,
        note_to_mediator -> Nullable<Text>,
        recorded_by -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    arrangement_lapses (match_id, since) {
        match_id -> Text,
        since -> Text,
        case_id -> Text,
        noticed_at -> Timestamp,
    }
}

diesel::table! {
    occurrence_rsvps (post_id, occurrence, user_id) {
        post_id -> Text,
        occurrence -> Text,
        user_id -> Text,
        status -> Text,
        position -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        // issue 20 (r2series)
        checked_in_at -> Nullable<Timestamp>,
    }
}

// issue 22 (h22stats): monitoring rollups
diesel::table! {
    stat_counts (neighbourhood_id, unit, period, figure) {
        neighbourhood_id -> Text,
        unit -> Text,
        period -> Text,
        figure -> Text,
        n -> Integer,
    }
}

diesel::table! {
    stat_presence (neighbourhood_id, unit, period, figure, actor_id) {
        neighbourhood_id -> Text,
        unit -> Text,
        period -> Text,
        figure -> Text,
        actor_id -> Text,
    }
}
