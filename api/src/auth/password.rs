//! Password hashing with argon2id at OWASP's parameters (19 MiB, t=2, p=1). Slow on purpose:
//! call these through the [`HashingPool`], never on an async worker.

use std::sync::mpsc::{Receiver, SyncSender, TrySendError, sync_channel};
use std::sync::{Arc, Mutex};

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use buurt_domain::accounts::Password;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash(password: &Password) -> String {
    let mut random = [0u8; 16];
    getrandom::fill(&mut random).expect("the operating system provides randomness");
    let salt = SaltString::encode_b64(&random).expect("16 bytes make a valid salt");
    argon2()
        .hash_password(password.expose().as_bytes(), &salt)
        .expect("argon2 hashing with valid parameters cannot fail")
        .to_string()
}

/// Whether `password` matches `hash`. A malformed hash matches nothing.
pub fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// Verifies against a hash of nothing anyone knows, so that a sign-in for an unknown email
/// takes as long as one with a wrong password.
pub fn verify_against_nothing(password: &str) {
    let _ = verify(password, DUMMY);
}

/// The hash of a random password nobody kept, made once with `hash`'s parameters (a test
/// checks they agree). A constant rather than a hash made at start-up: that took 19 MiB and
/// tens of milliseconds of every start.
const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$iXwoyudgbw+TZBjs4WiPWA$\
                     SUx2Vcaw7Kas2vCG+N2wihnIjDC4j3d/q6RCd3OFNjA";

type Job = Box<dyn FnOnce() + Send>;

/// A few threads of their own for password hashing, and a short queue in front of them.
///
/// Each hash takes 19 MiB and tens of milliseconds of a core, so hashing is bounded apart from
/// the database pool: at most `threads` hashes run at once (one per core by default), at most
/// `queue` more wait, and anything beyond that is refused at once (503 `server_busy` with
/// `Retry-After`) instead of piling up memory and starving cheap requests. Hashing on the same
/// few threads also keeps the memory it used in their few malloc arenas, so it is reused by
/// the next hash rather than spread over every thread of the blocking pool.
#[derive(Clone)]
pub struct HashingPool {
    jobs: SyncSender<Job>,
}

/// The hashing pool is full: try again in a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Busy;

impl HashingPool {
    /// Starts `threads` hashing threads (at least one) with room for `queue` waiting jobs.
    /// The threads end when the last clone of the pool is dropped.
    pub fn new(threads: usize, queue: usize) -> Self {
        Self::named("buurt-hash", threads, queue)
    }

    /// A pool like it for other CPU-heavy work (decoding images), its threads called
    /// `<name>-<n>`.
    pub fn named(name: &str, threads: usize, queue: usize) -> Self {
        let (jobs, receiver) = sync_channel::<Job>(queue);
        let receiver = Arc::new(Mutex::new(receiver));
        for index in 0..threads.max(1) {
            let receiver = Arc::clone(&receiver);
            std::thread::Builder::new()
                .name(format!("{name}-{index}"))
                .spawn(move || work(&receiver))
                .expect("the operating system starts a hashing thread");
        }
        Self { jobs }
    }

    /// Runs `work` on a hashing thread and waits for it without blocking the caller's thread;
    /// `Busy` at once when every thread and queue place is taken.
    pub async fn run<T, F>(&self, work: F) -> Result<T, Busy>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (sender, receiver) = tokio::sync::oneshot::channel();
        let span = tracing::Span::current();
        let job: Job = Box::new(move || {
            let _entered = span.enter();
            let _ = sender.send(work());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_) | TrySendError::Disconnected(_)) => return Err(Busy),
        }
        // The sender is dropped unanswered only when the work panicked.
        receiver.await.map_err(|_| Busy)
    }
}

fn work(receiver: &Mutex<Receiver<Job>>) {
    loop {
        let next = {
            let Ok(receiver) = receiver.lock() else {
                return;
            };
            receiver.recv()
        };
        match next {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_differ() {
        let password = Password::parse("lange-zomeravond").unwrap();
        let first = hash(&password);
        assert!(
            first.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{first}"
        );
        assert_ne!(first, hash(&password), "salted");
        assert!(verify("lange-zomeravond", &first));
        assert!(!verify("korte-zomeravond", &first));
        assert!(!verify("lange-zomeravond", "not a hash"));
    }

    #[test]
    fn the_hash_of_nothing_is_made_like_every_hash() {
        let made = hash(&Password::parse("lange-zomeravond").unwrap());
        let (made, dummy) = (
            PasswordHash::new(&made).unwrap(),
            PasswordHash::new(DUMMY).unwrap(),
        );
        assert_eq!(dummy.algorithm, made.algorithm);
        assert_eq!(dummy.version, made.version);
        assert_eq!(dummy.params, made.params);
        assert_eq!(
            dummy.salt.map(|salt| salt.len()),
            made.salt.map(|salt| salt.len())
        );
        assert_eq!(
            dummy.hash.map(|out| out.len()),
            made.hash.map(|out| out.len())
        );
        assert!(!verify("no-account-has-this-password", DUMMY));
    }

    #[actix_web::test]
    async fn the_pool_refuses_work_beyond_its_threads_and_queue() {
        let pool = HashingPool::new(1, 0);
        let (started, has_started) = std::sync::mpsc::channel::<()>();
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let hold = Arc::new(Mutex::new(hold));
        // The first job takes the one thread and holds it until released. (With no queue a
        // job is taken only while the thread waits for one: retry until it is.)
        let running = actix_web::rt::spawn({
            let pool = pool.clone();
            async move {
                loop {
                    let (started, hold) = (started.clone(), Arc::clone(&hold));
                    let job = move || {
                        started.send(()).unwrap();
                        hold.lock().unwrap().recv().unwrap();
                        7
                    };
                    match pool.run(job).await {
                        Err(Busy) => {
                            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await
                        }
                        done => return done,
                    }
                }
            }
        });
        while has_started.try_recv().is_err() {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        // The one thread is busy and there is no queue: refused at once.
        assert_eq!(pool.run(|| 1).await, Err(Busy));
        release.send(()).unwrap();
        assert_eq!(running.await.unwrap(), Ok(7));
        // Free again once the thread is back.
        let mut again = pool.run(|| 2).await;
        while again.is_err() {
            actix_web::rt::time::sleep(std::time::Duration::from_millis(5)).await;
            again = pool.run(|| 2).await;
        }
        assert_eq!(again, Ok(2));
    }
}
