//! Uploaded images: whose they are and where they are shown. The bytes are in the object
//! store; a row is written once they are stored.

use std::collections::HashMap;

use buurt_domain::accounts::UserId;
use buurt_domain::images::{Image, ImageId, ImagePlace};
use buurt_domain::posts::PostId;
use diesel::prelude::*;

use crate::columns::Stored;
use crate::schema::{images, memberships};
use crate::time::{from_db, to_db};
use crate::{DbConnection, PersistenceError};

#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = images)]
struct ImageRow {
    id: Stored<ImageId>,
    uploader_id: Stored<UserId>,
    width: i32,
    height: i32,
    post_id: Option<Stored<PostId>>,
    position: Option<i32>,
    avatar_of: Option<Stored<UserId>>,
    created_at: chrono::NaiveDateTime,
}

impl From<ImageRow> for Image {
    fn from(row: ImageRow) -> Self {
        let place = match (row.post_id, row.avatar_of) {
            (Some(post), _) => ImagePlace::Post {
                post_id: post.0,
                position: row
                    .position
                    .and_then(|p| u32::try_from(p).ok())
                    .unwrap_or(0),
            },
            (None, Some(user)) => ImagePlace::Avatar(user.0),
            (None, None) => ImagePlace::Unattached,
        };
        Self {
            id: row.id.0,
            uploader_id: row.uploader_id.0,
            width: u32::try_from(row.width).unwrap_or(1),
            height: u32::try_from(row.height).unwrap_or(1),
            place,
            created_at: from_db(row.created_at),
        }
    }
}

fn dimension(value: u32) -> i32 {
    i32::try_from(value).unwrap_or(i32::MAX)
}

/// Records an uploaded image whose bytes are stored (unattached).
pub fn insert(conn: &mut DbConnection, image: &Image) -> Result<(), PersistenceError> {
    diesel::insert_into(images::table)
        .values((
            images::id.eq(image.id.to_string()),
            images::uploader_id.eq(image.uploader_id.to_string()),
            images::width.eq(dimension(image.width)),
            images::height.eq(dimension(image.height)),
            images::created_at.eq(to_db(image.created_at)),
        ))
        .execute(conn)?;
    Ok(())
}

pub fn find(conn: &mut DbConnection, id: ImageId) -> Result<Option<Image>, PersistenceError> {
    Ok(images::table
        .find(id.to_string())
        .select(ImageRow::as_select())
        .first(conn)
        .optional()?
        .map(Image::from))
}

/// The images of these posts in one query, each post's in order.
pub fn of_posts(
    conn: &mut DbConnection,
    posts: &[PostId],
) -> Result<HashMap<PostId, Vec<Image>>, PersistenceError> {
    let mut by_post: HashMap<PostId, Vec<Image>> = HashMap::new();
    if posts.is_empty() {
        return Ok(by_post);
    }
    let ids: Vec<String> = posts.iter().map(ToString::to_string).collect();
    let rows = images::table
        .filter(images::post_id.eq_any(ids))
        .order((images::post_id, images::position))
        .select(ImageRow::as_select())
        .load(conn)?;
    for image in rows.into_iter().map(Image::from) {
        if let ImagePlace::Post { post_id, .. } = image.place {
            by_post.entry(post_id).or_default().push(image);
        }
    }
    Ok(by_post)
}

/// The avatars of these people in one query.
pub fn avatars_of(
    conn: &mut DbConnection,
    users: &[UserId],
) -> Result<HashMap<UserId, Image>, PersistenceError> {
    if users.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<String> = users.iter().map(ToString::to_string).collect();
    Ok(images::table
        .filter(images::avatar_of.eq_any(ids))
        .select(ImageRow::as_select())
        .load(conn)?
        .into_iter()
        .map(Image::from)
        .filter_map(|image| match image.place {
            ImagePlace::Avatar(user) => Some((user, image)),
            _ => None,
        })
        .collect())
}

