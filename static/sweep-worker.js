// A sweep worker (src/sweep/workers.rs starts it). The sweep panel sends its
// own compiled WebAssembly module, so nothing is downloaded or compiled twice:
// first [glue URL, module, sweep JSON, scenario JSON], then [from, to] for
// each batch of runs. Each run comes back as a Float64Array
// [run, figure values…]; a failure comes back as a string.
let ready;
onmessage = (e) => {
  const m = e.data;
  if (!ready) {
    const [glue, module, sweep, scenario] = m;
    ready = import(glue).then(async (g) => {
      await g.default({ module_or_path: module });
      g.sweep_prepare(sweep, scenario);
      return g;
    });
    ready.catch((err) => postMessage(String((err && err.message) || err)));
    return;
  }
  ready.then((g) => {
    const [from, to] = m;
    try {
      for (let i = from; i < to; i++) postMessage(g.sweep_run(i));
    } catch (err) {
      postMessage(String((err && err.message) || err));
    }
  }, () => {});
};
