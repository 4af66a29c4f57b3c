// The tables, shared by both backends: only portable column types are used here.

diesel::table! {
    settings (key) {
        key -> Text,
        value -> Text,
        created_at -> Timestamp,
    }
}
