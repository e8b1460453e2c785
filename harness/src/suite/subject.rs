//! An implementation under test as the runner sees it: every call ends in an [`Answer`], and
//! panics, hangs and crashes are answers too, never the end of the run.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::contract::{
    Decoded, Description, Failure, Implementation, KeyCache, ProviderAnswer, SignRequest,
    VerifyMode, VerifyRequest,
};
use crate::guard;

/// How one call to an implementation ended.
#[derive(Clone, Debug, PartialEq)]
pub enum Answer<T> {
    /// It answered with a result.
    Ok(T),
    /// It refused, with its message and reason code.
    Refused(Failure),
    /// It panicked (in-process) with this message.
    Panic(String),
    /// It gave no answer within the timeout.
    Hang(Duration),
    /// It died or wrote something that is not a protocol v1 response (external adapters).
    Crash(String),
    /// It was not asked: it had stopped answering before ([`Breaker`]).
    NotRun(String),
}

impl<T> Answer<T> {
    /// The answer, or the breakdown (panic, hang, crash) as the outcome it is for any case.
    pub fn into_result(self) -> Result<Result<T, Failure>, super::outcome::Outcome> {
        use super::outcome::Outcome;
        match self {
            Answer::Ok(value) => Ok(Ok(value)),
            Answer::Refused(failure) => Ok(Err(failure)),
            Answer::Panic(message) => Err(Outcome::Panic { message }),
            Answer::Hang(t) => Err(Outcome::Hang {
                timeout_ms: t.as_millis() as u64,
            }),
            Answer::Crash(message) => Err(Outcome::Crash { message }),
            Answer::NotRun(reason) => Err(Outcome::NotRun { reason }),
        }
    }
}

/// The default per-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The default time an implementation has to describe itself when it starts: separate from
/// the per-request timeout, since starting an interpreter on a loaded machine takes longer
/// than any one request.
pub const DEFAULT_DESCRIBE_TIMEOUT: Duration = Duration::from_secs(30);

/// After this many consecutive hangs or crashes, an implementation is given up on.
pub const DEFAULT_GIVE_UP_AFTER: u32 = 3;

/// An implementation under test, in-process or external.
pub trait Subject: Send + Sync {
    /// The implementation's own description (taken once, when it was set up).
    fn description(&self) -> &Description;
    /// Asks it to sign.
    fn sign(&self, request: &SignRequest) -> Answer<String>;
    /// Asks it to verify.
    fn verify(&self, request: &VerifyRequest) -> Answer<Decoded>;
    /// Asks a provider-level implementation to verify and name the user (`request.provider`
    /// set). A JWT library cannot answer this.
    fn verify_provider(&self, request: &VerifyRequest) -> Answer<ProviderAnswer> {
        let _ = request;
        Answer::Crash(format!(
            "{} is not a provider-level implementation",
            self.description().name
        ))
    }
    /// The verify mode its requests are sent in.
    fn mode(&self) -> VerifyMode {
        VerifyMode::Configured
    }
}

/// A subject asked in another verify mode ([`VerifyMode`]): every verify request it passes on
/// carries the mode, and its description's clock is the one the implementation declares for
/// that mode, so that the runner re-mints time-relative cases for a library that reads its own
/// clock only there. Signing is the subject's own: the mode is about verification.
pub struct InMode<'a> {
    inner: &'a dyn Subject,
    mode: VerifyMode,
    description: Description,
}

impl<'a> InMode<'a> {
    /// `inner` in `mode`, or `None` when its description does not list the mode.
    pub fn new(inner: &'a dyn Subject, mode: VerifyMode) -> Option<InMode<'a>> {
        let declared = inner.description();
        if !declared.serves(mode) {
            return None;
        }
        let description = Description {
            clock: declared.clock_in(mode),
            ..declared.clone()
        };
        Some(InMode {
            inner,
            mode,
            description,
        })
    }
}

impl Subject for InMode<'_> {
    fn description(&self) -> &Description {
        &self.description
    }

