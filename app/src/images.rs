//! Use cases of images: recording an upload, who may see one, and attaching uploads to posts
//! and as avatars. Decoding and storing the bytes is the caller's (the API); this is the
//! record of whose an image is and where it is shown.

use std::collections::HashMap;

use buurt_domain::accounts::UserId;
use buurt_domain::images::{Image, ImageId, ImagePlace, MAX_PER_POST};
use buurt_domain::posts::PostId;
use buurt_persistence::images as repo;
use buurt_persistence::{DbConnection, accounts};

use crate::{AppError, Cx, FieldErrors, FieldIssue};

/// Records an image whose variants are stored: `uploader`'s alone until attached.
pub fn record_upload(
    cx: &mut Cx<'_>,
    uploader: UserId,
    id: ImageId,
    (width, height): (u32, u32),
) -> Result<Image, AppError> {
    let image = Image {
        id,
        uploader_id: uploader,
        width,
        height,
        place: ImagePlace::Unattached,
        created_at: cx.now(),
    };
    repo::insert(cx.conn, &image)?;
    Ok(image)
}

/// The image if `caller` may see it; `NotFound` otherwise, as for one that does not exist.
/// On a post: whoever may see the post. An avatar: its owner, platform administrators and
/// the owner's neighbours (active members of a neighbourhood the owner is an active member
/// of), as the profile. Not attached: its uploader only.
pub fn readable_image(
    cx: &mut Cx<'_>,
    caller: Option<UserId>,
    id: ImageId,
) -> Result<Image, AppError> {
    let image = repo::find(cx.conn, id)?.ok_or(AppError::NotFound)?;
    let visible = match image.place {
        ImagePlace::Post { post_id, .. } => {
            crate::posts::visible_post(cx.conn, caller, post_id)?;
            true
        }
        ImagePlace::Avatar(owner) => match caller {
            None => false,
            Some(caller) if caller == owner => true,
            Some(caller) => {
                accounts::find_user(cx.conn, caller)?.is_some_and(|user| user.platform_admin)
                    || repo::are_neighbours(cx.conn, caller, owner)?
            }
        },
        ImagePlace::Unattached => caller == Some(image.uploader_id),
    };
    if visible {
        Ok(image)
    } else {
        Err(AppError::NotFound)
    }
}

/// The images of these posts, each post's in order, in one query.
pub fn of_posts(
    conn: &mut DbConnection,
    posts: &[PostId],
) -> Result<HashMap<PostId, Vec<Image>>, AppError> {
    Ok(repo::of_posts(conn, posts)?)
}

/// `user`'s avatar, if they have one.
pub fn avatar_of(conn: &mut DbConnection, user: UserId) -> Result<Option<Image>, AppError> {
    Ok(repo::avatars_of(conn, &[user])?.remove(&user))
}

/// The field problem of an image id that cannot be used.
fn unusable(field: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    errors.push(
        field,
        FieldIssue::invalid(
            "an image you uploaded that is not shown elsewhere",
            "een afbeelding die u hebt geüpload en die nergens anders staat",
        ),
    );
    errors
}

/// Checks a post's image list before anything is written: at most [`MAX_PER_POST`], no id
/// twice.
pub fn check_post_images(ids: &[ImageId]) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    if ids.len() > MAX_PER_POST {
        errors.push("image_ids", FieldIssue::TooMany { max: MAX_PER_POST });
    }
    for (index, id) in ids.iter().enumerate() {
        if ids[..index].contains(id) {
            errors.push(
                &format!("image_ids[{index}]"),
                FieldIssue::invalid(
                    "an image not listed before",
                    "een afbeelding die nog niet in de lijst staat",
                ),
            );
        }
    }
    errors.finish()
}

/// Shows exactly `ids`, in this order, on `post` (images no longer listed are their
/// uploader's alone again). Each must be `author`'s upload and shown nowhere else; run inside
/// the transaction that holds the post's row, after [`check_post_images`].
pub fn set_post_images(
    conn: &mut DbConnection,
    author: UserId,
    post: PostId,
    ids: &[ImageId],
) -> Result<(), AppError> {
    repo::detach_from_post(conn, post)?;
    for (position, id) in ids.iter().enumerate() {
        let position = u32::try_from(position).unwrap_or(u32::MAX);
        if !repo::attach_to_post(conn, *id, author, post, position)? {
            return Err(unusable(&format!("image_ids[{position}]")).into());
        }
    }
    Ok(())
}

/// Makes `image` the avatar of `user` (their own upload, shown nowhere else), or clears it
/// with `None`. Inside the transaction that changes the profile.
pub fn set_avatar(
    conn: &mut DbConnection,
    user: UserId,
    image: Option<ImageId>,
) -> Result<(), AppError> {
    match image {
        None => Ok(repo::clear_avatar(conn, user)?),
        Some(id) if repo::set_avatar(conn, user, id)? => Ok(()),
        Some(_) => Err(unusable("avatar_image_id").into()),
    }
}
