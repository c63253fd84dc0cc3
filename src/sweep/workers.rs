//! The Web Workers a sweep runs on (the panel's side of
//! [`SweepEffect::Start`](super::SweepEffect::Start)).
//!
//! Each worker is `sweep-worker.js` instantiating the sweep panel's own
//! WebAssembly module (sent to it, already compiled) and calling its
//! `sweep_prepare` once and `sweep_run` for each run it is given (exported by
//! `src/bin/msgsim-sweep.rs`, wrapping [`prepare`] and [`run`]). A run's result comes back as
//! `[run, figure values…]` and is handed to `deliver`; a worker that fails
//! reports why as text.

use std::cell::RefCell;

use js_sys::{Array, Float64Array};
use msgsim_sim::Scenario;
use msgsim_sim::sweep::Sweep;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

/// What a worker sends back: a run's `[run, figures…]`, or why it failed.
pub type Delivery = (usize, Result<Vec<f64>, String>);

struct Pool {
    workers: Vec<Worker>,
    _handlers: Vec<Closure<dyn FnMut(MessageEvent)>>,
}

thread_local! {
    static POOL: RefCell<Option<Pool>> = const { RefCell::new(None) };
    /// The sweep a worker runs (set by [`sweep_prepare`]).
    static JOB: RefCell<Option<(Sweep, Scenario)>> = const { RefCell::new(None) };
}

/// The URLs of the sweep module's JavaScript glue and WebAssembly and of the
/// worker script, beside the page. Trunk names them without a content hash
/// (as it does a worker's), so they carry the page's own build hash as a
/// query: a browser never pairs a new page with a sweep module or worker it
/// cached from an older build.
pub fn module_urls() -> Option<(String, String, String)> {
    let doc = gloo::utils::document();
    let page = doc.url().ok()?;
    // The page's glue, `msgsim-web-<hash>.js`, is preloaded by its link.
    let glue = doc.query_selector("link[rel=modulepreload]").ok().flatten().and_then(|l| l.get_attribute("href"));
    let build = glue
        .as_deref()
        .and_then(|h| h.rsplit('/').next()?.strip_prefix("msgsim-web-")?.strip_suffix(".js").map(str::to_string))
        .unwrap_or_default();
    let url = |file: &str| web_sys::Url::new_with_base(&format!("{file}?v={build}"), &page).ok().map(|u| u.href());
    Some((url("msgsim-sweep.js")?, url("msgsim-sweep_bg.wasm")?, url("sweep-worker.js")?))
}

/// Starts `n` workers on `sweep` over `scenario` (ending any running);
/// `deliver` gets every message they send back.
pub fn start(n: usize, sweep: &str, scenario: &str, deliver: impl Fn(Delivery) + Clone + 'static) {
    stop();
    let Some((glue, _, script)) = module_urls() else {
        deliver((0, Err("the sweep module's address could not be made".into())));
        return;
    };
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Module);
    let (mut workers, mut handlers) = (Vec::new(), Vec::new());
    for w in 0..n {
        let worker = match Worker::new_with_options(&script, &options) {
            Ok(worker) => worker,
            Err(_) => {
                deliver((w, Err("this browser cannot start a module worker".into())));
                return;
            }
        };
        let d = deliver.clone();
        let handler = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let data = e.data();
            match data.dyn_ref::<Float64Array>() {
                Some(values) => d((w, Ok(values.to_vec()))),
                None => d((w, Err(data.as_string().unwrap_or_else(|| "no answer".into())))),
            }
        });
        worker.set_onmessage(Some(handler.as_ref().unchecked_ref()));
        let first = Array::of4(&glue.clone().into(), &wasm_bindgen::module(), &sweep.into(), &scenario.into());
        if worker.post_message(&first).is_err() {
            deliver((w, Err("the worker could not be started".into())));
        }
        workers.push(worker);
        handlers.push(handler);
    }
    POOL.with(|p| *p.borrow_mut() = Some(Pool { workers, _handlers: handlers }));
}

/// Worker `w` runs runs `from..to`.
pub fn assign(w: usize, from: u64, to: u64) {
    POOL.with(|p| {
        if let Some(worker) = p.borrow().as_ref().and_then(|p| p.workers.get(w)) {
            let _ = worker.post_message(&Array::of2(&(from as f64).into(), &(to as f64).into()));
        }
    });
}

/// Ends every worker at once.
pub fn stop() {
    POOL.with(|p| {
        if let Some(pool) = p.borrow_mut().take() {
            for w in &pool.workers {
                w.terminate();
            }
        }
    });
}

/// In a worker: keeps the sweep it will run.
pub fn prepare(sweep: &str, scenario: &str) -> Result<(), String> {
    let sweep: Sweep = serde_json::from_str(sweep).map_err(|e| e.to_string())?;
    let scenario =
        Scenario::from_json(scenario).map_err(|p| p.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))?;
    JOB.with(|j| *j.borrow_mut() = Some((sweep, scenario)));
    Ok(())
}

/// In a worker: runs run `i` of the prepared sweep: `[i, figures…]`, NaN
/// for a figure the run does not have.
pub fn run(i: f64) -> Result<Vec<f64>, String> {
    JOB.with(|j| {
        let j = j.borrow();
        let (sweep, base) = j.as_ref().ok_or("no sweep prepared")?;
        let r = sweep.run(base, i as u64)?;
        Ok(std::iter::once(i).chain(r.figures.iter().map(|x| x.unwrap_or(f64::NAN))).collect())
    })
}