    fn sign(&self, request: &SignRequest) -> Answer<String> {
        self.inner.sign(request)
    }

    fn verify(&self, request: &VerifyRequest) -> Answer<Decoded> {
        let request = VerifyRequest {
            mode: self.mode,
            ..request.clone()
        };
        self.inner.verify(&request)
    }

    fn verify_provider(&self, request: &VerifyRequest) -> Answer<ProviderAnswer> {
        self.inner.verify_provider(request)
    }

    fn mode(&self) -> VerifyMode {
        self.mode
    }
}

/// An in-process [`Implementation`], each call on a worker thread with a timeout so that a
/// hanging implementation is reported instead of stopping the run.
pub struct InProcess {
    imp: Arc<dyn Implementation>,
    /// The implementation's keys, prepared once per key list for every case that uses them.
    keys: Arc<KeyCache>,
    description: Description,
    timeout: Duration,
    /// Worker threads waiting for a call. A call takes one (or starts one) and gives it back
    /// once it has answered; a worker that hung is left to finish on its own and never reused.
    idle: Mutex<Vec<Worker>>,
}

/// What a worker thread runs: one call, which sends its own answer.
type Job = Box<dyn FnOnce(&dyn Implementation, &KeyCache) + Send>;

/// A thread that runs calls one after another, so that a run does not start a thread per call.
struct Worker {
    jobs: mpsc::Sender<Job>,
}

impl Worker {
    fn start(imp: Arc<dyn Implementation>, keys: Arc<KeyCache>) -> std::io::Result<Worker> {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(WORKER.into())
            .spawn(move || {
                // Ends when the worker is dropped (its sender with it) and the queue is empty.
                while let Ok(job) = queue.recv() {
                    job(imp.as_ref(), &keys);
                }
            })?;
        Ok(Worker { jobs })
    }
}

/// The name of the threads implementations run on.
const WORKER: &str = "idjwt-subject";

/// Keeps the default panic message off standard error for implementation threads: their panics
/// are caught and reported as outcomes, and a library that panics on many cases would otherwise
/// bury the report. Panics anywhere else are printed as before.
fn quiet_worker_panics() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name() != Some(WORKER) {
                previous(info);
            }
        }));
    });
}

impl InProcess {
    /// Wraps an implementation; `describe` itself is guarded against panics and hangs (given
    /// [`DEFAULT_DESCRIBE_TIMEOUT`]).
    pub fn new(imp: Arc<dyn Implementation>, timeout: Duration) -> Result<InProcess, String> {
        InProcess::start(imp, timeout, DEFAULT_DESCRIBE_TIMEOUT)
    }

    /// As [`InProcess::new`], with its own time for `describe`.
    pub fn start(
        imp: Arc<dyn Implementation>,
        timeout: Duration,
        describe_timeout: Duration,
    ) -> Result<InProcess, String> {
        quiet_worker_panics();
        let mut this = InProcess {
            imp,
            keys: Arc::new(KeyCache::new()),
            description: Description::default(),
            timeout: describe_timeout,
            idle: Mutex::new(Vec::new()),
        };
        this.description = match this.call(|imp, _| Ok(imp.describe())) {
            Answer::Ok(description) => description,
            Answer::Panic(m) => return Err(format!("describe panicked: {m}")),
            Answer::Hang(t) => return Err(format!("describe gave no answer within {t:?}")),
            Answer::Refused(f) => return Err(format!("describe failed: {}", f.error)),
            Answer::Crash(m) | Answer::NotRun(m) => return Err(format!("describe: {m}")),
        };
        this.timeout = timeout;
        Ok(this)
    }