/// Detaches every image from `post` (they are their uploader's alone again).
pub fn detach_from_post(conn: &mut DbConnection, post: PostId) -> Result<(), PersistenceError> {
    diesel::update(images::table.filter(images::post_id.eq(post.to_string())))
        .set((
            images::post_id.eq(None::<String>),
            images::position.eq(None::<i32>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Attaches `id` to `post` at `position` if `uploader` uploaded it and it is shown nowhere:
/// conditional, so one image never lands in two places. False when it is not so.
pub fn attach_to_post(
    conn: &mut DbConnection,
    id: ImageId,
    uploader: UserId,
    post: PostId,
    position: u32,
) -> Result<bool, PersistenceError> {
    let updated = diesel::update(unattached_of(id, uploader))
        .set((
            images::post_id.eq(Some(post.to_string())),
            images::position.eq(Some(i32::try_from(position).unwrap_or(i32::MAX))),
        ))
        .execute(conn)?;
    Ok(updated == 1)
}

/// Makes `id` the avatar of its uploader `user` if it is shown nowhere yet (the current
/// avatar, if any, is detached first). False when it is not theirs or is shown elsewhere.
pub fn set_avatar(
    conn: &mut DbConnection,
    user: UserId,
    id: ImageId,
) -> Result<bool, PersistenceError> {
    if find(conn, id)?.is_some_and(|image| image.place == ImagePlace::Avatar(user)) {
        return Ok(true);
    }
    clear_avatar(conn, user)?;
    let updated = diesel::update(unattached_of(id, user))
        .set(images::avatar_of.eq(Some(user.to_string())))
        .execute(conn)?;
    Ok(updated == 1)
}

/// `user` has no avatar any more (the image is theirs alone again).
pub fn clear_avatar(conn: &mut DbConnection, user: UserId) -> Result<(), PersistenceError> {
    diesel::update(images::table.filter(images::avatar_of.eq(user.to_string())))
        .set(images::avatar_of.eq(None::<String>))
        .execute(conn)?;
    Ok(())
}

type Unattached = diesel::dsl::Filter<
    diesel::dsl::Filter<
        diesel::dsl::Filter<
            diesel::dsl::Filter<images::table, diesel::dsl::Eq<images::id, String>>,
            diesel::dsl::Eq<images::uploader_id, String>,
        >,
        diesel::dsl::IsNull<images::post_id>,
    >,
    diesel::dsl::IsNull<images::avatar_of>,
>;

fn unattached_of(id: ImageId, uploader: UserId) -> Unattached {
    images::table
        .filter(images::id.eq(id.to_string()))
        .filter(images::uploader_id.eq(uploader.to_string()))
        .filter(images::post_id.is_null())
        .filter(images::avatar_of.is_null())
}

/// Whether `one` and `other` are both active members of some neighbourhood.
pub fn are_neighbours(
    conn: &mut DbConnection,
    one: UserId,
    other: UserId,
) -> Result<bool, PersistenceError> {
    let (mine, theirs) = diesel::alias!(memberships as mine, memberships as theirs);
    let active = buurt_domain::membership::MembershipStatus::Active.as_str();
    let found = mine
        .inner_join(
            theirs.on(theirs
                .field(memberships::neighbourhood_id)
                .eq(mine.field(memberships::neighbourhood_id))),
        )
        .filter(mine.field(memberships::user_id).eq(one.to_string()))
        .filter(mine.field(memberships::status).eq(active))
        .filter(theirs.field(memberships::user_id).eq(other.to_string()))
        .filter(theirs.field(memberships::status).eq(active))
        .select(mine.field(memberships::id))
        .first::<String>(conn)
        .optional()?;
    Ok(found.is_some())
}

/// Every image `user` uploaded (attached or not): what erasing them removes from the store.
pub fn uploads_of(conn: &mut DbConnection, user: UserId) -> Result<Vec<ImageId>, PersistenceError> {
    let ids: Vec<Stored<ImageId>> = images::table
        .filter(images::uploader_id.eq(user.to_string()))
        .order(images::id)
        .select(images::id)
        .load(conn)?;
    Ok(ids.into_iter().map(|id| id.0).collect())
}
