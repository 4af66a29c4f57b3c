//! A deadline for reading a request body, so a client sending one byte at a time cannot hold
//! a connection (and a worker's attention) for ever. The head has its own deadline
//! (`client_request_timeout`, set in `startup`).

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use actix_web::HttpMessage;
use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::middleware::Next;
use actix_web::rt::time::{Sleep, sleep};
use actix_web::web::{self, Bytes};
use futures_util::{Stream, StreamExt};

/// How long a whole request body may take to arrive.
#[derive(Debug, Clone, Copy)]
pub struct BodyTimeout(pub Duration);

/// Gives the request's body a deadline: once it passes, reading the body fails with a timeout
/// (answered 408 `request_timeout`, and the connection is closed).
pub async fn body_deadline(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody + 'static>, actix_web::Error> {
    if let Some(timeout) = req.app_data::<web::Data<BodyTimeout>>().map(|t| t.0) {
        let payload = req.take_payload();
        let limited = Deadline {
            inner: payload,
            sleep: Box::pin(sleep(timeout)),
        };
        req.set_payload(Payload::Stream {
            payload: Box::pin(limited),
        });
    }
    next.call(req).await
}

struct Deadline<S> {
    inner: S,
    sleep: Pin<Box<Sleep>>,
}

impl<S> Stream for Deadline<S>
where
    S: Stream<Item = Result<Bytes, PayloadError>> + Unpin,
{
    type Item = Result<Bytes, PayloadError>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if let Poll::Ready(item) = self.inner.poll_next_unpin(cx) {
            return Poll::Ready(item);
        }
        if self.sleep.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(PayloadError::Io(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                "the request body did not arrive in time",
            )))));
        }
        Poll::Pending
    }
}