    fn call<T: Send + 'static>(
        &self,
        f: impl FnOnce(&dyn Implementation, &KeyCache) -> Result<T, Failure> + Send + 'static,
    ) -> Answer<T> {
        let idle = self.lock_idle().pop();
        let worker = match idle {
            Some(worker) => worker,
            None => match Worker::start(Arc::clone(&self.imp), Arc::clone(&self.keys)) {
                Ok(worker) => worker,
                Err(e) => return Answer::Crash(format!("cannot start a worker thread: {e}")),
            },
        };
        let (tx, rx) = mpsc::channel();
        let job: Job = Box::new(move |imp, keys| {
            let _ = tx.send(guard::catch(|| f(imp, keys)));
        });
        if worker.jobs.send(job).is_err() {
            return Answer::Crash("the worker thread ended without an answer".into());
        }
        let answer = match rx.recv_timeout(self.timeout) {
            Ok(Ok(Ok(value))) => Answer::Ok(value),
            Ok(Ok(Err(failure))) => Answer::Refused(failure),
            Ok(Err(message)) => Answer::Panic(message),
            // The worker is left behind: a thread cannot be killed, but the run goes on.
            Err(mpsc::RecvTimeoutError::Timeout) => return Answer::Hang(self.timeout),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Answer::Crash("the worker thread ended without an answer".into())
            }
        };
        self.lock_idle().push(worker);
        answer
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<Worker>> {
        // Workers are pushed and popped whole, so a poisoned list is still sound.
        self.idle.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Subject for InProcess {
    fn description(&self) -> &Description {
        &self.description
    }

    fn sign(&self, request: &SignRequest) -> Answer<String> {
        let request = request.clone();
        self.call(move |imp, keys| keys.sign(imp, &request))
    }

    fn verify(&self, request: &VerifyRequest) -> Answer<Decoded> {
        let request = request.clone();
        self.call(move |imp, keys| keys.verify(imp, &request))
    }

    fn verify_provider(&self, request: &VerifyRequest) -> Answer<ProviderAnswer> {
        let request = request.clone();
        self.call(move |imp, _| imp.verify_provider(&request))
    }
}

/// A circuit breaker around a subject: after `limit` consecutive hangs or crashes, every
/// later call answers [`Answer::NotRun`] at once, so that a dead or hung implementation costs
/// `limit` timeouts instead of one per case. Panics do not count: they are answers, given at
/// once, and each one is a finding of its own.
pub struct Breaker {
    inner: Box<dyn Subject>,
    limit: u32,
    consecutive: AtomicU32,
}

impl Breaker {
    /// Wraps `inner`; a `limit` of 0 never gives up.
    pub fn new(inner: Box<dyn Subject>, limit: u32) -> Breaker {
        Breaker {
            inner,
            limit,
            consecutive: AtomicU32::new(0),
        }
    }

    fn call<T>(&self, f: impl FnOnce(&dyn Subject) -> Answer<T>) -> Answer<T> {
        let seen = self.consecutive.load(Ordering::SeqCst);
        if self.limit > 0 && seen >= self.limit {
            return Answer::NotRun(format!(
                "implementation unresponsive: it hung or crashed on {seen} consecutive requests"
            ));
        }
        let answer = f(self.inner.as_ref());
        if matches!(answer, Answer::Hang(_) | Answer::Crash(_)) {
            self.consecutive.fetch_add(1, Ordering::SeqCst);
        } else {
            self.consecutive.store(0, Ordering::SeqCst);
        }
        answer
    }
}

impl Subject for Breaker {
    fn description(&self) -> &Description {
        self.inner.description()
    }

    fn sign(&self, request: &SignRequest) -> Answer<String> {
        self.call(|s| s.sign(request))
    }

    fn verify(&self, request: &VerifyRequest) -> Answer<Decoded> {
        self.call(|s| s.verify(request))
    }

    fn verify_provider(&self, request: &VerifyRequest) -> Answer<ProviderAnswer> {
        self.call(|s| s.verify_provider(request))
    }

    fn mode(&self) -> VerifyMode {
        self.inner.mode()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::Clock;

    struct Misbehaving;

    impl Implementation for Misbehaving {
        fn describe(&self) -> Description {
            Description {
                name: "misbehaving".into(),
                version: "0".into(),
                algorithms: vec!["HS256".into()],
                clock: Clock::Injected,
                cannot_enforce: vec![],
                modes: vec![],
                defaults_clock: None,
                ..Default::default()
            }
        }
        fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
            match request.id.as_str() {
                "panic" => panic!("deliberate panic"),
                "hang" => {
                    std::thread::sleep(Duration::from_secs(3));
                    Ok("late".into())
                }
                "refuse" => Err(Failure::message("no")),
                _ => Ok("a.b.c".into()),
            }
        }
        fn verify(&self, _: &VerifyRequest) -> Result<Decoded, Failure> {
            Ok(Decoded::default())
        }
    }

    fn request(id: &str) -> SignRequest {
        SignRequest {
            id: id.into(),
            alg: "HS256".into(),
            key: Default::default(),
            header: Default::default(),
            claims: Default::default(),
            provider: None,
        }
    }

    #[test]
    fn panics_hangs_and_refusals_are_answers() {
        let s = InProcess::new(Arc::new(Misbehaving), Duration::from_millis(200)).unwrap();
        assert_eq!(s.description().name, "misbehaving");
        assert_eq!(s.sign(&request("ok")), Answer::Ok("a.b.c".into()));
        assert_eq!(
            s.sign(&request("refuse")),
            Answer::Refused(Failure::message("no"))
        );
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let panicked = s.sign(&request("panic"));
        std::panic::set_hook(prev);
        assert_eq!(panicked, Answer::Panic("deliberate panic".into()));
        assert_eq!(
            s.sign(&request("hang")),
            Answer::Hang(Duration::from_millis(200))
        );
        // The run goes on after a hang.
        assert_eq!(s.sign(&request("ok")), Answer::Ok("a.b.c".into()));
    }

    #[test]
    fn the_breaker_gives_up_after_consecutive_hangs_and_recovers_on_an_answer() {
        let inner = InProcess::new(Arc::new(Misbehaving), Duration::from_millis(50)).unwrap();
        let b = Breaker::new(Box::new(inner), 2);
        assert_eq!(b.sign(&request("ok")), Answer::Ok("a.b.c".into()));
        assert!(matches!(b.sign(&request("hang")), Answer::Hang(_)));
        assert_eq!(b.sign(&request("ok")), Answer::Ok("a.b.c".into()));
        assert!(matches!(b.sign(&request("hang")), Answer::Hang(_)));
        assert!(matches!(b.sign(&request("hang")), Answer::Hang(_)));
        let started = std::time::Instant::now();
        match b.sign(&request("hang")) {
            Answer::NotRun(why) => assert!(why.contains("unresponsive"), "{why}"),
            other => panic!("expected not run, got {other:?}"),
        }
        assert!(matches!(b.sign(&request("ok")), Answer::NotRun(_)));
        assert!(started.elapsed() < Duration::from_millis(50));
    }

    struct SlowToDescribe;

    impl Implementation for SlowToDescribe {
        fn describe(&self) -> Description {
            std::thread::sleep(Duration::from_secs(2));
            Misbehaving.describe()
        }
        fn sign(&self, request: &SignRequest) -> Result<String, Failure> {
            Misbehaving.sign(request)
        }
        fn verify(&self, request: &VerifyRequest) -> Result<Decoded, Failure> {
            Misbehaving.verify(request)
        }
    }

    #[test]
    fn describe_has_its_own_timeout() {
        let started = std::time::Instant::now();
        let err = InProcess::start(
            Arc::new(SlowToDescribe),
            Duration::from_secs(5),
            Duration::from_millis(100),
        )
        .err()
        .expect("a describe slower than its timeout fails");
        assert!(err.contains("no answer within"), "{err}");
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
